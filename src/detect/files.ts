/**
 * Reading a project, safely and in bounded time: a listing that skips virtualenvs, caches and hidden folders,
 * stops at fixed counts and never follows a link out of the project, and size-capped reads of text, TOML and
 * JSON. Everything detection knows of a project comes through here; nothing here writes.
 *
 * The bounds are structural, not timed: at most LIMITS.entries folder entries are looked at, LIMITS.files
 * files listed, LIMITS.depth folders deep; one read takes at most LIMITS.fileBytes (a bigger file reads as
 * absent) and all reads together at most LIMITS.totalBytes. A read never blocks: a FIFO or device put where a
 * file was listed is refused, not waited on.
 */
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  opendirSync,
  readSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { parse as parseToml } from 'smol-toml';

/** Folders never listed: environments, caches, build output, dependencies. */
const SKIP_DIRS = new Set([
  'venv',
  'env',
  'node_modules',
  '__pycache__',
  '__pypackages__',
  'build',
  'dist',
  'site-packages',
  'htmlcov',
]);

export const LIMITS = {
  /** Folder depth listed below the project root. */
  depth: 6,
  /** Files listed at most. */
  files: 5000,
  /** Folder entries looked at, at most (files, folders, links and anything else together). */
  entries: 50_000,
  /** Bytes read of any one file. A bigger file reads as absent. */
  fileBytes: 1024 * 1024,
  /** Bytes read of a notebook: notebooks carry their outputs (images), so they may be bigger. */
  notebookBytes: 16 * 1024 * 1024,
  /** Bytes read from the project in all. Past it, reads return nothing and a warning says so. */
  totalBytes: 64 * 1024 * 1024,
} as const;

/** Whether `path` (absolute, resolved) lies inside `root` (absolute, resolved). */
export const isInside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
};

/**
 * Up to `most` names of a folder, sorted; undefined when it cannot be read. Read entry by entry, so that a
 * folder of a million files costs no more than `most` of them.
 */
const folderEntries = (dir: string, most: number): string[] | undefined => {
  let handle: ReturnType<typeof opendirSync> | undefined;
  try {
    handle = opendirSync(dir);
    const names: string[] = [];
    for (let entry = handle.readSync(); entry !== null && names.length < most; entry = handle.readSync()) {
      names.push(entry.name);
    }
    return names.sort();
  } catch {
    return undefined;
  } finally {
    handle?.closeSync();
  }
};

/** A folder that is a Python virtual environment (it has a pyvenv.cfg), whatever its name. */
const isVirtualenv = (dir: string): boolean => {
  try {
    return existsSync(join(dir, 'pyvenv.cfg'));
  } catch {
    return false;
  }
};

export class ProjectFiles {
  /** The project folder, links resolved. */
  readonly root: string;
  /** The project folder's own name, as given (not resolved). */
  readonly folderName: string;
  /** Relative POSIX paths of the regular files found, sorted per folder, a folder's files before its subfolders. */
  readonly paths: readonly string[];
  /** Whether the listing stopped at one of LIMITS' counts. */
  readonly truncated: boolean;
  /** What could not be read as it should (malformed TOML or JSON, limits reached), one line each. */
  readonly warnings: string[] = [];
  readonly #set: ReadonlySet<string>;
  readonly #cache = new Map<string, string | undefined>();
  #bytesRead = 0;
  #budgetWarned = false;

  constructor(root: string) {
    this.folderName = basename(root);
    this.root = realpathSync(root);
    const found: string[] = [];
    let truncated = false;
    let seen = 0;
    const walk = (dir: string, depth: number): void => {
      const entries = folderEntries(dir, LIMITS.entries - seen + 1);
      if (entries === undefined) return;
      const subdirs: string[] = [];
      for (const entry of entries) {
        seen += 1;
        if (found.length >= LIMITS.files || seen > LIMITS.entries) {
          truncated = true;
          return;
        }
        const full = join(dir, entry);
        const kind = this.#kind(full);
        if (kind === 'file') found.push(relative(this.root, full).split(sep).join('/'));
        else if (kind === 'dir' && depth < LIMITS.depth && !SKIP_DIRS.has(entry) && !entry.startsWith('.'))
          subdirs.push(full);
      }
      for (const sub of subdirs) {
        if (truncated) return;
        if (!isVirtualenv(sub)) walk(sub, depth + 1);
      }
    };
    walk(this.root, 0);
    this.paths = found;
    this.truncated = truncated;
    this.#set = new Set(found);
    if (truncated) {
      this.warnings.push(
        `the project is large: only the first ${found.length} files were looked at (limits: ${LIMITS.files} files, ${LIMITS.entries} folder entries)`,
      );
    }
  }

  /** A regular file or folder inside the project; a link counts only when it resolves inside the project. */
  #kind(full: string): 'file' | 'dir' | undefined {
    try {
      const real = realpathSync(full);
      if (!isInside(this.root, real)) return undefined;
      const stat = statSync(real);
      if (stat.isFile()) return 'file';
      // A link to a folder is not walked: the folder is listed where it really is, and no cycle is possible.
      if (stat.isDirectory() && real === full) return 'dir';
    } catch {
      // vanished, or unreadable: not there
    }
    return undefined;
  }

  /** Whether the listing holds `path` (relative, POSIX). */
  has(path: string): boolean {
    return this.#set.has(path);
  }

  /** Files directly in folder `dir` ('' for the top). */
  filesIn(dir: string): string[] {
    const prefix = dir === '' ? '' : `${dir.replace(/\/+$/, '')}/`;
    return this.paths.filter((path) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/'));
  }

  /**
   * The text of `path` (relative, POSIX), or undefined when it is not a listed file, lies outside the project
   * through a link, is not a regular file, or is bigger than `maxBytes` (LIMITS.fileBytes). Invalid UTF-8 reads
   * with replacement characters. Reads are cached: a file is read once.
   */
  read(path: string, maxBytes: number = LIMITS.fileBytes): string | undefined {
    const key = `${maxBytes}:${path}`;
    if (this.#cache.has(key)) return this.#cache.get(key);
    const text = this.#readUncached(path, maxBytes);
    this.#cache.set(key, text);
    return text;
  }

  #readUncached(path: string, maxBytes: number): string | undefined {
    if (!this.has(path)) return undefined;
    if (this.#bytesRead >= LIMITS.totalBytes) {
      if (!this.#budgetWarned) {
        this.#budgetWarned = true;
        this.warnings.push(
          `stopped reading the project after ${LIMITS.totalBytes / (1024 * 1024)} MB: some files were not looked at`,
        );
      }
      return undefined;
    }
    const full = join(this.root, ...path.split('/'));
    let fd: number | undefined;
    try {
      const real = realpathSync(full);
      if (!isInside(this.root, real)) return undefined;
      // O_NONBLOCK: opening a FIFO put in the file's place returns at once instead of waiting for a writer.
      fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      const stat = fstatSync(fd);
      if (!stat.isFile() || stat.size > maxBytes) return undefined;
      const room = Math.min(maxBytes, LIMITS.totalBytes - this.#bytesRead);
      const buffer = Buffer.alloc(Math.min(stat.size, room) + 1);
      let length = 0;
      while (length < buffer.length) {
        const got = readSync(fd, buffer, length, buffer.length - length, null);
        if (got === 0) break;
        length += got;
      }
      this.#bytesRead += length;
      // The file grew past the cap while we read it: as if it were too big from the start.
      if (length > room) return undefined;
      return buffer.subarray(0, length).toString('utf8');
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /**
   * The text of a source file, or undefined when it cannot be read or is not text (it holds NUL bytes: a
   * binary file named `.py`).
   */
  source(path: string): string | undefined {
    const text = this.read(path);
    return text === undefined || text.includes('\0') ? undefined : text;
  }

  /** A listed file that reads as absent (too big, not a regular file): a warning, once. */
  #unreadable(path: string, maxBytes: number): void {
    const line = `${path} could not be read (bigger than ${maxBytes / (1024 * 1024)} MB, or not a regular file): nothing was read from it`;
    if (this.has(path) && !this.warnings.includes(line)) this.warnings.push(line);
  }

  /** A TOML file as a table, or undefined (absent, too big, or malformed: then a warning says so). */
  toml(path: string): Record<string, unknown> | undefined {
    const text = this.read(path);
    if (text === undefined) {
      this.#unreadable(path, LIMITS.fileBytes);
      return undefined;
    }
    try {
      return parseToml(text);
    } catch (error) {
      this.warnings.push(`${path} is not valid TOML (${firstLine(error)}): nothing was read from it`);
      return undefined;
    }
  }

  /** A JSON file, or undefined (absent, too big, or malformed: then a warning says so). */
  json(path: string, maxBytes: number = LIMITS.fileBytes): unknown {
    const text = this.read(path, maxBytes);
    if (text === undefined) {
      this.#unreadable(path, maxBytes);
      return undefined;
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      this.warnings.push(`${path} is not valid JSON (${firstLine(error)}): nothing was read from it`);
      return undefined;
    }
  }
}

const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 120) ?? '';

/** A plain object (a TOML table, a JSON object), or undefined. */
export const table = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** A string, or undefined. */
export const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A list for a one-line message: the first three, then how many more (`a, b, c and 2 more`). */
export const fewOf = (items: readonly string[]): string =>
  items.length > 3 ? `${items.slice(0, 3).join(', ')} and ${String(items.length - 3)} more` : items.join(', ');

/** The strings of an array, or []. */
export const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
