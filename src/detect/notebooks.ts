/**
 * Notebooks: every `.ipynb` of the project (checkpoints excluded), and the one a jupyter image runs: the first
 * that has code cells and a Python kernel, and whose name the `--entry` option accepts. A notebook is read
 * as JSON within its own size cap; a malformed one, one of another language, or one whose name a
 * Dockerfile cannot carry (quotes, `$`, globs) is skipped with a warning, never an error.
 */
import { parseEntry } from '../validate.js';
import type { Detected } from './facts.js';
import { LIMITS, table, type ProjectFiles } from './files.js';

/** Notebooks read for an entry, at most, and their bytes in all (JSON.parse of a deeply nested file is slow). */
const MAX_READ = 50;
const MAX_BYTES = 16 * 1024 * 1024;

/** Code-unit order: the same on every machine, whatever its locale. */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The text of a cell's `source` (a string, or a list of lines). */
const sourceText = (source: unknown): string =>
  typeof source === 'string'
    ? source
    : Array.isArray(source)
      ? source.filter((line): line is string => typeof line === 'string').join('')
      : '';

/** Whether a parsed notebook has a code cell with code in it (nbformat 4, or 3's worksheets). */
const hasCode = (notebook: Record<string, unknown>): boolean => {
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);
  const worksheets = list(notebook.worksheets);
  const cells: unknown[] = [
    ...list(notebook.cells),
    ...worksheets.flatMap((sheet) => {
      return list(table(sheet)?.cells);
    }),
  ];
  return cells.some((cell) => {
    const c = table(cell);
    return c?.cell_type === 'code' && sourceText(c.source ?? c.input).trim() !== '';
  });
};

/** The notebook's language when its metadata names one (`python`, `R`, `julia`). */
const languageOf = (notebook: Record<string, unknown>): string | undefined => {
  const metadata = table(notebook.metadata);
  const kernel = table(metadata?.kernelspec);
  const language = kernel?.language ?? table(metadata?.language_info)?.name;
  if (typeof language === 'string') return language;
  const name = kernel?.name;
  return typeof name === 'string' ? name : undefined;
};

export interface NotebookFacts {
  readonly notebooks: string[];
  /** Notebooks with Python code. */
  readonly withCode: string[];
  readonly entry?: Detected<string>;
  readonly warnings: string[];
}

export const detectNotebooks = (files: ProjectFiles): NotebookFacts => {
  const notebooks = files.paths
    .filter((path) => path.endsWith('.ipynb') && !path.split('/').includes('.ipynb_checkpoints'))
    .sort(byCodeUnits);
  const warnings: string[] = [];
  const withCode: string[] = [];
  let entry: Detected<string> | undefined;
  let firstRunnable: string | undefined;
  const skipped: string[] = [];
  let room = MAX_BYTES;
  for (const path of notebooks.slice(0, MAX_READ)) {
    const size = files.read(path, LIMITS.notebookBytes)?.length ?? 0;
    if (size > room) {
      warnings.push(`${path} was not read: with the notebooks before it, it is more than detection reads of notebooks`);
      continue;
    }
    room -= size;
    // Unreadable or malformed: files.json has said so in a warning.
    const document = table(files.json(path, LIMITS.notebookBytes));
    if (document === undefined) continue;
    const language = languageOf(document);
    if (language !== undefined && !/^python/i.test(language)) {
      warnings.push(`${path} is a ${language} notebook, not Python: it is not run`);
      continue;
    }
    const accepted = parseEntry(path, { stack: 'jupyter' });
    if (!accepted.ok) {
      warnings.push(`${JSON.stringify(path)} is not offered as the entry: the entry ${accepted.rule}`);
      skipped.push(path);
      continue;
    }
    firstRunnable ??= path;
    if (!hasCode(document)) continue;
    withCode.push(path);
    if (entry !== undefined) continue;
    entry = {
      value: path,
      why:
        skipped.length === 0
          ? `${path}: the first notebook with code`
          : `${path}: the first notebook with code whose name an image can carry`,
    };
  }
  // No notebook has code yet (a new project's empty notebook): the first one a jupyter image can run.
  if (entry === undefined && firstRunnable !== undefined) {
    entry = { value: firstRunnable, why: `${firstRunnable}: the first notebook (none has code cells yet)` };
  }
  return { notebooks, withCode, ...(entry !== undefined ? { entry } : {}), warnings };
};
