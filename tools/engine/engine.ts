/**
 * The engine and the stand-in base images, for the engine tests (test/engine) and the benchmark (bench/).
 *
 * - Engine: the one at DOCKER_HOST, or at the default socket. When none answers and this runs as root on
 *   Debian, tools/engine/ensure-engine.sh installs docker.io, docker-compose, debootstrap (and git) and starts
 *   dockerd in the background. Otherwise the engine suites fail with the reason; only
 *   DOCKER_BEST_SKIP_ENGINE=1 skips them, visibly.
 * - Stand-ins: no registry is reachable, so tools/engine/standins.sh builds the base images the generated
 *   Dockerfiles name (every `python:<version>-slim-<release>` of the version catalogue, and the notebook
 *   converter) from Debian packages, with debootstrap from the mirror the host's apt sources name
 *   (apt-sources.ts), cached by a recipe label. The bookworm stand-ins carry the wheelhouse (wheelhouse.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CONVERTER, PYTHON, pythonImage } from '../../src/catalogue.js';
import { MIRROR_VARIABLE, debianMirror } from './apt-sources.js';
import { CACHE, type RunResult, SCRIPTS, describeFailure, docker, run } from './commands.js';
import { WHEEL_RELEASE, ensureWheelhouse } from './wheelhouse.js';

/** Set to 1 to skip the engine suites explicitly (contributors without Docker). */
export const SKIP_VARIABLE = 'DOCKER_BEST_SKIP_ENGINE';

/** Time for installing the engine and building every stand-in from nothing. */
export const SETUP_TIMEOUT = 30 * 60_000;

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
  /** Whether it carries the wheelhouse. */
  readonly wheels: boolean;
}

/**
 * The stand-ins the catalogue asks for: one Python image per Debian release, tagged with every
 * `python:<version>-slim-<release>` that maps to it, and the notebook converter. The bookworm ones carry the
 * wheelhouse; the converter is on bookworm too, so that a naive setup (bench/baseline) can install the
 * notebook's dependencies in it.
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
  if (!byRelease.has(WHEEL_RELEASE)) throw new Error(`the version catalogue has no ${WHEEL_RELEASE} image`);
  const plan: StandinPlan[] = [...byRelease].map(([release, images]) => ({
    kind: 'python',
    release,
    images,
    wheels: release === WHEEL_RELEASE,
  }));
  plan.push({
    kind: 'converter',
    release: WHEEL_RELEASE,
    images: [`${CONVERTER.image}:${CONVERTER.tag}`],
    wheels: true,
  });
  return plan;
};

/** The stand-in script for one item of the plan; `--check` only says whether it is up to date (exit 3: not). */
const standinsScript = (item: StandinPlan, env: Record<string, string>, check = false): Promise<RunResult> =>
  run('bash', [join(SCRIPTS, 'standins.sh'), ...(check ? ['--check'] : []), item.kind, item.release, ...item.images], {
    timeoutMs: SETUP_TIMEOUT,
    echo: !check,
    env,
  });

/**
 * Hold standins.lock shared until this process ends: standins.sh takes it exclusively to build, so no stand-in
 * is rebuilt (by another checkout's harness, or for other requirements) under this run's builds. The holder
 * is a small shell that ends by itself within two seconds of this process. Resolves once the lock is held.
 */
const holdStandins = (): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    mkdirSync(CACHE, { recursive: true });
    const holder = spawn(
      'bash',
      [
        '-c',
        'exec 9>"$1" && flock -s 9 && echo held && while kill -0 "$2" 2>/dev/null; do sleep 2; done',
        'hold-standins',
        join(CACHE, 'standins.lock'),
        String(process.pid),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    holder.once('error', reject);
    holder.once('exit', (code) => reject(new Error(`the stand-ins lock holder ended (exit ${String(code)})`)));
    holder.stdout.once('data', () => {
      holder.removeAllListeners('exit');
      holder.unref();
      holder.stdout.destroy();
      resolve(holder);
    });
  });

/**
 * Build (or find cached) every stand-in base image, the wheelhouse first, then hold them (holdStandins) and
 * look once more, as another run may have rebuilt one between the two; at most three rounds.
 */
export const ensureStandins = (): Promise<void> => {
  standinsReady ??= (async () => {
    const wheelhouse = await ensureWheelhouse();
    // Needed only when a Debian root must be made (standins.sh says so then); why there is none joins its error.
    let mirror = '';
    let noMirror = '';
    try {
      mirror = debianMirror();
    } catch (error) {
      noMirror = error instanceof Error ? error.message : String(error);
    }
    const plan = standinPlan().map((item) => {
      const env: Record<string, string> = mirror === '' ? {} : { [MIRROR_VARIABLE]: mirror };
      if (item.wheels) env.DOCKER_BEST_WHEELHOUSE = wheelhouse.dir;
      return { item, env };
    });
    for (let round = 1; ; round += 1) {
      for (const { item, env } of plan) {
        const result = await standinsScript(item, env);
        if (result.code !== 0) {
          const why = describeFailure(`building the ${item.kind} stand-in for Debian ${item.release}`, result);
          throw new Error(noMirror === '' ? why : `${why}\nNo Debian mirror was found: ${noMirror}`);
        }
      }
      const holder = await holdStandins();
      const stale = [];
      for (const { item, env } of plan) if ((await standinsScript(item, env, true)).code !== 0) stale.push(item);
      if (stale.length === 0) return;
      holder.kill();
      if (round === 3) {
        throw new Error(
          `the stand-ins ${stale.flatMap((item) => item.images).join(', ')} were rebuilt by another run three ` +
            'times while this one started (another checkout with other recipes shares this engine)',
        );
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

/** docker-compose (1.x, Debian's) when there, else the compose plugin of the docker client. */
export const compose = (): Promise<readonly string[]> => {
  composeCommand ??= (async () => {
    if ((await run('docker-compose', ['version']).catch(() => undefined))?.code === 0) return ['docker-compose'];
    if ((await docker(['compose', 'version'])).code === 0) return ['docker', 'compose'];
    throw new Error('neither docker-compose nor the docker compose plugin is installed');
  })();
  return composeCommand;
};
