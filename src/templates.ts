/**
 * Where templates come from. Team template folders are searched first, file by file, then the built-in
 * `templates/` tree; includes (`include('partials/user')`) are resolved the same way, so a team can
 * override one partial and keep the rest.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the folder holding package.json and templates/, found from this file. */
export const packageRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'templates'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('internal: cannot find the generator package root');
    dir = parent;
  }
  return dir;
};

export const BUILTIN_TEMPLATES = join(packageRoot(), 'templates');

export class TemplateSet {
  /** Folders searched in order; the built-in one is always last. */
  readonly roots: readonly string[];

  constructor(overrides: readonly string[] = []) {
    this.roots = [...overrides.map((dir) => resolve(dir)), BUILTIN_TEMPLATES];
  }

  /** The file to use for `name`, a path relative to the templates root (with or without `.ejs`). */
  file(name: string): string {
    const candidates = name.endsWith('.ejs') ? [name] : [`${name}.ejs`, name];
    for (const root of this.roots) {
      for (const candidate of candidates) {
        const path = join(root, candidate);
        if (existsSync(path)) return path;
      }
    }
    throw new Error(`internal: no template ${name} in ${this.roots.join(', ')}`);
  }

  /** EJS `includer`: include paths name files from the templates root (`partials/user`), overrides first. */
  readonly includer = (originalPath: string): { filename: string } => ({ filename: this.file(originalPath) });
}
