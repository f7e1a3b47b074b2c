/**
 * Reading a project, safely and in bounded time: a shallow listing that skips virtualenvs, caches and
 * hidden folders and never follows a link out of the project, and size-capped reads of text, TOML and JSON.
 * Everything detection knows of a project comes through here; nothing here writes.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { parse as parseToml } from 'smol-toml';

/** Folders never listed: environments, caches, build output, dependencies. */
const SKIP_DIRS = new Set(['venv', 'env', 'node_modules', '__pycache__', 'build', 'dist', 'site-packages', 'htmlcov']);

export const LIMITS = {
  /** Folder depth listed below the project root. */
  depth: 6,
  /** Files listed at most. */
  files: 5000,
  /** Bytes read of any one file. A bigger file reads as absent. */
  fileBytes: 1024 * 1024,
} as const;

/** Whether `path` (absolute, resolved) lies inside `root` (absolute, resolved). */
export const isInside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
};

export class ProjectFiles {
  /** The project folder, links resolved. */
  readonly root: string;
  /** The project folder's own name, as given (not resolved). */
  readonly folderName: string;
  /** Relative POSIX paths of the regular files found, sorted, folders before deeper ones. */
  readonly paths: readonly string[];
  /** Whether the listing stopped at LIMITS.files. */
  readonly truncated: boolean;
  /** What could not be read as it should (malformed TOML or JSON), one line each. */
  readonly warnings: string[] = [];
  readonly #set: ReadonlySet<string>;

  constructor(root: string) {
    this.folderName = basename(root);
    this.root = realpathSync(root);
    const found: string[] = [];
    let truncated = false;
    const walk = (dir: string, depth: number): void => {
      let entries: string[];
      try {
        entries = readdirSync(dir).sort();
      } catch {
        return;
      }
      const subdirs: string[] = [];
      for (const entry of entries) {
        if (found.length >= LIMITS.files) {
          truncated = true;
          return;
        }
        const full = join(dir, entry);
        const kind = this.#kind(full);
        if (kind === 'file') found.push(relative(this.root, full).split(sep).join('/'));
        else if (kind === 'dir' && depth < LIMITS.depth && !SKIP_DIRS.has(entry) && !entry.startsWith('.'))
          subdirs.push(full);
      }
      for (const sub of subdirs) walk(sub, depth + 1);
    };
    walk(this.root, 0);
    this.paths = found;
    this.truncated = truncated;
    this.#set = new Set(found);
  }

  /** A regular file or folder inside the project; a link counts only when it resolves inside the project. */
  #kind(full: string): 'file' | 'dir' | undefined {
    try {
      const link = lstatSync(full);
      if (link.isSymbolicLink() && !isInside(this.root, realpathSync(full))) return undefined;
      const stat = link.isSymbolicLink() ? statSync(full) : link;
      if (stat.isFile()) return 'file';
      if (stat.isDirectory() && !link.isSymbolicLink()) return 'dir';
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
   * through a link, or is bigger than LIMITS.fileBytes. Invalid UTF-8 reads with replacement characters.
   */
  read(path: string): string | undefined {
    if (!this.has(path)) return undefined;
    const full = join(this.root, ...path.split('/'));
    try {
      if (!isInside(this.root, realpathSync(full))) return undefined;
      const stat = statSync(full);
      if (!stat.isFile() || stat.size > LIMITS.fileBytes) return undefined;
      return readFileSync(full, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** A TOML file as a table, or undefined (absent, too big, or malformed: then a warning says so). */
  toml(path: string): Record<string, unknown> | undefined {
    const text = this.read(path);
    if (text === undefined) return undefined;
    try {
      return parseToml(text);
    } catch (error) {
      this.warnings.push(`${path} is not valid TOML (${firstLine(error)}): nothing was read from it`);
      return undefined;
    }
  }

  /** A JSON file, or undefined (absent, too big, or malformed: then a warning says so). */
  json(path: string): unknown {
    const text = this.read(path);
    if (text === undefined) return undefined;
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

/** The strings of an array, or []. */
export const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
