/**
 * The real-engine harness for the engine tests (test/engine).
 *
 * - Engine: talks to the engine at DOCKER_HOST, or at the default socket. When none answers and this runs as
 *   root on Debian, tools/engine/ensure-engine.sh installs docker.io, docker-compose, debootstrap (and git)
 *   and starts dockerd in the background. Otherwise the engine suites fail with the reason; only
 *   DOCKER_BEST_SKIP_ENGINE=1 skips them, visibly.
 * - Stand-ins: no registry is reachable, so tools/engine/standins.sh builds the base images the generated
 *   Dockerfiles name (every `python:<version>-slim-<release>` of the version catalogue, and the notebook
 *   converter) from Debian packages, cached by a recipe label.
 * - Projects: an example copied to a temporary folder, generated with the package's own bin, built with the
 *   generated build.sh or `docker build` (BuildKit, only the `# syntax` line removed), run with the generated
 *   compose.yaml under a unique compose project name, and removed again (containers, volumes, images).
 * - Failures carry their evidence: a failed build throws with the build log, a failed container check with
 *   the container's state, health log and logs.
 *
 * Debian's docker client comes first on PATH for every command: a newer client elsewhere on PATH may lack the
 * plugins that BuildKit builds need.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGetRaw } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { CONVERTER, DEBIAN, PYTHON, pythonImage } from '../../src/catalogue.js';
import { byKeyword, parseDockerfile, runText } from '../dockerfile.js';

/** Set to 1 to skip the engine suites explicitly (contributors without Docker). */
export const SKIP_VARIABLE = 'DOCKER_BEST_SKIP_ENGINE';

/** The repository root (this file runs as dist/tools/engine/harness.js). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPTS = join(REPO, 'tools', 'engine');
const BIN = join(REPO, 'dist', 'bin', 'docker-best.js');

/** Time for installing the engine and building every stand-in from nothing. */
export const SETUP_TIMEOUT = 30 * 60_000;

// ---------------------------------------------------------------------------------------------------------
// Commands

export interface RunOptions {
  readonly cwd?: string;
  /** Extra environment on top of the harness's (see engineEnv). */
  readonly env?: Readonly<Record<string, string>>;
  /** Killed (SIGKILL) after this long; the result says timedOut. Default 10 minutes. */
  readonly timeoutMs?: number;
  /** Copy each line of output to the test log as it comes, indented (long setup steps). */
  readonly echo?: boolean;
}

export interface RunResult {
  /** The command line, for messages. */
  readonly command: string;
  /** Exit code; null when killed by a signal. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as they came. */
  readonly output: string;
  readonly ms: number;
  readonly timedOut: boolean;
}

/** PATH with Debian's docker and docker-compose first. */
const SYSTEM_PATH = '/usr/bin:/usr/sbin:/bin:/sbin';

/**
 * The environment of every command: Debian's client first on PATH, BuildKit on, and none of the variables a
 * developer may have set that would change what the generated files do (TAG, IMAGE, COMPOSE_*).
 */
export const engineEnv = (extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['TAG', 'IMAGE', 'COMPOSE_FILE', 'COMPOSE_PROJECT_NAME', 'COMPOSE_PROFILES']) delete env[name];
  env.PATH = `${SYSTEM_PATH}:${process.env.PATH ?? ''}`;
  env.DOCKER_BUILDKIT = '1';
  return { ...env, ...extra };
};

const quoteArg = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

/** Run a command to its end; never rejects for a non-zero exit (see `must`). */
export const run = (command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> =>
  new Promise((resolve, reject) => {
    const line = [command, ...args].map(quoteArg).join(' ');
    const started = performance.now();
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: engineEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        child.kill('SIGKILL');
      },
      options.timeoutMs ?? 10 * 60_000,
    );
    const collect = (chunk: Buffer, isErr: boolean): void => {
      const text = chunk.toString('utf8');
      if (isErr) stderr += text;
      else stdout += text;
      output += text;
      if (options.echo) process.stdout.write(text.replace(/^(?=.)/gm, '      '));
    };
    child.stdout.on('data', (chunk: Buffer) => collect(chunk, false));
    child.stderr.on('data', (chunk: Buffer) => collect(chunk, true));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${line}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ command: line, code, stdout, stderr, output, ms: performance.now() - started, timedOut });
    });
  });

/** The last `lines` lines of `text`. */
export const tail = (text: string, lines = 80): string => {
  const all = text.trimEnd().split('\n');
  return (all.length > lines ? [`[... ${all.length - lines} earlier lines]`, ...all.slice(-lines)] : all).join('\n');
};

/** Why a command failed, with the end of its output. */
export const describeFailure = (what: string, result: RunResult, lines = 80): string =>
  `${what} failed (${result.timedOut ? 'timed out' : `exit ${String(result.code)}`}): ${result.command}\n` +
  `--- last lines of its output ---\n${tail(result.output, lines)}\n--- end of output ---`;

/** Run a command that must succeed; the error carries the end of its output. */
export const must = async (
  what: string,
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> => {
  const result = await run(command, args, options);
  if (result.code !== 0 || result.timedOut) throw new Error(describeFailure(what, result));
  return result;
};

export const docker = (args: readonly string[], options: RunOptions = {}): Promise<RunResult> =>
  run('docker', args, options);

/** Append `evidence` to an error's message (so mocha prints it) and give the error back. */
export const withEvidence = (error: unknown, evidence: string): Error => {
  const err = error instanceof Error ? error : new Error(String(error));
  err.message = `${err.message}\n${evidence}`;
  return err;
};

// ---------------------------------------------------------------------------------------------------------
// Engine and stand-ins

let engineReady: Promise<string> | undefined;
let standinsReady: Promise<void> | undefined;
let composeCommand: Promise<readonly string[]> | undefined;
let skipAnnounced = false;

/** Make an engine answer (installing and starting one if allowed); resolves to its description. */
export const ensureEngine = (): Promise<string> => {
  engineReady ??= (async () => {
    const result = await run('bash', [join(SCRIPTS, 'ensure-engine.sh')], { timeoutMs: SETUP_TIMEOUT, echo: true });
    if (result.code !== 0) {
      const reason = result.stderr.trim() || describeFailure('ensure-engine.sh', result);
      const hint = reason.includes(SKIP_VARIABLE)
        ? ''
        : `\nWithout Docker, set ${SKIP_VARIABLE}=1 to skip the engine tests explicitly.`;
      throw new Error(`no Docker engine for the engine tests: ${reason}${hint}`);
    }
    return result.stdout.trim();
  })();
  return engineReady;
};

export interface StandinPlan {
  readonly kind: 'python' | 'converter';
  readonly release: string;
  readonly images: readonly string[];
}

/**
 * The stand-ins the catalogue asks for: one Python image per Debian release, tagged with every
 * `python:<version>-slim-<release>` that maps to it, and the notebook converter on the newest release.
 */
export const standinPlan = (): StandinPlan[] => {
  const byRelease = new Map<string, string[]>();
  for (const line of Object.values(PYTHON)) {
    for (const release of line.debian) {
      const images = byRelease.get(release) ?? [];
      images.push(pythonImage('debian', line.version, release));
      byRelease.set(release, images);
    }
  }
  const plan: StandinPlan[] = [...byRelease].map(([release, images]) => ({ kind: 'python', release, images }));
  const [newest] = Object.keys(DEBIAN);
  if (newest === undefined) throw new Error('the version catalogue lists no Debian release');
  plan.push({ kind: 'converter', release: newest, images: [`${CONVERTER.image}:${CONVERTER.tag}`] });
  return plan;
};

/** Build (or find cached) every stand-in base image. */
export const ensureStandins = (): Promise<void> => {
  standinsReady ??= (async () => {
    for (const item of standinPlan()) {
      const result = await run('bash', [join(SCRIPTS, 'standins.sh'), item.kind, item.release, ...item.images], {
        timeoutMs: SETUP_TIMEOUT,
        echo: true,
      });
      if (result.code !== 0) {
        throw new Error(describeFailure(`building the ${item.kind} stand-in for Debian ${item.release}`, result));
      }
    }
  })();
  return standinsReady;
};

/**
 * For a suite's `before`: skip explicitly when DOCKER_BEST_SKIP_ENGINE=1, else make sure the engine and the
 * stand-ins are there, or fail with the reason.
 */
export const requireEngine = async (context: Mocha.Context): Promise<void> => {
  if (process.env[SKIP_VARIABLE] === '1') {
    if (!skipAnnounced) {
      console.log(`    engine tests skipped: ${SKIP_VARIABLE}=1 is set, so nothing is built or run on a Docker engine`);
      skipAnnounced = true;
    }
    context.skip();
  }
  context.timeout(SETUP_TIMEOUT);
  await ensureEngine();
  await ensureStandins();
};

let composeV2Config: Promise<string> | undefined;

/** Docker Compose v2, as run by the engine tests: the command and the environment it needs. */
export interface ComposeV2 {
  readonly command: readonly string[];
  /** DOCKER_CONFIG: the folder whose cli-plugins/ holds Compose v2 and buildx. */
  readonly env: Readonly<Record<string, string>>;
  readonly version: string;
}

/**
 * Docker Compose v2 as a plugin of Debian's docker client, fetched from a newer Debian release by
 * tools/engine/compose-v2.sh into the cache (nothing is installed system-wide): `docker compose` with
 * DOCKER_CONFIG pointing at it.
 */
export const composeV2 = async (): Promise<ComposeV2> => {
  composeV2Config ??= (async () => {
    const result = await run('bash', [join(SCRIPTS, 'compose-v2.sh')], { timeoutMs: SETUP_TIMEOUT });
    const dir = result.stdout.trim().split('\n').pop() ?? '';
    if (result.code !== 0 || dir === '') {
      throw new Error(
        `no Docker Compose v2 for the engine tests: ${result.stderr.trim() || describeFailure('compose-v2.sh', result)}`,
      );
    }
    return dir;
  })();
  const env = { DOCKER_CONFIG: await composeV2Config };
  const version = await must('docker compose version', 'docker', ['compose', 'version', '--short'], { env });
  return { command: ['docker', 'compose'], env, version: version.stdout.trim() };
};

/** docker-compose (1.x, Debian's) when there, else the compose plugin of the docker client. */
export const compose = (): Promise<readonly string[]> => {
  composeCommand ??= (async () => {
    if ((await run('docker-compose', ['version']).catch(() => undefined))?.code === 0) return ['docker-compose'];
    if ((await docker(['compose', 'version'])).code === 0) return ['docker', 'compose'];
    throw new Error('neither docker-compose nor the docker compose plugin is installed');
  })();
  return composeCommand;
};

// ---------------------------------------------------------------------------------------------------------
// Small helpers

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export const httpGet = (url: string, timeoutMs = 5000): Promise<HttpAnswer> =>
  new Promise((resolve, reject) => {
    const request = httpGetRaw(url, { timeout: timeoutMs, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    request.on('error', reject);
  });

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// ---------------------------------------------------------------------------------------------------------
// What the generated files say

export interface ComposeFacts {
  readonly service: string;
  /** The image repository compose runs (`<name>` of `<name>:${TAG:-latest}`). */
  readonly repository: string;
  /** Container paths of the named volumes. */
  readonly volumes: readonly string[];
  /** Host ports published on 127.0.0.1. */
  readonly ports: readonly number[];
}

export const readCompose = (text: string): ComposeFacts => {
  const doc: unknown = parseYaml(text);
  const services = isRecord(doc) && isRecord(doc.services) ? doc.services : {};
  const [service, definition] = Object.entries(services)[0] ?? [];
  if (service === undefined || !isRecord(definition)) throw new Error(`compose.yaml has no service:\n${text}`);
  const image = typeof definition.image === 'string' ? definition.image : '';
  const match = /^(.+):\$\{TAG:-latest\}$/.exec(image);
  if (!match?.[1]) throw new Error(`compose.yaml: image ${JSON.stringify(image)} is not <name>:\${TAG:-latest}`);
  const volumes = (Array.isArray(definition.volumes) ? definition.volumes : [])
    .filter((entry): entry is string => typeof entry === 'string')
    .map((entry) => entry.split(':')[1] ?? '')
    .filter((path) => path.startsWith('/'));
  const ports = (Array.isArray(definition.ports) ? definition.ports : [])
    .filter((entry): entry is string => typeof entry === 'string')
    .map((entry) => Number(entry.split(':')[1]));
  return { service, repository: match[1], volumes, ports };
};

export interface DockerfileFacts {
  /** The final USER, numeric `uid:gid`. */
  readonly uid: number;
  readonly gid: number;
  /** The final stage's base image, global ARGs substituted (e.g. `python:3.15.0-slim-trixie`). */
  readonly base: string;
  readonly stages: readonly string[];
  /** The last WORKDIR: where the app lives. */
  readonly workdir: string;
}

export const readDockerfile = (text: string): DockerfileFacts => {
  const dockerfile = parseDockerfile(text);
  const users = byKeyword(dockerfile, 'USER');
  const user = users.length === 0 ? '' : runText(users[users.length - 1]!);
  const ids = /^(\d+):(\d+)$/.exec(user);
  if (!ids) throw new Error(`the Dockerfile's final USER is ${JSON.stringify(user)}, not a numeric uid:gid`);
  const workdirs = byKeyword(dockerfile.final, 'WORKDIR');
  return {
    uid: Number(ids[1]),
    gid: Number(ids[2]),
    base: dockerfile.final.image,
    stages: dockerfile.stages.map((stage) => stage.name ?? ''),
    workdir: workdirs.length === 0 ? '/' : runText(workdirs[workdirs.length - 1]!),
  };
};

// ---------------------------------------------------------------------------------------------------------
// A generated project on the engine

export interface ProjectOptions {
  /** Options for `docker-best --defaults` (e.g. ['--port', '8000']). */
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

export interface ContainerState {
  readonly Status: string;
  readonly Running: boolean;
  readonly ExitCode: number;
  readonly Health?: { readonly Status: string; readonly Log?: readonly { readonly Output: string }[] };
}

/** Processes seen in a container: pid, real uid, command line. */
export interface ProcessInfo {
  readonly pid: number;
  readonly uid: number;
  /** True for the python process that listed them. */
  readonly self: boolean;
  readonly cmdline: string;
}

/**
 * A Python program that lists the container's processes from /proc (pid, real uid, self flag, command line),
 * for `docker exec` or `compose run`. Python is in every image under test; ps is not.
 */
export const LIST_PROCESSES = `
import os
me = os.getpid()
for name in sorted((n for n in os.listdir('/proc') if n.isdigit()), key=int):
    try:
        status = open(f'/proc/{name}/status').read()
        cmd = open(f'/proc/{name}/cmdline', 'rb').read().replace(b'\\0', b' ').decode().strip()
    except OSError:
        continue
    uid = next(line.split()[1] for line in status.splitlines() if line.startswith('Uid:'))
    print(name, uid, int(int(name) == me), cmd, sep='\\t')
`;

export const parseProcesses = (stdout: string): ProcessInfo[] =>
  stdout
    .trim()
    .split('\n')
    .filter((line) => /^\d+\t/.test(line))
    .map((line) => {
      const [pid = '', uid = '', self = '', ...cmdline] = line.split('\t');
      return { pid: Number(pid), uid: Number(uid), self: self === '1', cmdline: cmdline.join('\t') };
    });

/** Processes whose command line names tini, by their first word. */
export const isTini = (process: ProcessInfo): boolean => /(^|\/)tini$/.test(process.cmdline.split(' ')[0] ?? '');

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
   * Copy `examples/<example>` to a fresh temporary folder named `<example>-<random>` (so the default image
   * name is unique), generate with the package's bin, remove the `# syntax` line, and commit when asked.
   */
  static async create(example: string, options: ProjectOptions = {}): Promise<EngineProject> {
    const root = mkdtempSync(join(tmpdir(), 'docker-best-engine-'));
    const dir = join(root, `${example}-${randomBytes(3).toString('hex')}`);
    try {
      cpSync(join(REPO, 'examples', example), dir, { recursive: true });
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

  /**
   * Run the generated build.sh (Debian's docker first on PATH). Outside git, GIT_CEILING_DIRECTORIES keeps git
   * from finding a repository above the temporary folder. Throws with the build log when it fails.
   */
  async buildScript(): Promise<BuildOutcome> {
    const env: Record<string, string> = this.git ? {} : { GIT_CEILING_DIRECTORIES: this.root };
    const result = await run(join(this.dir, 'build.sh'), [], { cwd: this.dir, env, timeoutMs: 15 * 60_000 });
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

  /** `compose up -d`; throws with compose's output and the container logs when it fails. */
  async up(): Promise<void> {
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
    return `=== containers of compose project ${this.project} ===\n${parts.join('\n')}\n=== end ===`;
  }

  /** Run `check`; if it fails, the error message gets the containers' state and logs. */
  async explain<T>(check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (error) {
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
