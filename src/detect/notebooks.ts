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

/** The code of a parsed notebook's code cells (nbformat 4, or 3's worksheets), non-empty ones only. */
const codeCells = (notebook: Record<string, unknown>): string[] => {
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);
  const cells: unknown[] = [
    ...list(notebook.cells),
    ...list(notebook.worksheets).flatMap((sheet) => list(table(sheet)?.cells)),
  ];
  return cells
    .map((cell) => table(cell))
    .filter((cell) => cell?.cell_type === 'code')
    .map((cell) => sourceText(cell?.source ?? cell?.input))
    .filter((code) => code.trim() !== '');
};

/** The first IPython magic or shell escape of some code (`%matplotlib inline`, `!pip install x`), if any. */
const magicIn = (cells: readonly string[]): string | undefined => {
  for (const code of cells) {
    const line = code.split('\n').find((text) => /^\s*[%!]/.test(text));
    if (line !== undefined) return line.trim().slice(0, 40);
  }
  return undefined;
};

/**
 * Modules of the packages notebooks use most, with the package that provides each: a notebook that imports
 * them needs them declared (a requirements file, a lock), or the image's virtualenv has none of them.
 */
const NOTEBOOK_PACKAGES: Readonly<Record<string, string>> = {
  numpy: 'numpy',
  pandas: 'pandas',
  matplotlib: 'matplotlib',
  seaborn: 'seaborn',
  scipy: 'scipy',
  sklearn: 'scikit-learn',
  statsmodels: 'statsmodels',
  plotly: 'plotly',
  requests: 'requests',
  bs4: 'beautifulsoup4',
  openpyxl: 'openpyxl',
  xgboost: 'xgboost',
  lightgbm: 'lightgbm',
  torch: 'torch',
  tensorflow: 'tensorflow',
  polars: 'polars',
  pyarrow: 'pyarrow',
};

/** The packages of NOTEBOOK_PACKAGES the code cells import, in the order first seen. */
const packagesImported = (cells: readonly string[]): string[] => {
  const found = new Set<string>();
  for (const code of cells) {
    for (const match of code.matchAll(/^\s*(?:import|from)\s+([A-Za-z_]\w*)/gm)) {
      const name = NOTEBOOK_PACKAGES[match[1] ?? ''];
      if (name !== undefined) found.add(name);
    }
  }
  return [...found];
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
  /** Packages the entry notebook imports that notebooks commonly need installed (`pandas`, `scikit-learn`). */
  readonly imports: string[];
  readonly warnings: string[];
}

export const detectNotebooks = (files: ProjectFiles): NotebookFacts => {
  const notebooks = files.paths
    .filter((path) => path.endsWith('.ipynb') && !path.split('/').includes('.ipynb_checkpoints'))
    .sort(byCodeUnits);
  const warnings: string[] = [];
  const withCode: string[] = [];
  let entry: Detected<string> | undefined;
  let imports: string[] = [];
  let firstRunnable: string | undefined;
  const skipped: string[] = [];
  const withMagics: { path: string; magic: string }[] = [];
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
      warnings.push(`${path} is a notebook in ${language}, not Python: it is not run`);
      continue;
    }
    const accepted = parseEntry(path, { stack: 'jupyter' });
    if (!accepted.ok) {
      warnings.push(`${JSON.stringify(path)} is not offered as the entry: the entry ${accepted.rule}`);
      skipped.push(path);
      continue;
    }
    firstRunnable ??= path;
    const cells = codeCells(document);
    if (cells.length === 0) continue;
    withCode.push(path);
    if (entry !== undefined) continue;
    // The image runs the notebook as a script: IPython magics and shell escapes do not run there.
    const magic = magicIn(cells);
    if (magic !== undefined) {
      withMagics.push({ path, magic });
      continue;
    }
    imports = packagesImported(cells);
    entry = {
      value: path,
      why:
        skipped.length === 0 && withMagics.length === 0
          ? `${path}: the first notebook with code`
          : `${path}: the first notebook with code that an image can run as a script`,
    };
  }
  const [magical] = withMagics;
  if (magical !== undefined) {
    warnings.push(
      entry === undefined
        ? `${magical.path} uses IPython magics or shell escapes (${magical.magic}): the image build will stop on them until they are plain Python`
        : `${withMagics.map((notebook) => notebook.path).join(', ')} ${withMagics.length === 1 ? 'uses' : 'use'} IPython magics or shell escapes (${magical.magic}): not the entry`,
    );
    entry ??= { value: magical.path, why: `${magical.path}: the first notebook with code` };
  }
  // No notebook has code yet (a new project's empty notebook): the first one a jupyter image can run.
  if (entry === undefined && firstRunnable !== undefined) {
    entry = { value: firstRunnable, why: `${firstRunnable}: the first notebook (none has code cells yet)` };
  }
  return { notebooks, withCode, ...(entry !== undefined ? { entry } : {}), imports, warnings };
};
