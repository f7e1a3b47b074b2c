/**
 * The other Debian releases of the version catalogue: the web service example, generated with `--release`,
 * built with `docker build` (BuildKit) on the stand-in for that release and run with the generated compose.yaml.
 * The default release is covered in full by web-service.spec.ts. DOCKER_BEST_SKIP_ENGINE=1 skips this.
 */
import assert from 'node:assert/strict';
import { DEBIAN, PYTHON } from '../../src/catalogue.js';
import { EngineProject, freePort, isTini, requireEngine } from '../../tools/engine/harness.js';

const [, ...otherReleases] = Object.keys(DEBIAN);

describe('engine: the web service on the other Debian releases of the catalogue', function () {
  this.timeout(5 * 60_000);
  for (const release of otherReleases) {
    // The newest Python line with an image for this release.
    const line = Object.keys(PYTHON).find((candidate) => PYTHON[candidate]?.debian.includes(release));

    describe(`Debian ${release}`, function () {
      let app: EngineProject | undefined;
      const project = (): EngineProject => {
        if (!app) throw new Error('the project was not set up (see the before hook)');
        return app;
      };

      before(async function () {
        await requireEngine(this);
        assert.ok(line, `no Python line of the catalogue has an image for ${release}`);
        const port = await freePort();
        app = await EngineProject.create('web-service', {
          args: ['--release', release, '--python', line, '--port', String(port), '--env', `PORT=${port}`],
        });
        await app.build();
        await app.up();
      });

      after(async function () {
        this.timeout(5 * 60_000);
        await app?.dispose();
      });

      it(`builds on python:${PYTHON[line ?? '']?.version ?? '?'}-slim-${release}, reaches healthy and answers`, async function () {
        const web = project();
        assert.equal(web.dockerfile.base, `python:${PYTHON[line ?? '']?.version ?? '?'}-slim-${release}`);
        await web.explain(async () => {
          await web.waitHealthy();
          const answer = await web.waitHttp('/');
          assert.equal(answer.status, 200, answer.body);
          const osRelease = await web.exec(['cat', '/etc/os-release']);
          assert.match(osRelease.stdout, new RegExp(`^VERSION_CODENAME=${release}$`, 'm'));
        });
      });

      it('runs as the generated uid with tini as PID 1 on a read-only root', async function () {
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
    });
  }
});
