/**
 * Re-runs. The generator remembers a fingerprint of every file it wrote (in .yo-rc.json), so on the next run
 * it can tell a file the user changed from one only the answers changed:
 *
 * - identical on disk: left alone;
 * - still as the generator last wrote it: regenerated without asking (nobody's edit is lost);
 * - changed by the user since: Yeoman asks before overwriting; without a terminal nobody can answer, so the
 *   run stops before writing anything, naming the files, unless --force or .yo-resolve decides them.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { UserError } from './errors.js';

export interface PendingFile {
  readonly path: string;
  readonly contents: Buffer;
}

/**
 * The patterns of `.yo-resolve` in `root` (`pattern [action]` lines, `#` comments). Any entry settles a file:
 * Yeoman's conflicter then applies its action, so an unattended run has nothing to ask.
 */
export const readYoResolve = (root: string): RegExp[] => {
  const file = join(root, '.yo-resolve');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => (line.split('#')[0] ?? '').trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [glob = ''] = line.split(/[\s=]+/);
      return globToRegExp(glob);
    });
};

/** A .yo-resolve glob as a regular expression: `**\/` any folders, `*` and `?` within one path segment. */
export const globToRegExp = (glob: string): RegExp => {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const rest = glob.slice(index);
    if (rest.startsWith('**/')) {
      source += '(?:.*/)?';
      index += 2;
    } else if (rest.startsWith('**')) {
      source += '.*';
      index += 1;
    } else if (glob[index] === '*') {
      source += '[^/]*';
    } else if (glob[index] === '?') {
      source += '[^/]';
    } else {
      source += (glob[index] ?? '').replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
};

export const fingerprint = (contents: Buffer): string =>
  `sha256:${createHash('sha256').update(contents).digest('hex')}`;

export const relativePath = (root: string, path: string): string => relative(root, path).split(sep).join('/');

export type FileState = 'new' | 'identical' | 'regenerated' | 'changed';

/** How a file about to be written stands against the disk and the fingerprints of the last run. */
export const fileState = (root: string, file: PendingFile, remembered: Readonly<Record<string, string>>): FileState => {
  if (!existsSync(file.path) || !statSync(file.path).isFile()) return 'new';
  const onDisk = readFileSync(file.path);
  if (onDisk.equals(file.contents)) return 'identical';
  return remembered[relativePath(root, file.path)] === fingerprint(onDisk) ? 'regenerated' : 'changed';
};

/** Of the files a user changed, those .yo-resolve does not settle: the ones Yeoman would ask about. */
export const unsettledConflicts = (
  root: string,
  changed: readonly string[],
  options: { readonly useYoResolve: boolean },
): string[] => {
  const rules = options.useYoResolve ? readYoResolve(root) : [];
  return changed.filter((path) => !rules.some((rule) => rule.test(path)));
};

export const conflictError = (paths: readonly string[]): UserError =>
  new UserError(
    `${paths.join(', ')} ${paths.length === 1 ? 'differs' : 'differ'} from what the generator writes (changed by you?) and ` +
      'there is no terminal to ask: keep your version with a line "<file> skip" in .yo-resolve, ' +
      'overwrite with --force, or run in a terminal to see the diff and decide',
  );

/** The first path that cannot be written (the file, or the nearest existing folder for a new one), with why. */
export const unwritable = (paths: readonly string[]): { path: string; code: string } | undefined => {
  for (const path of paths) {
    let target = path;
    while (!existsSync(target) && dirname(target) !== target) target = dirname(target);
    try {
      accessSync(target, constants.W_OK);
    } catch (error) {
      return { path: target, code: (error as NodeJS.ErrnoException).code ?? 'EACCES' };
    }
  }
  return undefined;
};

const WHY: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
};

export const cannotWrite = (root: string, blocked: { path: string; code: string }): UserError => {
  const where = relativePath(root, blocked.path) || root;
  return new UserError(
    `cannot write ${where === root ? `to ${root}` : `${where} in ${root}`}: ${WHY[blocked.code] ?? blocked.code} (${blocked.code}); ` +
      'nothing was written: run where you may write, or fix the permissions',
  );
};
