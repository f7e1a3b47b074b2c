/**
 * The generated-project driver: a project copied to a temporary folder, generated with the package's own bin
 * as a user runs it, built with the generated build.sh or `docker build` (BuildKit, only the `# syntax` line
 * removed), run with the generated compose.yaml under a unique compose project name, looked into, and
 * removed again (containers, volumes, images, folder).
 *
 * Failures carry their evidence: a failed build throws with the build log, a failed container check (through
 * `explain`) with every container's state, health log and logs.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  BIN,
  REPO,
  type RunOptions,
  type RunResult,
  describeFailure,
  docker,
  must,
  run,
  sleep,
  tail,
  withEvidence,
} from './commands.js';
import { compose } from './engine.js';
import { type ComposeFacts, type DockerfileFacts, readCompose, readDockerfile } from './generated.js';
import {
  type ContainerState,
  type HttpAnswer,
  LIST_PROCESSES,
  type ProcessInfo,
  httpGet,
  parseProcesses,
  waitPortsFree,
} from './processes.js';

/** How the evidence of `diagnostics` starts. */
const DIAGNOSTICS = '=== containers of compose project';

/** A bundled example project: `examples/<name>`. */
export const example = (name: string): string => join(REPO, 'examples', name);

/**
 * A web service that uses only Python's standard library (tools/engine/fixtures/stdlib-service): for what
 * only an app without dependencies shows (the image adds at most 3 MB to its base) and for the releases whose
 * stand-ins have no wheelhouse.
 */
export const STDLIB_SERVICE = join(REPO, 'tools', 'engine', 'fixtures', 'stdlib-service');

/**
 * A Django project laid out as cookiecutter-django lays it out (tools/engine/fixtures/django-layered): local
 * settings in manage.py, production ones in wsgi.py reading the environment with no default, and a top
 * requirements.txt that includes the development file.
 */
export const DJANGO_LAYERED = join(REPO, 'tools', 'engine', 'fixtures', 'django-layered');

export interface ProjectOptions {
  /** Options for `docker-best --defaults` (e.g. ['--python', '3.14', '--release', 'bookworm']). */
  readonly args?: readonly string[];
  /** Put a `.env`, a `.venv/` and a `.gitignore` naming them into the project (they must stay out). */
  readonly secrets?: boolean;
  /** Make the project a git repository with one commit of everything (generated files included). */
  readonly git?: boolean;
}

export interface BuildOutcome {
  /** The tags build.sh printed after "Tagged:". */
  readonly tags: readonly string[];
  readonly result: RunResult;
}

export class EngineProject {
  /** Compose project name, unique per project. */
  readonly project: string;
  readonly compose: ComposeFacts;
  readonly dockerfile: DockerfileFacts;
  /** Secret text written into `.env` when `secrets` was asked for. */
  readonly secret: string;
  private readonly images = new Set<string>();

  private constructor(
    readonly root: string,
    readonly dir: string,
    readonly git: boolean,
    secret: string,
  ) {
    this.secret = secret;
    this.project = `dbt${randomBytes(5).toString('hex')}`;
    this.compose = readCompose(this.read('compose.yaml'));
    this.dockerfile = readDockerfile(this.read('Dockerfile'));
  }

  /** The image `compose.yaml` runs, at `tag`. */
  image(tag = 'latest'): string {
    return `${this.compose.repository}:${tag}`;
  }

  /**
   * Copy the project folder `source` (see `example`) to a fresh temporary folder named `<name>-<random>` (so
   * the default image name is unique), generate with the package's bin, remove the `# syntax` line, and
   * commit when asked.
   */
  static async create(source: string, options: ProjectOptions = {}): Promise<EngineProject> {
    const root = mkdtempSync(join(tmpdir(), 'docker-best-engine-'));
    const dir = join(root, `${basename(source)}-${randomBytes(3).toString('hex')}`);
    try {
      cpSync(source, dir, { recursive: true });
      const secret = options.secrets ? `do-not-ship-${randomBytes(8).toString('hex')}` : '';
      if (options.secrets) {
        writeFileSync(join(dir, '.env'), `API_TOKEN=${secret}\n`);
        mkdirSync(join(dir, '.venv', 'bin'), { recursive: true });
        writeFileSync(join(dir, '.venv', 'pyvenv.cfg'), `home = /usr/bin\n# ${secret}\n`);
        writeFileSync(join(dir, '.venv', 'bin', 'python'), `#!/bin/sh\n# ${secret}\n`);
        writeFileSync(join(dir, '.gitignore'), '.env\n.venv/\n');
      }
      await must('docker-best --defaults', process.execPath, [BIN, '--defaults', ...(options.args ?? [])], {
        cwd: dir,
        timeoutMs: 120_000,
      });
      const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
      const [first, ...rest] = dockerfile.split('\n');
      if (!first?.startsWith('# syntax=')) {
        throw new Error(`the generated Dockerfile does not start with a # syntax line:\n${dockerfile}`);
      }
      // The one change the tests make: the syntax line would have BuildKit pull its frontend from a registry.
      writeFileSync(join(dir, 'Dockerfile'), rest.join('\n'));
      if (options.git) {
        await gitIn(dir, ['init', '-q']);
        await gitIn(dir, ['add', '-A']);
        await gitIn(dir, ['commit', '-q', '-m', 'A project with a generated Docker setup']);
      }
      return new EngineProject(root, dir, options.git ?? false, secret);
    } catch (error) {
      rmSync(root, { recursive: true, force: true });
      throw error;
    }
  }

  /** The same project in another fresh folder of the same name, without `.git`: for builds outside git. */
  static copyWithoutGit(source: EngineProject): EngineProject {
    const root = mkdtempSync(join(tmpdir(), 'docker-best-engine-'));
    const dir = join(root, basename(source.dir));
    const skip = join(source.dir, '.git');
    cpSync(source.dir, dir, { recursive: true, filter: (path) => path !== skip });
    return new EngineProject(root, dir, false, source.secret);
  }

  read(file: string): string {
    return readFileSync(join(this.dir, file), 'utf8');
  }

  write(file: string, content: string): void {
    writeFileSync(join(this.dir, file), content);
  }

  /** git in the project, with a fixed identity. */
  gitCommand(args: readonly string[]): Promise<RunResult> {
    return gitIn(this.dir, args);
  }

  /** HEAD's 12-character abbreviation, as build.sh tags it. */
  async revision(): Promise<string> {
    return (await this.gitCommand(['rev-parse', '--short=12', 'HEAD'])).stdout.trim();
  }

  /** Run the generated build.sh with `args` and return what it did, failed or not. */
  async runBuildScript(args: readonly string[] = []): Promise<RunResult> {
    const env: Record<string, string> = this.git ? {} : { GIT_CEILING_DIRECTORIES: this.root };
    return run(join(this.dir, 'build.sh'), args, { cwd: this.dir, env, timeoutMs: 15 * 60_000 });
  }

  /**
   * Run the generated build.sh (Debian's docker first on PATH). Outside git, GIT_CEILING_DIRECTORIES keeps git
   * from finding a repository above the temporary folder. Throws with the build log when it fails.
   */
  async buildScript(args: readonly string[] = []): Promise<BuildOutcome> {
    const result = await this.runBuildScript(args);
    if (result.code !== 0) throw new Error(describeFailure('build.sh (the build log is its output)', result, 120));
    const printed = result.stdout.split('Tagged:')[1] ?? '';
    const tags = printed
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith(`${this.compose.repository}:`));
    for (const tag of tags) this.images.add(tag);
    return { tags, result };
  }

  /** `docker build -t <image>:<tag> .` with BuildKit; throws with the build log when it fails. */
  async build(tag = 'latest'): Promise<RunResult> {
    this.images.add(this.image(tag));
    const result = await docker(['build', '--progress=plain', '--tag', this.image(tag), '.'], {
      cwd: this.dir,
      timeoutMs: 15 * 60_000,
    });
    if (result.code !== 0) throw new Error(describeFailure('docker build (the build log is its output)', result, 120));
    return result;
  }

  /** The image's id (to tell whether a tag moved). */
  async imageId(image: string): Promise<string> {
    return (
      await must('docker image inspect', 'docker', ['image', 'inspect', '--format', '{{.Id}}', image])
    ).stdout.trim();
  }

  /** A label of the image. */
  async label(image: string, name: string): Promise<string> {
    const format = `{{ index .Config.Labels ${JSON.stringify(name)} }}`;
    return (
      await must('docker image inspect', 'docker', ['image', 'inspect', '--format', format, image])
    ).stdout.trim();
  }

  /** How many bytes the image adds to the base image of its final stage. */
  async sizeOverBase(image = this.image()): Promise<number> {
    const result = await must('docker image inspect', 'docker', [
      'image',
      'inspect',
      '--format',
      '{{.Size}}',
      image,
      this.dockerfile.base,
    ]);
    const [size = NaN, base = NaN] = result.stdout.trim().split('\n').map(Number);
    return size - base;
  }

  /** Run a command in a throw-away container of the image as root, without network, ignoring its entrypoint. */
  inspectImage(command: readonly string[], image = this.image()): Promise<RunResult> {
    const [entrypoint = 'sh', ...rest] = command;
    return docker(['run', '--rm', '--network', 'none', '--user', '0', '--entrypoint', entrypoint, image, ...rest], {
      timeoutMs: 120_000,
    });
  }

  /**
   * What of the project's `.env`, `.git` and `.venv` reached the image: entries of the app directory, and the
   * secret text of `.env`/`.venv` anywhere in the image's files, history or config. Empty when nothing did.
   */
  async leakedSecrets(image = this.image()): Promise<string[]> {
    const found: string[] = [];
    const appDir = this.dockerfile.workdir;
    const listing = await this.inspectImage(['ls', '-A', appDir], image);
    if (listing.code !== 0) throw new Error(describeFailure(`listing ${appDir} in the image`, listing));
    const entries = listing.stdout.split('\n').map((entry) => entry.trim());
    for (const name of ['.env', '.git', '.venv']) {
      if (entries.includes(name)) found.push(`${appDir}/${name} is in the image`);
    }
    if (this.secret !== '') {
      const grep = await this.inspectImage(
        ['grep', '-rlsF', '--exclude-dir=proc', '--exclude-dir=sys', '--exclude-dir=dev', this.secret, '/'],
        image,
      );
      if (grep.stdout.trim() !== '') found.push(`the secret from .env is in these files: ${grep.stdout.trim()}`);
      const history = await docker(['history', '--no-trunc', image]);
      const config = await docker(['image', 'inspect', image]);
      if (history.output.includes(this.secret)) found.push('the secret from .env is in the image history');
      if (config.output.includes(this.secret)) found.push('the secret from .env is in the image config');
    }
    return found;
  }

  /** Remember an image to remove in dispose(). */
  track(image: string): void {
    this.images.add(image);
  }

  /** Run the compose command on the generated compose.yaml, under this project's name. */
  async composeRun(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const command = await compose();
    const [program = 'docker-compose', ...prefix] = command;
    return run(program, [...prefix, '-p', this.project, '-f', join(this.dir, 'compose.yaml'), ...args], {
      cwd: this.dir,
      timeoutMs: 5 * 60_000,
      ...options,
    });
  }

  /**
   * `compose up -d`, once the ports it publishes are free; throws with compose's output and the container logs
   * when it fails.
   */
  async up(): Promise<void> {
    await waitPortsFree(this.compose.ports);
    const result = await this.composeRun(['up', '-d']);
    if (result.code !== 0) {
      throw new Error(`${describeFailure('compose up', result)}\n${await this.diagnostics()}`);
    }
  }

  /** `compose down`, keeping the named volumes unless asked. */
  async down(removeVolumes = false): Promise<void> {
    const args = removeVolumes ? ['down', '-v', '--remove-orphans'] : ['down'];
    const result = await this.composeRun(args);
    if (result.code !== 0) throw new Error(describeFailure('compose down', result));
  }

  /** The id of the service's container (from `compose ps -q`). */
  async container(): Promise<string> {
    const result = await this.composeRun(['ps', '-q', this.compose.service]);
    const id = result.stdout.trim().split('\n')[0] ?? '';
    if (result.code !== 0 || id === '') {
      throw new Error(`no container for service ${this.compose.service}\n${describeFailure('compose ps', result)}`);
    }
    return id;
  }

  async state(container?: string): Promise<ContainerState> {
    const id = container ?? (await this.container());
    const result = await must('docker inspect', 'docker', ['inspect', '--format', '{{json .State}}', id]);
    return JSON.parse(result.stdout) as ContainerState;
  }

  async restartCount(container?: string): Promise<number> {
    const id = container ?? (await this.container());
    const result = await must('docker inspect', 'docker', ['inspect', '--format', '{{.RestartCount}}', id]);
    return Number(result.stdout.trim());
  }

  /** `docker exec` in the service container, as the image's user. */
  async exec(args: readonly string[], container?: string): Promise<RunResult> {
    const id = container ?? (await this.container());
    return docker(['exec', id, ...args], { timeoutMs: 60_000 });
  }

  /** The container's processes, read from /proc inside it. */
  async processes(container?: string): Promise<ProcessInfo[]> {
    const result = await this.exec(['python', '-c', LIST_PROCESSES], container);
    if (result.code !== 0) throw new Error(describeFailure('listing the processes', result));
    return parseProcesses(result.stdout).filter((process) => !process.self);
  }

  /** `compose run --rm -T <service> [command...]`: one-off container with the service's settings. */
  runOnce(command: readonly string[] = []): Promise<RunResult> {
    return this.composeRun(['run', '--rm', '-T', this.compose.service, ...command]);
  }

  /**
   * Everything that explains a container problem: state, health probes, and the end of the logs of every
   * container of this compose project. Never throws.
   */
  async diagnostics(): Promise<string> {
    const parts: string[] = [];
    try {
      const ps = await docker([
        'ps',
        '-a',
        '--filter',
        `label=com.docker.compose.project=${this.project}`,
        '--format',
        '{{.ID}}',
      ]);
      const ids = ps.stdout.trim().split('\n').filter(Boolean);
      if (ids.length === 0) parts.push('(no containers of this compose project exist)');
      for (const id of ids) {
        const inspect = await docker([
          'inspect',
          '--format',
          '{{.Name}}: status={{.State.Status}} exit={{.State.ExitCode}} restarts={{.RestartCount}} ' +
            'health={{if .State.Health}}{{.State.Health.Status}}{{range .State.Health.Log}}\n  probe exit {{.ExitCode}}: {{.Output}}{{end}}{{else}}none{{end}}',
          id,
        ]);
        const logs = await docker(['logs', '--tail', '100', id]);
        parts.push(`--- container ${inspect.stdout.trim()}\n--- its logs ---\n${tail(logs.output, 100)}`);
      }
    } catch (error) {
      parts.push(`(could not read the container logs: ${String(error)})`);
    }
    const generated =
      `the generated setup runs ${JSON.stringify(this.dockerfile.cmd)} in ${this.dockerfile.workdir}, ` +
      `publishes ${this.compose.ports.length === 0 ? 'no port' : this.compose.ports.map((port) => `127.0.0.1:${port}`).join(', ')}`;
    return `${DIAGNOSTICS} ${this.project} ===\n${generated}\n${parts.join('\n')}\n=== end ===`;
  }

  /** Run `check`; if it fails, the error message gets the containers' state and logs. */
  async explain<T>(check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (error) {
      // Evidence already attached (waitHealthy, waitHttp, up) is not repeated.
      if (error instanceof Error && error.message.includes(DIAGNOSTICS)) throw error;
      throw withEvidence(error, await this.diagnostics());
    }
  }

  /** Wait for the healthcheck to say healthy; throws at unhealthy, exit or timeout, with the health log. */
  async waitHealthy(timeoutMs = 150_000): Promise<number> {
    const started = performance.now();
    const id = await this.container();
    for (;;) {
      const state = await this.state(id);
      const health = state.Health?.Status;
      if (health === 'healthy') return performance.now() - started;
      if (health === undefined) throw new Error(`${id} has no healthcheck\n${await this.diagnostics()}`);
      if (health === 'unhealthy' || !state.Running || state.Status !== 'running') {
        throw new Error(
          `the container is ${state.Status} (last exit code ${state.ExitCode}), health ${health}, ` +
            `${Math.round((performance.now() - started) / 1000)} s after start\n${await this.diagnostics()}`,
        );
      }
      if (performance.now() - started > timeoutMs) {
        throw new Error(`not healthy after ${timeoutMs / 1000} s (still ${health})\n${await this.diagnostics()}`);
      }
      await sleep(1000);
    }
  }

  /** GET a path on the first published port until it answers (any status); throws with the logs. */
  async waitHttp(path: string, timeoutMs = 60_000): Promise<HttpAnswer> {
    const port = this.compose.ports[0];
    if (port === undefined) throw new Error('compose.yaml publishes no port');
    const started = performance.now();
    let last: unknown;
    while (performance.now() - started < timeoutMs) {
      try {
        return await httpGet(`http://127.0.0.1:${port}${path}`);
      } catch (error) {
        last = error;
        await sleep(500);
      }
    }
    throw new Error(
      `no answer on 127.0.0.1:${port}${path} within ${timeoutMs / 1000} s: ${String(last)}\n${await this.diagnostics()}`,
    );
  }

  /** How long `docker stop` takes for `container`, in ms (timeout 10 s, as docker's default). */
  async stopTime(container: string): Promise<number> {
    const result = await must('docker stop', 'docker', ['stop', '--time', '10', container], { timeoutMs: 60_000 });
    return result.ms;
  }

  /** Remove everything this project made on the engine (containers, volumes, network, images) and its folder. */
  async dispose(): Promise<void> {
    await this.composeRun(['down', '-v', '--remove-orphans']).catch(() => undefined);
    const listed = await docker([
      'image',
      'ls',
      '--format',
      '{{.Repository}}:{{.Tag}}',
      '--filter',
      `reference=${this.compose.repository}`,
    ]).catch(() => undefined);
    for (const image of listed?.stdout.trim().split('\n') ?? []) if (image.includes(':')) this.images.add(image);
    if (this.images.size > 0) await docker(['rmi', '--force', ...this.images]).catch(() => undefined);
    rmSync(this.root, { recursive: true, force: true });
  }
}

const gitIn = (dir: string, args: readonly string[]): Promise<RunResult> =>
  must(
    `git ${args[0] ?? ''}`,
    'git',
    [
      '-c',
      'user.name=docker-best tests',
      '-c',
      'user.email=tests@docker-best.invalid',
      '-c',
      'init.defaultBranch=main',
      '-c',
      'commit.gpgsign=false',
      ...args,
    ],
    { cwd: dir, env: { GIT_CEILING_DIRECTORIES: join(dir, '..') } },
  );
