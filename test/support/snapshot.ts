/** The state of a folder, to prove that a run left it exactly as it was. */
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every entry below `dir` (relative, with a leading /): files with their mode, modification time and
 * contents; folders with their mode; links as where they lead (never followed).
 */
export const snapshot = (dir: string): Record<string, string> => {
  const files: Record<string, string> = {};
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder).sort()) {
      const path = join(folder, entry);
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) files[path.slice(dir.length)] = `link:${readlinkSync(path)}`;
      else if (stat.isDirectory()) {
        files[path.slice(dir.length)] = `folder:${stat.mode}`;
        walk(path);
      } else files[path.slice(dir.length)] = `${stat.mode}:${stat.mtimeMs}:${readFileSync(path, 'base64')}`;
    }
  };
  walk(dir);
  return files;
};
