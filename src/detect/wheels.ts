/**
 * Which Python lines a lock's binary packages can install on, read from the wheel files the lock lists
 * (Poetry's and pdm's `files`, uv's `wheels`). A package with only CPython-version wheels (`asyncpg-0.30.0-
 * cp313-cp313-manylinux_2_17_x86_64.whl`) and no pure one installs on a newer Python only by compiling its
 * sdist, which the slim builder cannot (no compiler): so the Python line is the newest one every such package
 * has a Linux wheel for. Pipfile.lock and requirements files name no files: nothing is known from them.
 */
import type { LockedManager } from './deps.js';
import { mainLockPackages } from './deps.js';
import { table, text, type ProjectFiles } from './files.js';

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
  /** Exactly these minors (`cp313-cp313`). */
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
    } else if (minor !== undefined && abi.split('.').includes(`cp3${String(minor)}`)) {
      minors.push(minor);
    }
  }
  return { pure, minors, ...(from !== undefined ? { from } : {}) };
};

/** The wheel file names of a lock's package table. */
const wheelFiles = (entry: Record<string, unknown>): string[] => {
  const listed: unknown[] = [];
  for (const key of ['files', 'wheels']) {
    const value: unknown = entry[key];
    if (Array.isArray(value)) listed.push(...(value as unknown[]));
  }
  return listed
    .map((item) => {
      const file = table(item);
      return text(file?.file) ?? text(file?.url) ?? text(file?.filename);
    })
    .filter((name): name is string => name !== undefined && name.endsWith('.whl'));
};

/**
 * The packages of the lock's main group that install only on the CPython lines their wheels are for. Empty
 * for a lock that names no wheels (Pipfile.lock) or has no such package.
 */
export const binaryPackages = (files: ProjectFiles, manager: LockedManager): BinaryPackage[] => {
  if (manager === 'pipenv') return [];
  const found: BinaryPackage[] = [];
  for (const entry of mainLockPackages(files, manager) ?? []) {
    const tags = wheelFiles(entry)
      .map(wheelTags)
      .filter((tag): tag is WheelTags => tag !== undefined);
    if (tags.length === 0 || tags.some((tag) => tag.pure)) continue;
    found.push({
      name: text(entry.name) ?? '?',
      version: text(entry.version) ?? '?',
      installsOn: (minor) =>
        tags.some((tag) => tag.minors.includes(minor) || (tag.from !== undefined && minor >= tag.from)),
    });
  }
  return found;
};
