/**
 * Detection: what an existing project already tells us. The facts become defaults (shown as detected in the
 * prompts) and decide how dependencies are installed. Reading is confined to a few well-known files and a
 * shallow walk; nothing here writes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { parsePyproject, type Pyproject } from './pyproject.js';

export interface ProjectFacts {
  /** The project folder's name. */
  readonly folderName: string;
  /** `[project] name` of pyproject.toml. */
  readonly projectName?: string;
  /** Any Python source at the top levels (not counting notebooks). */
  readonly hasPython: boolean;
  /** Notebooks, relative POSIX paths, sorted, checkpoints excluded. */
  readonly notebooks: readonly string[];
  /** The entry the project suggests: `app.py`, `main.py`, `-m pkg` for a package with `__main__.py`. */
  readonly entry?: string;
  /** A port found in the obvious places. */
  readonly port?: number;
  /** A requirements.txt at the top: dependencies install from it. */
  readonly requirements: boolean;
  readonly pyproject?: Pyproject;
}

const SKIP_DIRS = new Set([
  '.git',
  '.hg',
  '.venv',
  'venv',
  'env',
  '.env',
  'node_modules',
  '__pycache__',
  '.ipynb_checkpoints',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  'build',
  'dist',
  'site-packages',
]);

const MAX_DEPTH = 3;
const MAX_FILES = 2000;

/** Relative POSIX paths of files under root, shallow and bounded. */
const listFiles = (root: string): string[] => {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > MAX_DEPTH || found.length >= MAX_FILES) return;
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const entry of entries) {
      if (found.length >= MAX_FILES) return;
      const full = join(dir, entry);
      let isDir = false;
      try {
        isDir = statSync(full).isDirectory();
      } catch {
        continue;
      }
      if (isDir) {
        if (!SKIP_DIRS.has(entry) && !entry.startsWith('.')) walk(full, depth + 1);
      } else {
        found.push(relative(root, full).split(sep).join('/'));
      }
    }
  };
  walk(root, 0);
  return found;
};

const readText = (path: string): string | undefined => {
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > 512 * 1024) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** Patterns that name a port in the obvious places; the first match wins. */
const PORT_PATTERNS: readonly RegExp[] = [
  /\b(?:uvicorn|hypercorn)\b[^\n]*--port[= ]+(\d{2,5})/,
  /\bgunicorn\b[^\n]*(?:-b|--bind)[= ]+["']?(?:[\w.[\]:-]*:)?(\d{2,5})/,
  /\bflask\b[^\n]*\brun\b[^\n]*(?:-p|--port)[= ]+(\d{2,5})/,
  /\bPORT\b["']?\s*[,:=]\s*["']?(\d{2,5})/,
  /\bPORT\b["']?\s*\)?\s*(?:or|\|\|)\s*["']?(\d{2,5})/,
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
const moduleFile = (root: string, files: readonly string[], module: string): string | undefined => {
  const path = module.replace(/\./g, '/');
  const found = [`${path}.py`, `src/${path}.py`].find((file) => files.includes(file));
  return found === undefined ? undefined : join(root, found);
};

const findEntry = (root: string, files: readonly string[], pyproject: Pyproject | undefined): string | undefined => {
  const script = ENTRY_SCRIPTS.find((candidate) => files.includes(candidate));
  if (script !== undefined) return script;
  // A console script of pyproject.toml (`shop = "shop.cli:main"`) runs as `-m shop.cli` when that module
  // has a __main__ guard; a package with __main__.py runs as `-m shop`.
  for (const consoleScript of pyproject?.scripts ?? []) {
    const file = moduleFile(root, files, consoleScript.module);
    if (file !== undefined && MAIN_GUARD.test(readText(file) ?? '')) return `-m ${consoleScript.module}`;
  }
  const main = files.find((file) => /^(?:src\/)?[A-Za-z_][A-Za-z0-9_]*\/__main__\.py$/.test(file));
  return main === undefined ? undefined : `-m ${main.replace(/^src\//, '').split('/')[0] ?? ''}`;
};

/** The files to look for a port in: the usual entry points, process files, and the detected entry. */
const portSources = (root: string, files: readonly string[], entry: string | undefined): string[] => {
  const entryFile = entry?.startsWith('-m ') ? moduleFile(root, files, entry.slice(3)) : undefined;
  return ['app.py', 'main.py', 'server.py', 'run.py', 'wsgi.py', 'asgi.py', 'Procfile', '.env.example', 'README.md']
    .map((file) => join(root, file))
    .concat(entryFile === undefined ? [] : [entryFile])
    .map((file) => readText(file))
    .filter((text): text is string => text !== undefined);
};

export const detectProject = (root: string): ProjectFacts => {
  const files = listFiles(root);
  const pyprojectText = readText(join(root, 'pyproject.toml'));
  const pyproject = pyprojectText === undefined ? undefined : parsePyproject(pyprojectText);
  const notebooks = files.filter((file) => file.endsWith('.ipynb'));
  const hasPython = files.some((file) => file.endsWith('.py'));
  const entry = findEntry(root, files, pyproject);
  const port = findPort(portSources(root, files, entry));
  const requirements = existsSync(join(root, 'requirements.txt'));
  return {
    folderName: basename(root),
    ...(pyproject?.name !== undefined ? { projectName: pyproject.name } : {}),
    hasPython,
    notebooks,
    ...(entry !== undefined ? { entry } : {}),
    ...(port !== undefined ? { port } : {}),
    requirements,
    ...(pyproject !== undefined ? { pyproject } : {}),
  };
};
