/**
 * The wheelhouse: the wheels the examples' real dependencies install from inside the engine's builds.
 *
 * No package index is reachable from a build here, so the host's own `pip download` (whatever index the
 * host's pip is configured with: PyPI for a contributor, a local mirror on these machines) fills a folder with
 * binary wheels for the stand-ins' Python (Debian bookworm's CPython 3.11, manylinux x86_64) for:
 * - every `examples/<name>/requirements.txt`;
 * - the servers the version catalogue pins (`SERVER_PINS`), which the generated Dockerfile installs when a
 *   project runs under a server it does not declare.
 * tools/engine/standins.sh copies it into the bookworm stand-ins with a `/etc/pip.conf` (`no-index`,
 * `find-links`), so a generated Dockerfile's unchanged `pip install` finds its packages there.
 *
 * Cache: `$DOCKER_BEST_CACHE/wheelhouse/<key>/`, where the key hashes what was asked (the requirement files,
 * the pins, the target); `SHA256SUMS` in it, written last, lists every wheel. Folders unused for a week go. The stand-in's recipe label
 * includes the hash of that list, so a changed requirements file downloads again and rebuilds the stand-in.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { PYTHON, SERVER_PINS } from '../../src/catalogue.js';
import { CACHE, REPO, describeFailure, run } from './commands.js';

/** The Debian release whose stand-ins carry the wheelhouse: its own Python is the wheels' target. */
export const WHEEL_RELEASE = 'bookworm';

/** The wheels' target: Debian bookworm's python3 (3.11), glibc 2.36, x86_64. */
export const WHEEL_TARGET = {
  python: '3.11',
  abi: 'cp311',
  glibc: 36,
  arch: 'x86_64',
} as const;

/**
 * `--python` and `--release` for a project with real dependencies: the newest Python line of the catalogue
 * with a bookworm image (the stand-in's Python is Debian's 3.11 whatever the tag says).
 */
export const realDependencyArgs = (): string[] => {
  const line = Object.keys(PYTHON).find((candidate) => PYTHON[candidate]?.debian.includes(WHEEL_RELEASE));
  if (line === undefined) throw new Error(`no Python line of the version catalogue has a ${WHEEL_RELEASE} image`);
  return ['--python', line, '--release', WHEEL_RELEASE];
};

/** Every manylinux tag a glibc-2.36 x86_64 system installs: pip's --platform takes each one literally. */
export const platformTags = (): string[] => {
  const { glibc, arch } = WHEEL_TARGET;
  const perennial = Array.from({ length: glibc - 4 }, (_, index) => `manylinux_2_${glibc - index}_${arch}`);
  return [...perennial, `manylinux2014_${arch}`, `manylinux2010_${arch}`, `manylinux1_${arch}`];
};

export interface WheelhouseInput {
  /** Requirement files, absolute paths (pip reads their `-r`/`-c` includes itself). */
  readonly files: readonly string[];
  /** Single requirements (`gunicorn==26.2.0`). */
  readonly pins: readonly string[];
}

/** What the harness downloads: every example's requirements.txt and the catalogue's server pins. */
export const wheelhouseInput = (examples = join(REPO, 'examples')): WheelhouseInput => ({
  files: readdirSync(examples)
    .sort()
    .map((name) => join(examples, name, 'requirements.txt'))
    .filter((path) => existsSync(path)),
  pins: Object.entries(SERVER_PINS).map(([name, version]) => `${name}==${version}`),
});

export interface Wheelhouse {
  readonly dir: string;
  /** sha256 of SHA256SUMS: the wheel list's hash, for the stand-in's recipe. */
  readonly hash: string;
  readonly wheels: readonly string[];
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The pip arguments, target and input together; their hash names the cache folder. */
const downloadArgs = (input: WheelhouseInput, dest: string): string[] => [
  '-m',
  'pip',
  'download',
  // An index that does not answer (PyPI on a machine with a local mirror) is given up at once, not retried.
  '--retries',
  '0',
  '--only-binary=:all:',
  '--implementation',
  'cp',
  '--python-version',
  WHEEL_TARGET.python,
  '--abi',
  WHEEL_TARGET.abi,
  ...platformTags().flatMap((tag) => ['--platform', tag]),
  '--dest',
  dest,
  ...input.files.flatMap((file) => ['-r', file]),
  ...input.pins,
];

const readWheelhouse = (dir: string): Wheelhouse => {
  const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8');
  const wheels = sums
    .trim()
    .split('\n')
    .map((line) => line.split('  ')[1] ?? '')
    .filter(Boolean);
  return { dir, hash: sha256(sums), wheels };
};

/**
 * The wheelhouse for `input`, from the cache or downloaded now with the host's pip (its own PATH and
 * configuration, not the harness's). Throws with pip's output when the download fails.
 */
export const ensureWheelhouse = async (input: WheelhouseInput = wheelhouseInput()): Promise<Wheelhouse> => {
  const root = join(CACHE, 'wheelhouse');
  const key = sha256(
    JSON.stringify({
      target: WHEEL_TARGET,
      platforms: platformTags(),
      files: input.files.map((file) => [file.slice(REPO.length), readFileSync(file, 'utf8')]),
      pins: input.pins,
    }),
  ).slice(0, 16);
  const dir = join(root, key);
  if (existsSync(join(dir, 'SHA256SUMS'))) {
    utimesSync(dir, new Date(), new Date());
    return readWheelhouse(dir);
  }

  mkdirSync(root, { recursive: true });
  const work = `${dir}.part-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const pip = await run('python3', downloadArgs(input, work), {
    env: { PATH: process.env.PATH ?? '' },
    timeoutMs: 20 * 60_000,
  });
  if (pip.code !== 0) {
    rmSync(work, { recursive: true, force: true });
    throw new Error(
      `${describeFailure("the host's pip download of the wheelhouse", pip, 40)}\n` +
        "The engine tests of real applications need the host's pip to reach a package index (PyPI or a mirror " +
        `set in pip's configuration) with CPython ${WHEEL_TARGET.python} manylinux ${WHEEL_TARGET.arch} wheels.`,
    );
  }
  const wheels = readdirSync(work)
    .filter((name) => name.endsWith('.whl'))
    .sort();
  const notWheels = readdirSync(work).filter((name) => !name.endsWith('.whl'));
  if (notWheels.length > 0)
    throw new Error(`pip download left files that are not wheels in ${work}: ${notWheels.join(', ')}`);
  writeFileSync(
    join(work, 'requirements.in'),
    `# What this wheelhouse was downloaded for.\n# python-version: ${WHEEL_TARGET.python}\n${[...input.files.map((file) => `-r ${file}`), ...input.pins].join('\n')}\n`,
  );
  const sums = wheels.map((name) => `${sha256(readFileSync(join(work, name)))}  ${name}`).join('\n');
  writeFileSync(join(work, 'SHA256SUMS'), `${sums}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  // Wheelhouses not used for a week belong to requirement files that changed since (or another checkout's).
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (name !== key && Date.now() - statSync(path).mtimeMs > 7 * 24 * 3600_000) {
      rmSync(path, { recursive: true, force: true });
    }
  }
  return readWheelhouse(dir);
};
