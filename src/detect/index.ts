/**
 * Detection: what an existing project already tells us. The facts (src/detect/facts.ts) become defaults,
 * shown as detected in the prompts, and decide how dependencies are installed. Everything is read through
 * src/detect/files.ts: a bounded listing, capped reads, no link followed out of the project; nothing here
 * writes.
 */
import { detectDependencies } from './deps.js';
import type { ProjectFacts } from './facts.js';
import { ProjectFiles } from './files.js';
import { readPyproject, type Pyproject } from './pyproject.js';

export type { ProjectFacts } from './facts.js';

/** Patterns that name a port in the obvious places; the first match wins. */
const PORT_PATTERNS: readonly RegExp[] = [
  /\b(?:uvicorn|hypercorn)\b[^\n]*--port[= ]+(\d{2,5})\b/,
  /\bgunicorn\b[^\n]*(?:-b|--bind)[= ]+["']?(?:[\w.[\]:-]*:)?(\d{2,5})\b/,
  /\bflask\b[^\n]*\brun\b[^\n]*(?:-p|--port)[= ]+(\d{2,5})\b/,
  /\bPORT\b["']?\s*[,:=]\s*["']?(\d{2,5})\b/,
  /\bPORT\b["']?\s*\)?\s*(?:or|\|\|)\s*["']?(\d{2,5})\b/,
  /\bport\s*=\s*(\d{2,5})\b/,
];

export const findPort = (texts: readonly string[]): number | undefined => {
  for (const pattern of PORT_PATTERNS) {
    for (const text of texts) {
      const match = pattern.exec(text);
      if (match?.[1] !== undefined) {
        const port = Number(match[1]);
        if (port >= 1 && port <= 65535) return port;
      }
    }
  }
  return undefined;
};

const ENTRY_SCRIPTS = ['app.py', 'main.py', '__main__.py', 'server.py', 'run.py'];

const MAIN_GUARD = /^if\s+__name__\s*==\s*["']__main__["']\s*:/m;

/** The source file of a module, at the top or under src/, if the project has it. */
const moduleFile = (files: ProjectFiles, module: string): string | undefined => {
  const path = module.replace(/\./g, '/');
  return [`${path}.py`, `src/${path}.py`].find((file) => files.has(file));
};

const findEntry = (files: ProjectFiles, pyproject: Pyproject | undefined): string | undefined => {
  const script = ENTRY_SCRIPTS.find((candidate) => files.has(candidate));
  if (script !== undefined) return script;
  // A console script of pyproject.toml (`shop = "shop.cli:main"`) runs as `-m shop.cli` when that module
  // has a __main__ guard; a package with __main__.py runs as `-m shop`.
  for (const consoleScript of pyproject?.scripts ?? []) {
    const file = moduleFile(files, consoleScript.module);
    if (file !== undefined && MAIN_GUARD.test(files.read(file) ?? '')) return `-m ${consoleScript.module}`;
  }
  const main = files.paths.find((file) => /^(?:src\/)?[A-Za-z_][A-Za-z0-9_]*\/__main__\.py$/.test(file));
  return main === undefined ? undefined : `-m ${main.replace(/^src\//, '').split('/')[0] ?? ''}`;
};

/** The files to look for a port in: the usual entry points, process files, and the detected entry. */
const portSources = (files: ProjectFiles, entry: string | undefined): string[] => {
  const entryFile = entry?.startsWith('-m ') ? moduleFile(files, entry.slice(3)) : undefined;
  return ['app.py', 'main.py', 'server.py', 'run.py', 'wsgi.py', 'asgi.py', 'Procfile', '.env.example']
    .concat(entryFile === undefined ? [] : [entryFile])
    .map((file) => files.read(file))
    .filter((text): text is string => text !== undefined);
};

export const detectProject = (root: string): ProjectFacts => {
  const files = new ProjectFiles(root);
  const document = files.toml('pyproject.toml');
  const pyproject = document === undefined ? undefined : readPyproject(document);
  const notebooks = files.paths.filter((file) => file.endsWith('.ipynb'));
  const hasPython = files.paths.some((file) => file.endsWith('.py'));
  const entry = findEntry(files, pyproject);
  const port = findPort(portSources(files, entry));
  const [notebook] = notebooks;
  const dependencies = detectDependencies(files, pyproject);
  return {
    folderName: files.folderName,
    ...(pyproject?.name !== undefined ? { projectName: pyproject.name } : {}),
    paths: files.paths,
    hasPython,
    notebookProject: notebooks.length > 0 && !hasPython,
    notebooks,
    ...(notebook !== undefined ? { notebookEntry: { value: notebook, why: 'the first notebook' } } : {}),
    ...(entry !== undefined ? { entry: { value: entry, why: `${entry} is there` } } : {}),
    ...(port !== undefined ? { port: { value: port, why: 'named in the code' } } : {}),
    oneOffs: [],
    dotenv: files.has('.env'),
    // compose.yaml is the file the generator writes (and guards like any other); these others it would shadow.
    composeFiles: ['compose.yml', 'docker-compose.yml', 'docker-compose.yaml'].filter((file) => files.has(file)),
    dependencies,
    ...(pyproject !== undefined ? { pyproject } : {}),
    warnings: [...files.warnings, ...dependencies.warnings],
  };
};
