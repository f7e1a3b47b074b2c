/**
 * The development loop on a real engine with Docker Compose v2 (tools/engine/compose-v2.sh fetches it from a
 * newer Debian release): the generated compose.dev.yaml over compose.yaml passes `docker compose config`, and
 * `up --build --watch` runs the web service example so that an edit of its source reaches the running container.
 * DOCKER_BEST_SKIP_ENGINE=1 skips this explicitly.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type RunResult, BIN, engineEnv, must, run, sleep, tail } from '../../tools/engine/commands.js';
import { type ComposeV2, composeV2, requireEngine } from '../../tools/engine/engine.js';
import { freePort, httpGet } from '../../tools/engine/processes.js';
import { EngineProject, STDLIB_SERVICE } from '../../tools/engine/project.js';

interface Config {
  services: Record<
    string,
    {
      image?: string;
      user?: string;
      read_only?: boolean;
      cap_drop?: string[];
      cap_add?: string[];
      security_opt?: string[];
      mem_limit?: unknown;
      pids_limit?: number;
      ports?: { host_ip?: string; published?: string | number; target?: number }[];
      develop?: { watch?: { action: string; path: string; target?: string }[] };
    }
  >;
}

/** Files of the dev setup, as `docker compose -f compose.yaml -f compose.dev.yaml` takes them. */
const DEV_FILES = ['-f', 'compose.yaml', '-f', 'compose.dev.yaml'];

describe('engine: the development loop (compose.dev.yaml, Compose v2 watch)', function () {
  this.timeout(6 * 60_000);
  let app: EngineProject | undefined;
  let v2: ComposeV2 | undefined;
  let watcher: ChildProcess | undefined;
  let output = '';
  let port = 0;

  const project = (): EngineProject => {
    if (!app) throw new Error('the project was not set up (see the before hook)');
    return app;
  };
  const compose = (args: readonly string[], timeoutMs = 5 * 60_000): Promise<RunResult> => {
    if (!v2) throw new Error('no Compose v2');
    const [program = 'docker', ...prefix] = v2.command;
    return run(program, [...prefix, '-p', project().project, ...DEV_FILES, ...args], {
      cwd: project().dir,
      env: v2.env,
      timeoutMs,
    });
  };
  /** GET / until it answers 200 with JSON that passes `accept`, or fail with the watcher's output. */
  const waitFor = async (accept: (body: Record<string, unknown>) => boolean, what: string): Promise<void> => {
    const started = performance.now();
    let last = '';
    while (performance.now() - started < 180_000) {
      try {
        const answer = await httpGet(`http://127.0.0.1:${port}/`);
        last = `${answer.status} ${answer.body}`;
        if (answer.status === 200 && accept(JSON.parse(answer.body) as Record<string, unknown>)) return;
      } catch (error) {
        last = String(error);
      }
      await sleep(1000);
    }
    throw new Error(
      `${what}: not seen within 180 s (last answer: ${last})\n--- compose up --watch ---\n${tail(output)}`,
    );
  };

  before(async function () {
    await requireEngine(this);
    v2 = await composeV2();
    port = await freePort();
    app = await EngineProject.create(STDLIB_SERVICE, { args: ['--port', String(port), '--env', `PORT=${port}`] });
  });

  after(async function () {
    this.timeout(3 * 60_000);
    if (watcher && watcher.exitCode === null) {
      watcher.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      if (watcher.exitCode === null) watcher.kill('SIGKILL');
    }
    // The Compose plugin is a child of the docker client: killed, the client may leave it holding these pipes.
    watcher?.stdout?.destroy();
    watcher?.stderr?.destroy();
    watcher?.unref();
    if (app && v2) await compose(['down', '--volumes', '--remove-orphans', '--rmi', 'local']).catch(() => undefined);
    await app?.dispose();
  });

  it(`passes docker compose config (Compose v2) merged over compose.yaml, keeping the hardening it does not need to change`, async () => {
    const config = await compose(['config']);
    assert.equal(config.code, 0, config.output);
    const merged = parse(config.stdout) as Config;
    const service = merged.services[project().compose.service];
    assert.ok(service, config.stdout);
    assert.equal(service.image, `${project().compose.repository}:development`);
    assert.equal(service.user, 'root');
    assert.notEqual(service.read_only, true, 'the root filesystem is writable (Compose leaves out a false read_only)');
    assert.deepEqual(service.cap_drop, ['ALL']);
    assert.deepEqual(service.security_opt, ['no-new-privileges:true']);
    assert.equal(service.pids_limit, 256);
    assert.deepEqual(
      service.ports?.map((entry) => [entry.host_ip, Number(entry.published), entry.target]),
      [['127.0.0.1', port, port]],
    );
    assert.ok(service.develop?.watch?.some((rule) => rule.action.startsWith('sync') && rule.target === '/app'));
  });

  it('runs under up --watch, the app as its own user, and an edit of the source reaches the running container', async () => {
    const web = project();
    if (!v2) throw new Error('no Compose v2');
    const [program = 'docker', ...prefix] = v2.command;
    watcher = spawn(program, [...prefix, '-p', web.project, ...DEV_FILES, 'up', '--build', '--watch'], {
      cwd: web.dir,
      env: engineEnv(v2.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
    };
    watcher.stdout?.on('data', collect);
    watcher.stderr?.on('data', collect);

    await waitFor((body) => body.visits === 1, 'the first answer of the app');
    const processes = await web.explain(() => web.processes());
    const app = processes.find((process) => /python app\.py/.test(process.cmdline) && process.pid !== 1);
    assert.ok(app, JSON.stringify(processes));
    assert.equal(app.uid, web.dockerfile.uid, 'the app runs as the image user, not as root');

    // An edit: the answer gains a key. Compose syncs app.py and restarts the container (no reloader here).
    const source = web.read('app.py');
    const edited = source.replace('{"visits": visits}', '{"visits": visits, "edited": True}');
    assert.notEqual(edited, source, 'the example app still answers {"visits": visits}');
    writeFileSync(join(web.dir, 'app.py'), edited);
    await waitFor((body) => body.edited === true, 'the edited app.py in the running container');
    const inside = await web.exec(['cat', `${web.dockerfile.workdir}/app.py`]);
    assert.match(inside.stdout, /"edited": True/);
    // The volume kept its data across the restart.
    await waitFor((body) => typeof body.visits === 'number' && body.visits >= 2, 'the visit counter on the volume');
    const logs = await must('docker logs', 'docker', ['logs', await web.container()]);
    assert.doesNotMatch(logs.output, /Traceback/);
  });

  it('with --debugport, passes docker compose config: debugpy published on 127.0.0.1, installed first', async () => {
    const web = project();
    if (watcher && watcher.exitCode === null) watcher.kill('SIGINT');
    await must('docker-best dev --debugport', process.execPath, [BIN, 'dev', '--debugport', '5678', '--force'], {
      cwd: web.dir,
    });
    const config = await compose(['config']);
    assert.equal(config.code, 0, config.output);
    const merged = parse(config.stdout) as Config & {
      services: Record<string, { depends_on?: Record<string, { condition: string }>; volumes?: unknown[] }>;
    };
    const service = merged.services[web.compose.service];
    assert.ok(service, config.stdout);
    assert.deepEqual(
      service.ports?.map((entry) => [entry.host_ip, Number(entry.published), entry.target]),
      [
        ['127.0.0.1', port, port],
        ['127.0.0.1', 5678, 5678],
      ],
    );
    const installer = `${web.compose.service}-debugpy`;
    assert.equal(service.depends_on?.[installer]?.condition, 'service_completed_successfully');
    assert.ok(merged.services[installer], `no ${installer} service`);
  });
});
