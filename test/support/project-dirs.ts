/** Project folders for detection tests: the fixture corpus, and small projects written on the fly. */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectProject, type ProjectFacts } from '../../src/detect/index.js';

export const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/projects/', import.meta.url));

/** A copy of a fixture project in a fresh folder named like it. */
export const copyOf = (fixture: string): string => {
  const dir = join(mkdtempSync(join(tmpdir(), 'docker-best-detect-')), fixture);
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
};

/** A fresh folder holding `files` (relative path -> content). */
export const projectDir = (files: Readonly<Record<string, string | Buffer>>, name = 'project'): string => {
  const dir = join(mkdtempSync(join(tmpdir(), 'docker-best-detect-')), name);
  mkdirSync(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
};

/** What detection finds in a project made of `files`. */
export const detect = (files: Readonly<Record<string, string | Buffer>>): ProjectFacts =>
  detectProject(projectDir(files));

/** A notebook document with the given code cells (and a kernel language). */
export const notebook = (cells: readonly string[], language = 'python'): string =>
  JSON.stringify({
    cells: cells.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: { display_name: language, language, name: language === 'python' ? 'python3' : language } },
    nbformat: 4,
    nbformat_minor: 5,
  });
