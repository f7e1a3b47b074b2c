/**
 * A web service without dependencies (tools/engine/fixtures/stdlib-service) on every Debian release of the
 * version catalogue: with the generator's defaults (the newest Python and release), and with `--python` and
 * `--release` for each other release. It shows what only an app without dependencies can: the final image adds
 * at most 3 MB to its base image. DOCKER_BEST_SKIP_ENGINE=1 skips this explicitly.
 */
import assert from 'node:assert/strict';
import { DEBIAN, PYTHON, newestPython } from '../../src/catalogue.js';
import { requireEngine } from '../../tools/engine/engine.js';
import { httpGet, isTini } from '../../tools/engine/processes.js';
import { EngineProject, STDLIB_SERVICE } from '../../tools/engine/project.js';

const MB = 1024 * 1024;
const [newestRelease, ...otherReleases] = Object.keys(DEBIAN);

interface Case {
  readonly release: string;
  readonly line: string;
  readonly args: readonly string[];
}

const cases: Case[] = [
  { release: newestRelease ?? '?', line: newestPython(), args: [] },
  ...otherReleases.map((release) => {
    // The newest Python line with an image for this release.
    const line = Object.keys(PYTHON).find((candidate) => PYTHON[candidate]?.debian.includes(release)) ?? '?';
    return { release, line, args: ['--python', line, '--release', release] };
  }),
];

for (const { release, line, args } of cases) {
  const base = `python:${PYTHON[line]?.version ?? '?'}-slim-${release}`;

  describe(`engine: a service without dependencies on ${base}${args.length === 0 ? ' (the defaults)' : ''}`, function () {
    this.timeout(5 * 60_000);
    let app: EngineProject | undefined;
    const project = (): EngineProject => {
      if (!app) throw new Error('the project was not set up (see the before hook)');
      return app;
    };
    const visits = async (): Promise<number> => {
      const answer = await httpGet(`http://127.0.0.1:${project().compose.ports[0] ?? 0}/`);
      assert.equal(answer.status, 200, `GET / answered ${answer.status}: ${answer.body}`);
      return (JSON.parse(answer.body) as { visits: number }).visits;
    };

    before(async function () {
      await requireEngine(this);
      app = await EngineProject.create(STDLIB_SERVICE, { args });
      await app.build();
      await app.up();
    });

    after(async function () {
      this.timeout(5 * 60_000);
      await app?.dispose();
    });

    it(`builds on ${base}, turns healthy and counts a visit`, async function () {
      const web = project();
      assert.equal(web.dockerfile.base, base);
      await web.explain(async () => {
        await web.waitHealthy();
        await web.waitHttp('/healthz');
        assert.equal(await visits(), 1);
        const osRelease = await web.exec(['cat', '/etc/os-release']);
        assert.match(osRelease.stdout, new RegExp(`^VERSION_CODENAME=${release}$`, 'm'));
      });
    });

    it('runs as the generated uid with tini as PID 1 on a read-only root, its volume writable', async function () {
      const web = project();
      await web.explain(async () => {
        const processes = await web.processes();
        const first = processes.find((process) => process.pid === 1);
        assert.ok(first && isTini(first), `PID 1 is ${first?.cmdline ?? 'missing'}`);
        for (const process of processes) assert.equal(process.uid, web.dockerfile.uid);
        assert.notEqual(web.dockerfile.uid, 0);
        const write = await web.exec(['sh', '-c', 'echo x > /probe']);
        assert.match(write.stderr, /Read-only file system/);
        for (const dir of web.compose.volumes) {
          assert.equal((await web.exec(['touch', `${dir}/probe`])).code, 0, `${dir} is not writable`);
        }
      });
    });

    it('keeps its visit counter on the volume across compose down and up', async function () {
      const web = project();
      await web.explain(async () => {
        const before = await visits();
        await web.down();
        await web.up();
        await web.waitHttp('/healthz');
        assert.equal(await visits(), before + 1);
      });
    });

    it('adds at most 3 MB to its base image', async function () {
      const web = project();
      const added = await web.sizeOverBase();
      assert.ok(added <= 3 * MB, `the image adds ${(added / MB).toFixed(2)} MB to ${web.dockerfile.base}`);
    });
  });
}
