/**
 * What every web example must do on a real engine, as one suite a spec file describes in a few lines: the
 * example copied to a temporary folder with a `.env`, a `.venv` and a git history, generated with the
 * package's bin as a user would (`--defaults`, plus only the Python and release that have the wheelhouse:
 * detection finds the entry, the port and the health check), built with the generated build.sh, run with the
 * generated compose.yaml, then looked at from outside.
 */
import assert from 'node:assert/strict';
import { must } from '../../tools/engine/commands.js';
import { requireEngine } from '../../tools/engine/engine.js';
import { type HttpAnswer, httpGet, httpRequest, isTini } from '../../tools/engine/processes.js';
import { type BuildOutcome, EngineProject, example } from '../../tools/engine/project.js';
import { realDependencyArgs } from '../../tools/engine/wheelhouse.js';

export interface WebApp {
  /** The folder under examples/. */
  readonly example: string;
  /** What it is, for the suite's title ("a FastAPI service served by uvicorn"). */
  readonly what: string;
  /** A route a user would hit (not the health route), and what its answer must show. */
  readonly route: string;
  readonly answer: (answer: HttpAnswer) => void;
  /** The app's own health route. */
  readonly health: string;
  /** Further checks, run while the container is up (before the stop check). */
  readonly more?: (context: WebAppContext) => void;
}

export interface WebAppContext {
  /** The project (throws before the suite's `before` set it up). */
  readonly project: () => EngineProject;
  /** What build.sh did in `before`. */
  readonly built: () => BuildOutcome;
  /** GET a path on the published port. */
  readonly get: (path: string) => Promise<HttpAnswer>;
  /** POST a JSON body to a path on the published port. */
  readonly post: (path: string, json: unknown) => Promise<HttpAnswer>;
}

export const describeWebApp = (app: WebApp): void => {
  describe(`engine: examples/${app.example}, ${app.what}`, function () {
    this.timeout(5 * 60_000);
    let web: EngineProject | undefined;
    let built: BuildOutcome | undefined;

    const project = (): EngineProject => {
      if (!web) throw new Error('the project was not set up (see the before hook)');
      return web;
    };
    const url = (path: string): string => {
      const port = project().compose.ports[0];
      if (port === undefined) throw new Error('compose.yaml publishes no port');
      return `http://127.0.0.1:${port}${path}`;
    };
    const get = (path: string): Promise<HttpAnswer> => httpGet(url(path));
    const context: WebAppContext = {
      project,
      get,
      post: (path, json) => httpRequest(url(path), 'POST', JSON.stringify(json)),
      built: () => {
        if (!built) throw new Error('build.sh did not run (see the before hook)');
        return built;
      },
    };

    before(async function () {
      await requireEngine(this);
      web = await EngineProject.create(example(app.example), { args: realDependencyArgs(), secrets: true, git: true });
      built = await web.buildScript();
      await web.up();
    });

    after(async function () {
      this.timeout(5 * 60_000);
      await web?.dispose();
    });

    it('turns healthy, and answers its health route on 127.0.0.1 only', async function () {
      const p = project();
      await p.explain(async () => {
        await p.waitHealthy();
        const health = await p.waitHttp(app.health);
        assert.equal(health.status, 200, `GET ${app.health} answered ${health.status}: ${health.body}`);
        const [port] = p.compose.ports;
        const published = await must('docker port', 'docker', ['port', await p.container()]);
        assert.match(published.stdout.trim(), new RegExp(`-> 127\\.0\\.0\\.1:${port}$`));
      });
    });

    it(`serves ${app.route} to a user`, async function () {
      const p = project();
      await p.explain(async () => {
        const answer = await p.waitHttp(app.route);
        assert.ok(answer.status < 500, `GET ${app.route} answered ${answer.status}: ${answer.body.slice(0, 2000)}`);
        app.answer(answer);
      });
    });

    it('runs every process as the generated non-root uid, with tini as PID 1', async function () {
      const p = project();
      await p.explain(async () => {
        const { uid } = p.dockerfile;
        assert.notEqual(uid, 0);
        const processes = await p.processes();
        const first = processes.find((process) => process.pid === 1);
        assert.ok(first && isTini(first), `PID 1 is ${first?.cmdline ?? 'missing'}`);
        assert.ok(processes.length >= 2, `expected tini and the server, saw ${JSON.stringify(processes)}`);
        for (const process of processes)
          assert.equal(process.uid, uid, `${process.cmdline} runs as uid ${process.uid}`);
      });
    });

    it('cannot write to / or to its code, but can write to its volume and /tmp', async function () {
      const p = project();
      await p.explain(async () => {
        for (const path of ['/probe', `${p.dockerfile.workdir}/probe`]) {
          const write = await p.exec(['sh', '-c', 'echo x > "$1"', 'sh', path]);
          assert.notEqual(write.code, 0, `writing ${path} succeeded`);
          assert.match(write.stderr, /Read-only file system/, write.stderr);
        }
        assert.ok(p.compose.volumes.length > 0, 'compose.yaml mounts no volume');
        for (const dir of [...p.compose.volumes, '/tmp']) {
          const write = await p.exec([
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

    it('leaves .env, .git and .venv of the project out of the image', async function () {
      assert.deepEqual(await project().leakedSecrets(), []);
    });

    app.more?.(context);

    it('stops within 2 seconds on docker stop', async function () {
      const p = project();
      await p.explain(async () => {
        const container = await p.container();
        const ms = await p.stopTime(container);
        assert.ok(ms < 2000, `docker stop took ${Math.round(ms)} ms`);
        assert.equal((await p.state(container)).Running, false);
      });
    });
  });
};
