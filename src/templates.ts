/**
 * Templates: where they come from, and rendering them to text.
 *
 * Team template folders are searched first, file by file, then the built-in `templates/` tree; includes
 * (`include('partials/user')`) are resolved the same way, so a team can override one partial and keep the
 * rest.
 *
 * Rendering is the one path every generated file takes, in the generators and in the property tests alike:
 * mem-fs-editor's copyTpl runs EJS, with includes resolved through the template set. Templates write values
 * with `<%-` only: escaping for each syntax is done in the render context (src/context/quote.ts), never by
 * EJS's HTML escaping.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create as createStore } from 'mem-fs';
import { create as createEditor, type MemFsEditorFile } from 'mem-fs-editor';

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

/** Where copyTpl writes in the in-memory store; nothing here touches the disk. */
const SCRATCH = '/docker-best-render/output';

export const renderText = (templates: TemplateSet, template: string, context: object): string => {
  const editor = createEditor(createStore<MemFsEditorFile>());
  editor.copyTpl(templates.file(template), SCRATCH, context, {
    transformOptions: { includer: templates.includer },
  });
  const text = editor.read(SCRATCH);
  if (text === null) throw new Error(`internal: ${template} rendered to nothing`);
  return text;
};
