/**
 * Writing the project's files: all of them or none. A docker-best root generator replaces yeoman-environment's
 * commit task with this one (the `customCommitTask` feature, see src/generator.ts).
 *
 * 1. Decide. Yeoman's own pipeline, as yeoman-environment 6 runs it (its dist/commit.js): the .yo-resolve
 *    transform, forceYoFiles, then the conflicter, which asks about changed files. Nothing is written yet.
 * 2. Check every file to write: no symbolic link that leads out of the project on its way (one line naming
 *    the file and where the link leads), no folder where a file goes.
 * 3. Stage: each file's new contents go to a temporary file in the target's own folder (same file system, so
 *    the rename below is atomic), with the file's mode (build.sh 0755; an existing file keeps its owner), and
 *    are flushed to disk. An existing target gets a second name (a hard link) to restore it from.
 * 4. Swap: only when every temporary file is written, each is renamed over its target.
 * 5. Clean up the second names.
 *
 * A failure in 3 or 4 (ENOSPC, EACCES, ...) removes every temporary file and folder it made, puts back any
 * file already swapped, and ends the run with one line: every file is byte for byte as it was.
 *
 * Links inside the project are followed: a Dockerfile that links to docker/Dockerfile updates
 * docker/Dockerfile and stays a link. Links that lead out of the project (or dangle towards a path outside it)
 * are refused. A file the generator is told to write outside the project folder (the team generator's
 * `../pack`) is written where it is named, but never through a link as its last part.
 */
import { randomBytes } from 'node:crypto';
import { constants, existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { chown, link, lstat, mkdir, open, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import type { InputOutputAdapter } from '@yeoman/types';
import { createConflicterTransform, createYoResolveTransform, forceYoFiles } from '@yeoman/conflicter';
import type { Store } from 'mem-fs';
import type { MemFsEditorFile } from 'mem-fs-editor';
import {
  clearFileState,
  isFileNew,
  isFilePending,
  isFileStateDeleted,
  isFileStateModified,
  setCommittedFile,
} from 'mem-fs-editor/state';
import { notAFile, relativePath, takenByNonFile, WHY } from './conflicts.js';
import { UserError } from './errors.js';

// ---------------------------------------------------------------------------------------------------------
// Where a write really lands

const MAX_LINKS = 40;

const isInside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/**
 * The path the kernel would write to for `path`, following every symbolic link on the way, including a last
 * part that is a dangling link; parts that do not exist yet are kept as named.
 */
export const realTarget = (path: string, hops = 0): string => {
  if (hops > MAX_LINKS) throw Object.assign(new Error(`too many symbolic links: ${path}`), { code: 'ELOOP', path });
  try {
    return realpathSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      if (code === 'ENOTDIR') return path;
      throw error;
    }
  }
  const parent = dirname(path);
  if (parent === path) return path;
  const realParent = realTarget(parent, hops + 1);
  const here = join(realParent, basename(path));
  const stats = lstatSync(here, { throwIfNoEntry: false });
  if (stats?.isSymbolicLink()) {
    const to = readlinkSync(here);
    return realTarget(isAbsolute(to) ? to : `${realParent}/${to}`, hops + 1);
  }
  return here;
};

/** Refusal of a write that would go through a link out of the project. */
export const linkLeadsOut = (root: string, path: string, target: string): UserError =>
  new UserError(
    `${relativePath(root, path)} leads out of the project through a symbolic link, to ${target}: nothing was written; ` +
      'remove the link (or point it inside the project) and run again',
  );

/**
 * Where writing `path` lands, checked: inside the project, whatever links are on the way; for a path the
 * generator was told to write outside the project, not through a link as its last part.
 */
export const writeTarget = (root: string, path: string): string => {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    realRoot = root;
  }
  let target: string;
  try {
    target = realTarget(path);
  } catch (error) {
    const code = (error as Partial<NodeJS.ErrnoException>).code ?? 'EIO';
    const why = code === 'ELOOP' ? 'symbolic links that loop' : (WHY[code] ?? code);
    throw new UserError(
      `${relativePath(root, path) || path} cannot be followed to a file: ${why} (${code}); nothing was written: fix or remove the link`,
    );
  }
  if (isInside(root, path)) {
    if (!isInside(realRoot, target)) throw linkLeadsOut(root, path, target);
    return target;
  }
  const plain = join(realTarget(dirname(path)), basename(path));
  if (target !== plain) throw linkLeadsOut(root, path, target);
  return target;
};

// ---------------------------------------------------------------------------------------------------------
// The transaction

/** One file to put on disk, or to remove (`contents` null). */
export interface FileChange {
  readonly path: string;
  readonly contents: Buffer | null;
  /** Mode to give it (permission bits); undefined keeps an existing file's mode, or the umask default. */
  readonly mode?: number;
}

/** The file-system calls the transaction makes; tests put failures in them. */
export interface CommitOps {
  /** Create `path` (it must not exist) with `contents` and `mode`, flushed to disk. */
  readonly writeNew: (path: string, contents: Buffer, mode: number | undefined) => Promise<void>;
  readonly chown: (path: string, uid: number, gid: number) => Promise<void>;
  readonly link: (existing: string, path: string) => Promise<void>;
  readonly rename: (from: string, to: string) => Promise<void>;
  readonly unlink: (path: string) => Promise<void>;
  readonly mkdir: (path: string) => Promise<void>;
  readonly rmdir: (path: string) => Promise<void>;
}

export const FS_OPS: CommitOps = {
  writeNew: async (path, contents, mode) => {
    const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode ?? 0o666);
    try {
      await handle.writeFile(contents);
      // open() applies the umask; an explicit mode is given exactly, as mem-fs-editor does.
      if (mode !== undefined) await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  chown: (path, uid, gid) => chown(path, uid, gid),
  link: (existing, path) => link(existing, path),
  rename: (from, to) => rename(from, to),
  unlink: (path) => unlink(path),
  mkdir: async (path) => {
    await mkdir(path);
  },
  rmdir: (path) => rmdir(path),
};

const suffix = (): string => `.docker-best-${process.pid}-${randomBytes(4).toString('hex')}`;
const aside = (target: string, kind: 'new' | 'old'): string =>
  join(dirname(target), `.${basename(target)}${suffix()}.${kind}`);

interface Staged {
  readonly change: FileChange;
  readonly target: string;
  /** The new contents, written beside the target; undefined for a removal. */
  temp?: string;
  /** A second name of the file that was there, to put it back. */
  backup?: string;
  /** Whether the target is in place (renamed, or removed). */
  swapped: boolean;
}

/** The one line a failed write ends the run with. */
export const writeFailed = (root: string, path: string, error: unknown, restored: boolean): UserError => {
  const code = (error as Partial<NodeJS.ErrnoException>).code ?? 'EIO';
  const why = WHY[code] ?? (error instanceof Error ? error.message.split('\n')[0] : String(error));
  return new UserError(
    `could not write ${relativePath(root, path) || path}: ${why} (${code}); ` +
      (restored
        ? 'nothing was written: every file is as it was'
        : 'some files could not be put back: check the files named .*.docker-best-* in the project'),
  );
};

const ignore = async (step: () => Promise<unknown>): Promise<boolean> => {
  try {
    await step();
    return true;
  } catch {
    return false;
  }
};

/** Folders missing above `target`, made one by one (returned outermost first, to remove in reverse). */
const makeFolders = async (target: string, ops: CommitOps, made: string[]): Promise<void> => {
  const missing: string[] = [];
  let dir = dirname(target);
  while (
    !(await lstat(dir).then(
      () => true,
      () => false,
    ))
  ) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
    dir = dirname(dir);
  }
  for (const folder of missing) {
    await ops.mkdir(folder);
    made.push(folder);
  }
};

/**
 * Put `changes` on disk, all or nothing (see the module comment). `root` is the project: every target is
 * checked against it. Throws a UserError of one line when anything fails, after putting everything back.
 * Resolves to the second names that could not be removed once everything was written (normally none).
 */
export const writeAll = async (
  root: string,
  changes: readonly FileChange[],
  ops: CommitOps = FS_OPS,
): Promise<string[]> => {
  const staged: Staged[] = changes.map((change) => {
    const target = writeTarget(root, change.path);
    if (change.contents !== null && takenByNonFile(target)) throw notAFile(root, change.path);
    return { change, target, swapped: false };
  });
  const folders: string[] = [];
  let failing = '';
  try {
    for (const entry of staged) {
      failing = entry.change.path;
      const existing = await stat(entry.target).catch(() => undefined);
      if (entry.change.contents !== null) {
        await makeFolders(entry.target, ops, folders);
        const temp = aside(entry.target, 'new');
        const mode = entry.change.mode ?? (existing ? existing.mode & 0o7777 : undefined);
        entry.temp = temp;
        await ops.writeNew(temp, entry.change.contents, mode);
        if (existing && process.getuid?.() === 0 && (existing.uid !== 0 || existing.gid !== 0)) {
          await ops.chown(temp, existing.uid, existing.gid);
        }
      }
      if (existing) {
        const backup = aside(entry.target, 'old');
        await ops.link(entry.target, backup);
        entry.backup = backup;
      }
    }
    for (const entry of staged) {
      failing = entry.change.path;
      if (entry.temp !== undefined) await ops.rename(entry.temp, entry.target);
      else await ops.unlink(entry.target);
      entry.swapped = true;
    }
  } catch (error) {
    let restored = true;
    for (const entry of [...staged].reverse()) {
      if (entry.swapped) {
        restored &&=
          entry.backup !== undefined
            ? await ignore(() => ops.rename(entry.backup ?? '', entry.target))
            : await ignore(() => ops.unlink(entry.target));
        if (entry.backup !== undefined) entry.backup = undefined;
      }
      if (entry.temp !== undefined && !entry.swapped) await ignore(() => ops.unlink(entry.temp ?? ''));
      if (entry.backup !== undefined) await ignore(() => ops.unlink(entry.backup ?? ''));
    }
    for (const folder of folders.reverse()) await ignore(() => ops.rmdir(folder));
    throw writeFailed(root, failing, error, restored);
  }
  const leftovers: string[] = [];
  for (const entry of staged) {
    const backup = entry.backup;
    if (backup !== undefined && !(await ignore(() => ops.unlink(backup)))) leftovers.push(backup);
  }
  return leftovers;
};

// ---------------------------------------------------------------------------------------------------------
// The commit task

export interface CommitInput {
  readonly root: string;
  readonly adapter: InputOutputAdapter;
  readonly conflicterOptions: Record<string, unknown> | undefined;
  readonly sharedFs: Store<MemFsEditorFile>;
  /** Leave .yo-resolve out (Yeoman's skipYoResolve). */
  readonly skipYoResolve: boolean;
  readonly ops?: CommitOps;
}

/** Collects what Yeoman's pipeline decided to write, and writes it all at the end, in one transaction. */
const transactionalWriter = (root: string, ops: CommitOps, warn: (line: string) => void): Transform => {
  const files: MemFsEditorFile[] = [];
  return new Transform({
    objectMode: true,
    transform(file: MemFsEditorFile, _encoding, callback) {
      files.push(file);
      callback();
    },
    flush(callback) {
      const pending = files.filter(
        (file) => isFileStateModified(file) || (isFileStateDeleted(file) && !isFileNew(file)),
      );
      const changes: FileChange[] = pending.map((file) => ({
        path: file.path,
        contents: isFileStateModified(file) ? (file.contents ?? Buffer.alloc(0)) : null,
        ...(typeof file.stat?.mode === 'number' ? { mode: file.stat.mode & 0o7777 } : {}),
      }));
      writeAll(root, changes, ops).then(
        (leftovers) => {
          for (const leftover of leftovers) {
            warn(`could not remove ${relativePath(root, leftover)}, the old version of a file just written: remove it`);
          }
          for (const file of pending) setCommittedFile(file);
          for (const file of files) {
            clearFileState(file);
            this.push(file);
          }
          callback();
        },
        (error: unknown) => callback(error as Error),
      );
    },
  });
};

/** The statuses the conflicter logs as it decides ("create Dockerfile"): shown once the files are written. */
const DEFERRED = new Set<string | symbol>(['create', 'force', 'identical', 'skip']);

/**
 * The adapter, with the conflicter's status lines held back until `show` (after the write), so that a failed
 * write does not list files as created. Questions and everything else pass straight through.
 */
const deferringStatus = (
  adapter: InputOutputAdapter,
  root: string,
): { adapter: InputOutputAdapter; show: () => void } => {
  const held: (() => void)[] = [];
  const log = new Proxy(adapter.log, {
    get: (target, property, receiver) => {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (!DEFERRED.has(property) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        // Yeoman forces its own state files (.yo-rc.json) through: a new one is created, not forced.
        const [path] = args;
        const created = property === 'force' && typeof path === 'string' && !existsSync(resolve(root, path));
        const status = created ? Reflect.get(target, 'create', receiver) : value;
        held.push(() => (status as (...a: unknown[]) => unknown).apply(target, args));
        return log;
      };
    },
  });
  // Methods run on the adapter itself: Yeoman's QueuedAdapter keeps its queue in a private field (#queue), which a
  // method called with the proxy as `this` cannot read (the conflicter's questions crashed).
  const wrapped = new Proxy(adapter, {
    get: (target, property) => {
      if (property === 'log') return log;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { adapter: wrapped, show: () => held.splice(0).forEach((line) => line()) };
};

/** The commit task: yeoman-environment's pipeline of decisions, then writeAll instead of file-by-file writes. */
export const commitTransactionally = async (input: CommitInput): Promise<void> => {
  const status = deferringStatus(input.adapter, input.root);
  await input.sharedFs.pipeline(
    { filter: (file: MemFsEditorFile) => isFilePending(file) || file.path.endsWith('.yo-resolve') },
    ...(input.skipYoResolve ? [] : [createYoResolveTransform()]),
    forceYoFiles(),
    createConflicterTransform(status.adapter, input.conflicterOptions ?? {}),
    transactionalWriter(input.root, input.ops ?? FS_OPS, (line) => input.adapter.log.error(line)),
  );
  status.show();
};
