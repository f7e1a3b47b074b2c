/**
 * Which Python lines a lock's binary packages can install on, read from the wheel files the lock lists
 * (Poetry's and pdm's `files`, uv's `wheels`). A package with only CPython-version wheels (`asyncpg-0.30.0-
 * cp313-cp313-manylinux_2_17_x86_64.whl`) and no pure one installs on a newer Python only by compiling its
 * sdist, which the slim builder cannot (no compiler): so the Python line is the newest one every such package
 * has a Linux wheel for. A package with no wheel at all, only its source, builds from it whatever the line, with
 * a compiler if it has C code (the lock cannot tell): a warning names it. Poetry 1.x locks and pdm locks of
 * format 4.0-4.4 list the files under `[metadata.files]`. Pipfile.lock and requirements files name no files:
 * nothing is known from them.
 */
import type { LockedManager } from './deps.js';
import { gitLockedNames, LOCK_FILES, mainLockPackages, normaliseName } from './deps.js';
import { fewOf, table, text, type ProjectFiles } from './files.js';
import { COMPILER_PACKAGE } from '../catalogue.js';

/** A locked package whose wheels are all for particular CPython versions. */
export interface BinaryPackage {
  readonly name: string;
  readonly version: string;
  /** Whether a Linux wheel of it installs on CPython 3.<minor>. */
  readonly installsOn: (minor: number) => boolean;
}

/** What one wheel file says of the CPython 3 minors it installs on, for Linux; undefined: not a Linux wheel. */
interface WheelTags {
  /** A pure wheel (`py3-none-any`): any minor. */
  readonly pure: boolean;
  /** Exactly these minors (`cp313-cp313`, `cp313-none`). */
  readonly minors: readonly number[];
  /** This minor and every later one (`cp39-abi3`, `py38`). */
  readonly from?: number;
}

/** Tags of a wheel file name (`{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`). */
export const wheelTags = (file: string): WheelTags | undefined => {
  const base = file.split('/').pop() ?? '';
  if (!base.endsWith('.whl')) return undefined;
  const parts = base.slice(0, -4).split('-');
  if (parts.length < 5) return undefined;
  const [python = '', abi = '', platform = ''] = parts.slice(-3);
  const platforms = platform.split('.');
  if (platforms.every((tag) => tag !== 'any' && !/linux/.test(tag))) return undefined;
  const minors: number[] = [];
  let from: number | undefined;
  let pure = false;
  for (const tag of python.split('.')) {
    const match = /^(cp|py)3(\d*)$/.exec(tag);
    if (match === null) continue;
    const minor = match[2] === '' ? undefined : Number(match[2]);
    if (match[1] === 'py' && abi === 'none') {
      if (minor === undefined) pure = true;
      else from = Math.min(from ?? minor, minor);
    } else if (minor !== undefined && abi === 'abi3') {
      from = Math.min(from ?? minor, minor);
    } else if (minor !== undefined && (abi === 'none' || abi.split('.').includes(`cp3${String(minor)}`))) {
      // `cp311-cp311` and `cp311-none` (PyMuPDF 1.24) both install on CPython 3.11 only.
      minors.push(minor);
    }
  }
  return { pure, minors, ...(from !== undefined ? { from } : {}) };
};

/** The file names a lock lists for a package table (`files`, uv's `wheels` and `sdist`). */
const listedFiles = (entry: Record<string, unknown>): string[] => {
  const listed: unknown[] = [];
  for (const key of ['files', 'wheels']) {
    const value: unknown = entry[key];
    if (Array.isArray(value)) listed.push(...(value as unknown[]));
  }
  if (entry.sdist !== undefined) listed.push(entry.sdist);
  return listed
    .map((item) => {
      const file = table(item);
      return text(file?.file) ?? text(file?.url) ?? text(file?.filename);
    })
    .filter((name): name is string => name !== undefined);
};

/** A main-group package of a lock with the files the lock lists for it. */
interface LockedFiles {
  readonly name: string;
  readonly version: string;
  readonly files: readonly string[];
}

/**
 * Files listed apart from the packages, under `[metadata.files]`: by package name in Poetry 1.x locks
 * (`grpcio = [...]`), by `name version` in pdm locks of format 4.0-4.4 (`"asyncpg 0.26.0" = [...]`). Keyed by
 * the normalised name, followed by the version when the lock gives one.
 */
const metadataFiles = (document: Record<string, unknown> | undefined): Map<string, string[]> => {
  const byKey = new Map<string, string[]>();
  for (const [key, files] of Object.entries(table(table(document?.metadata)?.files) ?? {})) {
    const [name = '', version] = key.trim().split(/\s+/);
    byKey.set(
      version === undefined ? normaliseName(name) : `${normaliseName(name)} ${version}`,
      listedFiles({ files }),
    );
  }
  return byKey;
};

/** The lock's main-group packages with their listed files; empty for pipenv, whose lock names none. */
const lockedFiles = (files: ProjectFiles, manager: LockedManager): LockedFiles[] => {
  if (manager === 'pipenv') return [];
  const metadata = metadataFiles(files.toml(LOCK_FILES[manager]));
  return (mainLockPackages(files, manager) ?? []).map((entry) => {
    const name = text(entry.name) ?? '?';
    const version = text(entry.version) ?? '?';
    const own = listedFiles(entry);
    const key = normaliseName(name);
    return {
      name,
      version,
      files: own.length > 0 ? own : (metadata.get(`${key} ${version}`) ?? metadata.get(key) ?? []),
    };
  });
};

/**
 * The packages of the lock's main group that install only on the CPython lines their wheels are for. Empty
 * for a lock that names no wheels (Pipfile.lock) or has no such package.
 */
export const binaryPackages = (files: ProjectFiles, manager: LockedManager): BinaryPackage[] =>
  lockedFiles(files, manager).flatMap((entry) => {
    const tags = entry.files.map(wheelTags).filter((tag): tag is WheelTags => tag !== undefined);
    if (tags.length === 0 || tags.some((tag) => tag.pure)) return [];
    return [
      {
        name: entry.name,
        version: entry.version,
        installsOn: (minor: number) =>
          tags.some((tag) => tag.minors.includes(minor) || (tag.from !== undefined && minor >= tag.from)),
      },
    ];
  });

/** `name version` of the main-group packages the lock has only the source of (no wheel): they build from it. */
export const sourceOnlyPackages = (files: ProjectFiles, manager: LockedManager): string[] =>
  lockedFiles(files, manager)
    .filter((entry) => entry.files.length > 0 && !entry.files.some((file) => file.endsWith('.whl')))
    .map((entry) => `${entry.name} ${entry.version}`);

/**
 * The warning for packages the lock has only the source of; none when every package has a wheel. A lock cannot
 * tell a pure-Python sdist (pypika, langdetect) from one with C code, so the warning says both.
 */
export const sourceOnlyWarnings = (files: ProjectFiles, manager: LockedManager): string[] => {
  const sources = sourceOnlyPackages(files, manager);
  if (sources.length === 0) return [];
  return [
    `${LOCK_FILES[manager]} has no wheel of ${sources.join(', ')}, only the source: ` +
      `${sources.length === 1 ? 'it builds' : 'they build'} from source in the image build, which pure Python ` +
      `needs nothing for; one with C code needs a compiler and the headers it builds against ` +
      `(--buildpackages ${COMPILER_PACKAGE} and the -dev packages)`,
  ];
};

/**
 * Main-group packages a lock fetches from version control (uv `source = { git = ... }`, pdm `git = ...`,
 * Pipfile.lock `"git": ...`): uv and pip run git for them, which the slim builder lacks. A warning naming them
 * and the option.
 */
export const vcsLockWarnings = (files: ProjectFiles, manager: LockedManager): string[] => {
  // Poetry fetches git sources with dulwich, in Python: it needs no git (gitLockedNames leaves them out).
  const names = gitLockedNames(files, manager);
  if (names.length === 0) return [];
  return [
    `${LOCK_FILES[manager]} fetches ${fewOf(names)} ` +
      'from git, which the slim builder lacks: pass --buildpackages git',
  ];
};
