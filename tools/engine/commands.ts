/**
 * Commands, for the engine harness: run a program to its end with the harness's environment, and carry the
 * end of its output into the error when it must succeed. Every other module of tools/engine runs through here.
 *
 * Debian's docker client comes first on PATH for every command: a newer client elsewhere on PATH may lack the
 * plugins that BuildKit builds need.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs as dist/tools/engine/commands.js). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Where the harness keeps what outlives a run: Debian roots, wheelhouses, the daemon's log. */
export const CACHE = process.env.DOCKER_BEST_CACHE ?? '/var/cache/docker-best';

/** The shell scripts of the harness (they are not compiled, so they are read from the source tree). */
export const SCRIPTS = join(REPO, 'tools', 'engine');

/** The package's own bin, as a user runs it. */
export const BIN = join(REPO, 'dist', 'bin', 'docker-best.js');

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

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
