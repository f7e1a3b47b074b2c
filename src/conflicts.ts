/**
 * Re-runs: deciding, before anything is written, what happens to each file. The generator remembers a
 * fingerprint of every file it wrote (in .yo-rc.json), so on the next run it can tell a file the user changed
 * from one only the answers changed:
 *
 * - identical on disk: left alone;
 * - still as the generator last wrote it: regenerated without asking (nobody's edit is lost);
 * - changed by the user since: Yeoman asks before overwriting; without a terminal nobody can answer, so the
 *   run stops before writing anything, naming the files, unless --force or .yo-resolve decides them.
 *
 * `.yo-resolve` is read by Yeoman's own code (`YoResolve` of @yeoman/conflicter), the same object the commit
 * (src/commit.ts) hands to Yeoman's pipeline, so the generator's forecast and Yeoman's decision cannot differ.
 * Yeoman writes a file whose status is anything but skip, diff or ignore (an unknown word overwrites); a word
 * Yeoman does not know is refused here, naming its line, instead of overwriting silently.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { YoResolve } from '@yeoman/conflicter';
import { isUserError, showValue, UserError } from './errors.js';

export interface PendingFile {
  readonly path: string;
  readonly contents: Buffer;
}

export const YO_RESOLVE = '.yo-resolve';

/**
 * What each status Yeoman's conflicter knows does with a file it is given for: the conflicter's own statuses
 * (`ConflicterStatus` of @yeoman/conflicter). skip, diff and ignore keep the file on disk; identical is turned
 * into skip; create and force write; conflict asks.
 */
export const YO_RESOLVE_ACTIONS: Readonly<Record<string, 'keep' | 'write' | 'ask'>> = {
  skip: 'keep',
  diff: 'keep',
  ignore: 'keep',
  identical: 'keep',
  force: 'write',
  create: 'write',
  conflict: 'ask',
};

const failureWhy = (error: unknown): string =>
  `it cannot be read (${(error as Partial<NodeJS.ErrnoException>).code ?? String(error)})`;

/**
 * A `.yo-resolve` that Yeoman would silently pass over: a folder of that name, or a file it cannot read. Its
 * lines would not apply, so files the user meant to keep would be overwritten: refused in one line.
 */
export const checkYoResolveFile = (root: string): void => {
  const file = join(root, YO_RESOLVE);
  let isFolder: boolean;
  try {
    isFolder = statSync(file).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new UserError(`${YO_RESOLVE} in ${root}: ${failureWhy(error)}: fix its permissions, or remove it`);
  }
  if (isFolder) {
    throw new UserError(
      `${YO_RESOLVE} in ${root} is a folder: Yeoman reads it as a file of "<file> skip" lines; remove the folder or make it such a file`,
    );
  }
  try {
    readFileSync(file);
  } catch (error) {
    throw new UserError(`${YO_RESOLVE} in ${root}: ${failureWhy(error)}: fix its permissions, or remove it`);
  }
};

/** The lines Yeoman reads from a .yo-resolve text, as (1-based line number, trimmed text), in its order. */
const effectiveLines = (text: string): { readonly number: number; readonly text: string }[] =>
  text
    .split(/\r?\n/)
    .map((line, index) => ({ number: index + 1, text: (line.trim().split('#')[0] ?? '').trim() }))
    .filter((line) => line.text !== '');

/** `.yo-resolve` as Yeoman reads it, with every status it gives checked. */
export class Resolutions {
  readonly #yo = new YoResolve();
  readonly #enabled: boolean;

  constructor(options: { readonly enabled: boolean }) {
    this.#enabled = options.enabled;
  }

  /** Yeoman's status for `path`; undefined when no line matches. A word Yeoman does not know is refused. */
  async status(path: string): Promise<string | undefined> {
    if (!this.#enabled) return undefined;
    const status: string | undefined = await this.#yo.getStatusForFile(path);
    if (status === undefined || Object.hasOwn(YO_RESOLVE_ACTIONS, status)) return status;
    throw this.#unknown(path, status);
  }

  /** What the status does: keep the file, write it, ask; undefined when .yo-resolve does not decide it. */
  async action(path: string): Promise<'keep' | 'write' | 'ask' | undefined> {
    const status = await this.status(path);
    return status === undefined ? undefined : YO_RESOLVE_ACTIONS[status];
  }

  #unknown(path: string, status: string): UserError {
    const where = this.#lineFor(path) ?? `the ${YO_RESOLVE} line for ${path}`;
    const word = status === '' ? 'an empty action (Yeoman splits the line at every space, + or =)' : `'${status}'`;
    return new UserError(
      `${where}: ${word} is not an action Yeoman knows, and Yeoman would overwrite the file: write "skip" to keep your version, or "force" to overwrite it`,
    );
  }

  /** `file:line 'text'` of the line whose pattern matches `path`, found in Yeoman's own parsed patterns. */
  #lineFor(path: string): string | undefined {
    for (let folder = dirname(path); ; folder = dirname(folder)) {
      const patterns = this.#yo.groupedYoResolve.get(folder);
      if (patterns) {
        const file = join(folder, YO_RESOLVE);
        let lines: ReturnType<typeof effectiveLines> = [];
        try {
          lines = effectiveLines(readFileSync(file, 'utf8'));
        } catch {
          lines = [];
        }
        let index = 0;
        for (const pattern of patterns.keys()) {
          if (pattern.match(path)) {
            const line = lines.length === patterns.size ? lines[index] : undefined;
            return line === undefined ? `${file}` : `${file}:${line.number} ${showValue(line.text)}`;
          }
          index += 1;
        }
      }
      if (dirname(folder) === folder) return undefined;
    }
  }
}

export const fingerprint = (contents: Buffer): string =>
  `sha256:${createHash('sha256').update(contents).digest('hex')}`;

export const relativePath = (root: string, path: string): string => relative(root, path).split(sep).join('/');

/** `changed`: the generator wrote it, the user changed it since; `foreign`: the generator never wrote it. */
export type FileState = 'new' | 'identical' | 'regenerated' | 'changed' | 'foreign';

/** How a file about to be written stands against the disk and the fingerprints of the last run. */
export const fileState = (root: string, file: PendingFile, remembered: Readonly<Record<string, string>>): FileState => {
  if (!existsSync(file.path) || !statSync(file.path).isFile()) return 'new';
  const onDisk = readFileSync(file.path);
  if (onDisk.equals(file.contents)) return 'identical';
  const last = remembered[relativePath(root, file.path)];
  if (last === undefined) return 'foreign';
  return last === fingerprint(onDisk) ? 'regenerated' : 'changed';
};

/** A file that would be overwritten, and how it came to differ. */
export interface Conflict {
  readonly path: string;
  readonly state: 'changed' | 'foreign';
}

/** `Dockerfile (not written by the generator), compose.yaml (changed since the generator wrote it)`. */
const describeConflicts = (conflicts: readonly Conflict[]): string =>
  conflicts
    .map(
      (conflict) =>
        `${conflict.path} (${conflict.state === 'foreign' ? 'not written by the generator' : 'changed since the generator wrote it'})`,
    )
    .join(', ');

/** Characters that make Yeoman's .yo-resolve patterns (minimatch, prefixed with the folder) miss in a folder. */
const GLOB_MAGIC = /[[\]*?{}()!+@]/;

export const conflictError = (
  root: string,
  conflicts: readonly Conflict[],
  options: { yoResolve: boolean },
): UserError => {
  const hint =
    options.yoResolve && GLOB_MAGIC.test(root) && existsSync(join(root, YO_RESOLVE))
      ? ` (Yeoman's ${YO_RESOLVE} patterns do not match inside a folder whose path has glob characters such as [ ]: rename the folder, or use --force)`
      : '';
  return new UserError(
    `${describeConflicts(conflicts)} ${conflicts.length === 1 ? 'differs' : 'differ'} from what the generator writes, and ` +
      'there is no terminal to ask: keep your version with a line "<file> skip" in .yo-resolve, ' +
      `overwrite with --force, or run in a terminal to see the diff and decide${hint}`,
  );
};

/** A folder (or something else that is not a file) where the generator writes a file: one line. */
export const notAFile = (root: string, path: string): UserError =>
  new UserError(
    `${relativePath(root, path)} in ${root} is a folder, where the generator writes a file: nothing was written; move it away, or keep it with a line "${relativePath(root, path)} skip" in .yo-resolve`,
  );

/** Whether `path` is taken by something that is not a regular file (a folder, a socket, ...). */
export const takenByNonFile = (path: string): boolean => {
  try {
    return !statSync(path).isFile();
  } catch {
    return false;
  }
};

/** The first path that cannot be written (the file, or the nearest existing folder for a new one), with why. */
export const unwritable = (paths: readonly string[]): { path: string; code: string } | undefined => {
  for (const path of paths) {
    // The folder too: the new contents go to a temporary file beside the target first (src/commit.ts).
    for (const candidate of [path, dirname(path)]) {
      let target = candidate;
      while (!existsSync(target) && dirname(target) !== target) target = dirname(target);
      try {
        accessSync(target, constants.W_OK);
      } catch (error) {
        return { path: target, code: (error as NodeJS.ErrnoException).code ?? 'EACCES' };
      }
    }
  }
  return undefined;
};

export const WHY: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of its path is a file, not a folder',
};

export const cannotWrite = (root: string, blocked: { path: string; code: string }): UserError => {
  const where = relativePath(root, blocked.path) || root;
  return new UserError(
    `cannot write ${where === root ? `to ${root}` : `${where} in ${root}`}: ${WHY[blocked.code] ?? blocked.code} (${blocked.code}); ` +
      'nothing was written: run where you may write, or fix the permissions',
  );
};

/**
 * A file-system error met while looking at the files (a file this user cannot read, a path that changed
 * under us) as one line; anything else (a bug) is passed on as it is.
 */
export const asUserError = (root: string, error: unknown): unknown => {
  const failure = error as Partial<NodeJS.ErrnoException>;
  if (isUserError(error) || typeof failure.code !== 'string' || typeof failure.path !== 'string') return error;
  const where = relativePath(root, failure.path) || failure.path;
  return new UserError(
    `cannot read ${where}: ${WHY[failure.code] ?? failure.code} (${failure.code}); nothing was written: fix its permissions, or move it away`,
  );
};
