/**
 * The web service example (python-debian, the catalogue's defaults) generated with the real generator, built
 * with the generated build.sh and run with the generated compose.yaml on a real Docker engine.
 * See test/support/engine.ts for the harness; DOCKER_BEST_SKIP_ENGINE=1 skips this explicitly.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BuildOutcome,
  EngineProject,
  docker,
  freePort,
  httpGet,
  isTini,
  must,
  requireEngine,
} from '../../tools/engine/harness.js';

const MB = 1024 * 1024;

describe('engine: the web service example on python-debian', function () {
  this.timeout(5 * 60_000);
  let app: EngineProject | undefined;
  let built: BuildOutcome | undefined;
  let port = 0;

  const project = (): EngineProject => {
    if (!app) throw new Error('the project was not set up (see the before hook)');
    return app;
  };
  const visits = async (): Promise<number> => {
    const answer = await httpGet(`http://127.0.0.1:${port}/`);
    assert.equal(answer.status, 200, `GET / answered ${answer.status}: ${answer.body}`);
    return (JSON.parse(answer.body) as { visits: number }).visits;
  };

  before(async function () {
    await requireEngine(this);
    port = await freePort();
    // Port and PORT for the app from the options, so that a busy 8000 on this machine cannot fail the run.
    app = await EngineProject.create('web-service', {
      args: ['--port', String(port), '--env', `PORT=${port}`],
      secrets: true,
      git: true,
    });
    built = await app.buildScript();
    await app.up();
  });

  after(async function () {
    this.timeout(5 * 60_000);
    await app?.dispose();
  });

  it('build.sh tags the image with the 12-character commit and latest in a clean checkout', async function () {
    const web = project();
    const revision = await web.revision();
    assert.match(revision, /^[0-9a-f]{12}$/);
    assert.deepEqual([...(built?.tags ?? [])].sort(), [web.image(revision), web.image('latest')].sort());
    assert.equal(await web.imageId(web.image(revision)), await web.imageId(web.image('latest')));
    assert.equal(await web.label(web.image('latest'), 'org.opencontainers.image.revision'), revision);
  });

  it('reaches healthy and answers on 127.0.0.1 only', async function () {
    const web = project();
    await web.explain(async () => {
      await web.waitHealthy();
      assert.equal(await visits(), 1);
      const published = await must('docker port', 'docker', ['port', await web.container()]);
      assert.equal(published.stdout.trim(), `${port}/tcp -> 127.0.0.1:${port}`);
    });
  });

  it('runs every process as the generated uid, not root', async function () {
    const web = project();
    await web.explain(async () => {
      const { uid } = web.dockerfile;
      assert.notEqual(uid, 0);
      const processes = await web.processes();
      assert.ok(processes.length >= 2, `expected tini and the app, saw ${JSON.stringify(processes)}`);
      for (const process of processes) assert.equal(process.uid, uid, `${process.cmdline} runs as uid ${process.uid}`);
      assert.equal((await web.exec(['id', '-u'])).stdout.trim(), String(uid));
    });
  });

  it('runs tini as PID 1, with the app under it', async function () {
    const web = project();
    await web.explain(async () => {
      const processes = await web.processes();
      const first = processes.find((process) => process.pid === 1);
      assert.ok(first && isTini(first), `PID 1 is ${first?.cmdline ?? 'missing'}`);
      assert.match(first.cmdline, /python app\.py$/);
      assert.ok(processes.some((process) => process.pid !== 1 && /^python app\.py/.test(process.cmdline)));
    });
  });

  it('cannot write to / or to its code, but can write to its volume and /tmp', async function () {
    const web = project();
    await web.explain(async () => {
      for (const path of ['/probe', `${web.dockerfile.workdir}/probe`]) {
        const write = await web.exec(['sh', '-c', 'echo x > "$1"', 'sh', path]);
        assert.notEqual(write.code, 0, `writing ${path} succeeded`);
        assert.match(write.stderr, /Read-only file system/, write.stderr);
      }
      assert.ok(web.compose.volumes.length > 0, 'compose.yaml mounts no volume');
      for (const dir of [...web.compose.volumes, '/tmp']) {
        const write = await web.exec([
          'sh',
          '-c',
          'echo ok > "$1/.probe" && cat "$1/.probe" && rm "$1/.probe"',
          'sh',
          dir,
        ]);
        assert.equal(write.code, 0, `writing to ${dir} failed: ${write.output}`);
        assert.equal(write.stdout.trim(), 'ok');
      }
    });
  });

  it('keeps its visit counter on the volume across compose down and up', async function () {
    const web = project();
    await web.explain(async () => {
      const before = await visits();
      const oldContainer = await web.container();
      await web.down();
      await web.up();
      assert.notEqual(await web.container(), oldContainer, 'compose up reused the old container');
      await web.waitHttp('/healthz');
      assert.equal(await visits(), before + 1);
    });
  });

  it('leaves .env, .git and .venv of the project out of the image', async function () {
    const web = project();
    const listing = await web.inspectImage(['ls', '-A', web.dockerfile.workdir]);
    assert.match(listing.stdout, /^app\.py$/m, `the app is not in ${web.dockerfile.workdir}: ${listing.output}`);
    assert.deepEqual(await web.leakedSecrets(), []);
  });

  it('adds at most 3 MB to its base image', async function () {
    const web = project();
    const added = await web.sizeOverBase();
    assert.ok(added <= 3 * MB, `the image adds ${(added / MB).toFixed(2)} MB to ${web.dockerfile.base}`);
  });

  it('stops within 2 seconds on docker stop', async function () {
    const web = project();
    await web.explain(async () => {
      const container = await web.container();
      const ms = await web.stopTime(container);
      assert.ok(ms < 2000, `docker stop took ${Math.round(ms)} ms`);
      const state = await web.state(container);
      assert.equal(state.Running, false);
    });
  });

  it('build.sh on a dirty tree tags <commit>-dirty and leaves latest where it was', async function () {
    const web = project();
    const revision = await web.revision();
    const latest = await web.imageId(web.image('latest'));
    appendFileSync(join(web.dir, 'app.py'), '# an uncommitted change\n');
    const dirty = await web.buildScript();
    assert.deepEqual(dirty.tags, [web.image(`${revision}-dirty`)]);
    assert.match(dirty.result.stderr, /uncommitted changes/);
    assert.equal(await web.imageId(web.image('latest')), latest, 'latest moved');
    assert.notEqual(await web.imageId(web.image(`${revision}-dirty`)), latest);
    const images = await docker(['image', 'ls', '--format', '{{.Tag}}', web.compose.repository]);
    assert.deepEqual(images.stdout.trim().split('\n').sort(), [revision, `${revision}-dirty`, 'latest'].sort());
  });
});
