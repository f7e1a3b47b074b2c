/**
 * Rendering a template to text: the one path every generated file takes, in the generators and in the
 * property tests alike. mem-fs-editor's copyTpl runs EJS; includes resolve through the template set, so
 * team overrides apply to partials too. Templates write values with `<%-` only: escaping for each syntax is
 * done in the render context (src/context/quote.ts), never by EJS's HTML escaping.
 */
import { create as createStore } from 'mem-fs';
import { create as createEditor, type MemFsEditorFile } from 'mem-fs-editor';
import type { TemplateSet } from './templates.js';

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
