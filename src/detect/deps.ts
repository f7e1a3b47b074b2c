/**
 * How a project declares and locks its dependencies: the lock files of uv, Poetry, pdm and pipenv;
 * requirements files with every file they include (`-r`, `-c`) and whether they carry hashes; whether the
 * project itself installs (pyproject.toml, setup.py, setup.cfg); and the name of every package it declares or
 * locks (so the Dockerfile knows whether the server it runs under must be added).
 *
 * The detected `--deps` answer: a lock wins (uv, Poetry, pdm, pipenv, in that order, with a warning naming the
 * others), then the best requirements file, then an installable project (`pip`), else `none`.
 */
import { posix } from 'node:path';
import type { DependencyFacts, Detected, RequirementsFile } from './facts.js';
import { strings, table, text, type ProjectFiles } from './files.js';
import type { Pyproject } from './pyproject.js';
import { COMPILER_PACKAGE } from '../catalogue.js';

/** The managers that keep a lock file, in the order one is chosen when several locks are there. */
export const LOCKED_MANAGERS = ['uv', 'poetry', 'pdm', 'pipenv'] as const;
export type LockedManager = (typeof LOCKED_MANAGERS)[number];

export const isLockedManager = (value: string): value is LockedManager =>
  (LOCKED_MANAGERS as readonly string[]).includes(value);

export const LOCK_FILES: Readonly<Record<LockedManager, string>> = {
  uv: 'uv.lock',
  poetry: 'poetry.lock',
  pdm: 'pdm.lock',
  pipenv: 'Pipfile.lock',
};

/** The manifest each manager's lock goes with. */
export const MANIFESTS: Readonly<Record<LockedManager, string>> = {
  uv: 'pyproject.toml',
  poetry: 'pyproject.toml',
  pdm: 'pyproject.toml',
  pipenv: 'Pipfile',
};

/** PEP 503 normalised package name. */
export const normaliseName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

/** The project name of a PEP 508 requirement (`Flask[async]>=3; python_version>"3.8"` -> `flask`). */
export const requirementName = (requirement: string): string | undefined => {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement);
  return match?.[1] === undefined ? undefined : normaliseName(match[1]);
};

/** The extras a requirement asks for (`uvicorn[standard] (>=0.12.0)` -> standard), normalised. */
const requirementExtras = (requirement: string): string[] =>
  (/^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*\[([^\]]*)\]/.exec(requirement)?.[1] ?? '')
    .split(',')
    .map((extra) => normaliseName(extra.trim()))
    .filter((extra) => extra !== '');

/**
 * Servers a package's extras install: `fastapi[standard]` brings uvicorn (and the `fastapi` command), so a
 * project that declares it declares its server too, and the image must not install another pin of it.
 */
const EXTRAS_BRING: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  fastapi: {
    standard: ['uvicorn', 'fastapi-cli'],
    'standard-no-fastapi-cloud-cli': ['uvicorn', 'fastapi-cli'],
    all: ['uvicorn', 'fastapi-cli'],
  },
  'fastapi-slim': { standard: ['uvicorn', 'fastapi-cli'], all: ['uvicorn', 'fastapi-cli'] },
  litestar: { standard: ['uvicorn'] },
};

/**
 * What a PEP 508 requirement installs, by name: its project and what its extras bring that the generator
 * cares about (`FastAPI[standard]>=0.115` -> fastapi, uvicorn, fastapi-cli).
 */
export const requirementNames = (requirement: string): string[] => {
  const name = requirementName(requirement);
  if (name === undefined) return [];
  const brought = requirementExtras(requirement).flatMap((extra) => EXTRAS_BRING[name]?.[extra] ?? []);
  return [name, ...brought];
};

/** A requirements file at the top (`requirements*.txt`) or in a `requirements/` folder. */
export const isRequirementsFile = (path: string): boolean =>
  /^requirements[^/]*\.txt$/i.test(path) || /^requirements\/[^/]+\.txt$/i.test(path);

/** Files of this name pattern are development-only requirements, never the default. */
const DEV_ONLY =
  /(?:^|[-_/.])(?:dev|develop|development|test|tests|testing|lint|docs?|ci|local|tox|typing)(?:[-_/.]|$)/i;

/**
 * How likely a requirements file is the one the image installs: lower is better. A file named for production
 * says so outright (a top requirements.txt beside it is often a development freeze); then requirements.txt.
 */
const rank = (file: string): number => {
  if (/(?:^|\/)(?:prod|production|requirements-prod|requirements\.prod|requirements_prod)[^/]*\.txt$/i.test(file))
    return 0;
  if (file === 'requirements.txt') return 1;
  if (/^requirements\/(?:base|common|main|requirements)\.txt$/i.test(file)) return 2;
  if (/^requirements\.in$/i.test(file)) return 9;
  return 5;
};

/**
 * Packages PyPI has no Linux wheel of (they compile on every Python), with the Debian packages their build and
 * their run need. Locks that list files (uv, Poetry, pdm) say this themselves (src/detect/wheels.ts).
 */
const BUILDS_FROM_SOURCE: Readonly<
  Record<string, { readonly build: string; readonly run?: string; readonly wheeled?: string }>
> = {
  psycopg2: { build: 'libpq-dev', run: 'libpq5', wheeled: 'psycopg2-binary' },
  mysqlclient: { build: 'default-libmysqlclient-dev pkg-config', run: 'libmariadb3' },
  'python-ldap': { build: 'libldap2-dev libsasl2-dev' },
  uwsgi: { build: '' },
};

/** What a declared package needs that the slim images lack, as warnings naming the option that gives it. */
const packageHints = (declared: ReadonlySet<string>, manager: string): string[] => {
  const hints: string[] = [];
  const listsFiles = isLockedManager(manager) && manager !== 'pipenv';
  for (const [name, needs] of Object.entries(BUILDS_FROM_SOURCE)) {
    if (listsFiles || !declared.has(name)) continue;
    hints.push(
      `${name} has no Linux wheel on PyPI: it compiles in the build, which needs --buildpackages ` +
        `${[COMPILER_PACKAGE, needs.build].join(' ').trim()}` +
        (needs.run === undefined ? '' : `, and --packages ${needs.run} to run`) +
        (needs.wheeled === undefined ? '' : ` (or depend on ${needs.wheeled} instead)`),
    );
  }
  for (const name of ['opencv-python', 'opencv-contrib-python']) {
    if (!declared.has(name)) continue;
    hints.push(
      `${name} loads libGL when imported, which slim images lack: depend on ${name}-headless, or pass ` +
        '--packages libgl1 libglib2.0-0',
    );
  }
  return hints;
};

/** Folders whose requirements file is not the app's: examples, docs, scripts, tests, hidden folders. */
const NOT_THE_APP = /^(?:examples?|docs?|samples?|scripts|tools|benchmarks?|tests?|\.[^/]*)\//i;

/** Includes of a requirements file: `-r x`, `--requirement x`, `-c x`, `--constraint=x`. */
const INCLUDE = /^\s*(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)/;

/** A line that installs a local path (the project itself): it cannot install before the source is there. */
const LOCAL_REFERENCE = /^\s*(?:-e\s+|--editable(?:\s+|=))?(?:\.{1,2}(?:\/\S*)?|file:\S+)\s*(?:#.*)?$/;

/** Requirement names, includes and flags of one requirements file, following its includes inside the project. */
export const readRequirements = (
  files: ProjectFiles,
  file: string,
): { requirements: RequirementsFile; names: string[]; localReferences: boolean; vcs: string[] } | undefined => {
  if (!files.has(file)) return undefined;
  const closure: string[] = [];
  const names: string[] = [];
  /** Requirements fetched with a version control tool (`pkg @ git+https://...`, `-e git+...`). */
  const vcs: string[] = [];
  let hashes = false;
  let localReferences = false;
  const visit = (path: string, depth: number): void => {
    if (closure.includes(path) || depth > 10 || closure.length >= 50) return;
    const content = files.read(path);
    if (content === undefined) return;
    closure.push(path);
    for (const raw of content.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
      const line = raw.replace(/(?:^|\s)#.*$/, '').trim();
      if (line === '') continue;
      if (line.includes('--hash')) hashes = true;
      const include = INCLUDE.exec(line);
      if (include?.[1] !== undefined) {
        const target = posix.normalize(posix.join(posix.dirname(path), include[1]));
        if (!target.startsWith('../') && files.has(target)) visit(target, depth + 1);
        continue;
      }
      if (LOCAL_REFERENCE.test(line)) {
        localReferences = true;
        continue;
      }
      if (/(?:^|[\s@=])(?:git|hg|svn|bzr)\+/.test(line)) vcs.push(line.slice(0, 80));
      if (line.startsWith('-')) continue;
      names.push(...requirementNames(line));
    }
  };
  visit(file, 0);
  if (closure.length === 0) return undefined;
  return { requirements: { file, closure, hashes }, names, localReferences, vcs };
};

/** The `[[package]]` tables of a TOML lock. */
const lockPackages = (document: Record<string, unknown>): Record<string, unknown>[] =>
  (Array.isArray(document.package) ? document.package : [])
    .map((entry) => table(entry))
    .filter((entry): entry is Record<string, unknown> => entry !== undefined);

/** A package a lock installs, by normalised name, with the extras asked of it. */
interface Wanted {
  readonly name: string;
  readonly extras: readonly string[];
}

/** A PEP 508 requirement as a wanted package. */
const wantedOf = (requirement: string): Wanted[] => {
  const name = requirementName(requirement);
  return name === undefined ? [] : [{ name, extras: requirementExtras(requirement) }];
};

/**
 * The packages a lock installs from `roots`: each root, what it depends on and what the extras asked of it
 * bring, transitively, as the tool resolves them. `dependenciesOf(entry, parts)` says what a package brings for
 * each part asked: `''` for the package itself, else an extra's name.
 */
const lockClosure = (
  packages: readonly Record<string, unknown>[],
  roots: readonly Wanted[],
  dependenciesOf: (entry: Record<string, unknown>, parts: readonly string[]) => Wanted[],
): Record<string, unknown>[] => {
  const byName = new Map(packages.map((entry) => [normaliseName(text(entry.name) ?? ''), entry]));
  /** The parts of each package already followed. */
  const followed = new Map<string, Set<string>>();
  const queue = [...roots];
  for (let steps = 0; queue.length > 0 && steps < 100_000; steps++) {
    const wanted = queue.shift();
    const entry = wanted === undefined ? undefined : byName.get(wanted.name);
    if (wanted === undefined || entry === undefined) continue;
    const seen = followed.get(wanted.name) ?? new Set<string>();
    const parts = ['', ...wanted.extras].filter((part) => !seen.has(part));
    if (parts.length === 0) continue;
    for (const part of parts) seen.add(part);
    followed.set(wanted.name, seen);
    queue.push(...dependenciesOf(entry, parts));
  }
  return [...followed.keys()]
    .map((name) => byName.get(name))
    .filter((entry): entry is Record<string, unknown> => entry !== undefined);
};

/** uv.lock's `{ name = ..., extra = [...] }` dependency entries. */
const uvWanted = (value: unknown): Wanted[] =>
  (Array.isArray(value) ? value : []).flatMap((item) => {
    const entry = table(item);
    const name = text(entry?.name);
    return name === undefined ? [] : [{ name: normaliseName(name), extras: strings(entry?.extra).map(normaliseName) }];
  });

/** A uv.lock source that is a folder of the project (`{ editable = "backend" }`, `{ virtual = "." }`). */
const uvLocalFolder = (entry: Record<string, unknown>): string | undefined => {
  const source = table(entry.source);
  const folder = text(source?.editable) ?? text(source?.virtual);
  return folder === undefined || folder.startsWith('/') || folder.startsWith('..') ? undefined : folder;
};

/**
 * What uv.lock installs without the dev group (what `uv sync --no-dev` installs), from its roots: the project
 * (`source = { editable | virtual = "." }`); in a workspace whose root is no project (no `[project]` table), its
 * members (`[manifest] members`, else the folders of the project it locks), as `uv sync` there installs them all.
 * Each root's dependencies, and theirs with the extras asked (`fastapi[standard]` brings uvicorn), transitively;
 * dev groups and extras nobody asks for are left out.
 */
const uvMain = (
  document: Record<string, unknown>,
  packages: readonly Record<string, unknown>[],
): Record<string, unknown>[] => {
  const project = packages.filter((entry) => uvLocalFolder(entry) === '.');
  const members = new Set(strings(table(document.manifest)?.members).map(normaliseName));
  const roots =
    project.length > 0
      ? project
      : members.size > 0
        ? packages.filter((entry) => members.has(normaliseName(text(entry.name) ?? '')))
        : packages.filter((entry) => uvLocalFolder(entry) !== undefined);
  return lockClosure(
    packages,
    roots.map((entry) => ({ name: normaliseName(text(entry.name) ?? ''), extras: [] })),
    (entry, parts) =>
      parts.flatMap((part) =>
        uvWanted(part === '' ? entry.dependencies : table(entry['optional-dependencies'])?.[part]),
      ),
  );
};

/**
 * Poetry's dependency specifications of one name (`"^1.0"`, `{ version = ..., extras = [...], optional = true }`,
 * or a list of them under markers) as a wanted package; none when every one is optional (an extra's package).
 */
const poetryWanted = (name: string, spec: unknown): Wanted[] => {
  const specs = Array.isArray(spec) ? spec : [spec];
  if (specs.every((item) => table(item)?.optional === true)) return [];
  return [
    { name: normaliseName(name), extras: specs.flatMap((item) => strings(table(item)?.extras)).map(normaliseName) },
  ];
};

/**
 * What `poetry install --only main` installs from a lock that marks no package with its group (Poetry 1.5 to
 * 1.8 write lock-version 2.0 without `groups` or `category`): the main dependencies of pyproject.toml
 * (`[tool.poetry.dependencies]` but `python` and the optional ones, which only an extra installs; or
 * `[project] dependencies`), then each locked package's `[package.dependencies]` that are not optional, and what
 * the extras asked of it bring (`[package.extras]`), transitively.
 */
const poetryMain = (
  pyproject: Record<string, unknown> | undefined,
  packages: readonly Record<string, unknown>[],
): Record<string, unknown>[] => {
  const poetry = table(table(pyproject?.tool)?.poetry);
  const roots = [
    ...Object.entries(table(poetry?.dependencies) ?? {})
      .filter(([name]) => name.toLowerCase() !== 'python')
      .flatMap(([name, spec]) => poetryWanted(name, spec)),
    ...strings(table(pyproject?.project)?.dependencies).flatMap(wantedOf),
  ];
  return lockClosure(packages, roots, (entry, parts) =>
    parts.flatMap((part) =>
      part === ''
        ? Object.entries(table(entry.dependencies) ?? {}).flatMap(([name, spec]) => poetryWanted(name, spec))
        : strings(table(entry.extras)?.[part]).flatMap(wantedOf),
    ),
  );
};

/** Whether a Poetry or pdm lock entry belongs to the main (default) group; old locks with `category` say so too. */
const inMainGroup = (entry: Record<string, unknown>, main: string): boolean => {
  const groups = Array.isArray(entry.groups) ? entry.groups : undefined;
  if (groups !== undefined) return groups.includes(main);
  const category = text(entry.category);
  return category === undefined || category === main;
};

/**
 * The `[[package]]` tables of what a TOML lock (uv, Poetry, pdm) installs for the image: its main or default
 * group. Undefined when the lock does not parse.
 */
export const mainLockPackages = (
  files: ProjectFiles,
  manager: Exclude<LockedManager, 'pipenv'>,
): Record<string, unknown>[] | undefined => {
  const document = files.toml(LOCK_FILES[manager]);
  if (document === undefined) return undefined;
  const packages = lockPackages(document);
  if (manager === 'uv') return uvMain(document, packages);
  if (manager === 'poetry' && !packages.some((entry) => entry.groups !== undefined || entry.category !== undefined)) {
    return poetryMain(files.toml('pyproject.toml'), packages);
  }
  const main = manager === 'poetry' ? 'main' : 'default';
  return packages.filter((entry) => inMainGroup(entry, main));
};

/**
 * The names of what a lock installs for the image (its main or default group): uv, Poetry and pdm from their
 * `[[package]]` tables, pipenv from Pipfile.lock's `default`. Undefined when the lock does not parse.
 */
const lockedNames = (files: ProjectFiles, manager: LockedManager): string[] | undefined => {
  if (manager === 'pipenv') {
    const json = table(files.json(LOCK_FILES.pipenv));
    if (json === undefined) return undefined;
    return Object.keys(table(json.default) ?? {}).map(normaliseName);
  }
  return mainLockPackages(files, manager)
    ?.map((entry) => text(entry.name))
    .filter((name): name is string => name !== undefined)
    .map(normaliseName);
};

/** Keys of a tool's table in pyproject.toml that say which packages a wheel holds. */
const PACKAGING_KEYS: readonly (readonly string[])[] = [
  ['poetry', 'packages'],
  ['setuptools', 'packages'],
  ['setuptools', 'py-modules'],
  ['hatch', 'build', 'targets', 'wheel', 'packages'],
  ['hatch', 'build', 'targets', 'wheel', 'only-include'],
  ['hatch', 'build', 'packages'],
  ['flit', 'module'],
  ['pdm', 'build', 'package-dir'],
  ['pdm', 'build', 'includes'],
  ['maturin'],
];

/**
 * Whether `pip install .` (or the lock tool) can install the project itself: a setup.py; or a build backend with
 * something to package (packaging configured, or a package or module named after the project at the top or
 * under src/), unless Poetry's `package-mode = false` or uv's `package = false` says it is not a package.
 * A Django site or a script folder with a build-system table but no package would fail to build.
 */
const installsItself = (files: ProjectFiles, pyproject: Pyproject | undefined): boolean => {
  if (files.has('setup.py')) return true;
  if (pyproject?.buildBackend === undefined) return false;
  const tool = table(pyproject.document.tool);
  if (table(tool?.poetry)?.['package-mode'] === false || table(tool?.uv)?.package === false) return false;
  const configured = PACKAGING_KEYS.some((path) => {
    let value: unknown = tool;
    for (const key of path) value = table(value)?.[key];
    return value !== undefined;
  });
  if (configured) return true;
  if (pyproject.name === undefined) return false;
  const module = pyproject.name.toLowerCase().replace(/[-.]+/g, '_');
  return ['', 'src/'].some((root) => files.has(`${root}${module}/__init__.py`) || files.has(`${root}${module}.py`));
};

/** Names a Pipfile's `[packages]` declares. */
const pipfileNames = (files: ProjectFiles): string[] =>
  Object.keys(table(files.toml('Pipfile')?.packages) ?? {}).map(normaliseName);

export const detectDependencies = (files: ProjectFiles, pyproject: Pyproject | undefined): DependencyFacts => {
  const declared = new Set<string>();
  const warnings: string[] = [];
  for (const requirement of pyproject?.dependencies ?? [])
    for (const name of requirementNames(requirement)) declared.add(name);

  // Locks: present, and whether they parse.
  const locks: Partial<Record<LockedManager, string>> = {};
  const lockErrors: Partial<Record<LockedManager, string>> = {};
  for (const manager of LOCKED_MANAGERS) {
    const file = LOCK_FILES[manager];
    if (!files.has(file)) continue;
    locks[manager] = file;
    const before = files.warnings.length;
    const names = lockedNames(files, manager);
    if (names === undefined) {
      lockErrors[manager] = files.warnings.slice(before).join('; ') || `${file} could not be read`;
    } else {
      for (const name of names) declared.add(name);
    }
    if (!files.has(MANIFESTS[manager])) {
      lockErrors[manager] ??= `${file} is there without ${MANIFESTS[manager]}, which ${manager} needs beside it`;
    }
  }
  if (locks.pipenv !== undefined) for (const name of pipfileNames(files)) declared.add(name);

  // Requirements files: top-level requirements*.txt and requirements/*.txt, most likely first.
  const candidates = files.paths.filter(isRequirementsFile).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const requirements: RequirementsFile[] = [];
  const localReferences: string[] = [];
  const namesOf = new Map<string, readonly string[]>();
  const vcsOf = new Map<string, readonly string[]>();
  for (const candidate of candidates) {
    const read = readRequirements(files, candidate);
    if (read === undefined) continue;
    requirements.push(read.requirements);
    namesOf.set(candidate, read.names);
    vcsOf.set(candidate, read.vcs);
    if (read.localReferences) localReferences.push(candidate);
  }
  // The image's file: the likeliest one that includes no development file (cookiecutter-django's top
  // requirements.txt is `-r requirements/local.txt`, with pytest and the debug toolbar); failing that, the
  // likeliest whose own name is not a development one.
  const clean = requirements.filter((file) => !file.closure.some((path) => DEV_ONLY.test(path)));
  const best = clean[0] ?? requirements.find((file) => !DEV_ONLY.test(file.file));
  for (const file of best === undefined || clean.includes(best) ? clean : [best]) {
    for (const name of namesOf.get(file.file) ?? []) declared.add(name);
  }

  const installable = installsItself(files, pyproject);
  const present = LOCKED_MANAGERS.filter((manager) => locks[manager] !== undefined);
  const [chosen, ...others] = present;
  let detected: Detected<string>;
  if (chosen !== undefined) {
    detected = { value: chosen, why: `${LOCK_FILES[chosen]} locks the dependencies` };
    if (others.length > 0) {
      warnings.push(
        `${[chosen, ...others].map((manager) => LOCK_FILES[manager]).join(' and ')} are both here: ` +
          `using ${LOCK_FILES[chosen]}; pass ${others.map((manager) => `--deps ${manager}`).join(' or ')} to use the other`,
      );
    }
  } else {
    if (best !== undefined) {
      const fetched = vcsOf.get(best.file) ?? [];
      if (fetched.length > 0) {
        warnings.push(
          `${best.file} installs ${fetched.length === 1 ? 'a package' : `${String(fetched.length)} packages`} from ` +
            `version control (${fetched[0] ?? ''}): pip needs git for it, which the slim builder lacks: pass --buildpackages git`,
        );
      }
      const dev = best.closure.filter((path) => DEV_ONLY.test(path));
      if (dev.length > 0) {
        warnings.push(
          `${best.file} includes ${dev.join(', ')}, named for development: the image installs those packages too; ` +
            'pass --deps with a file of the production ones',
        );
      }
      detected = {
        value: best.file,
        why:
          best.closure.length > 1
            ? `${best.file} lists the dependencies (with ${best.closure.slice(1).join(', ')})`
            : `${best.file} lists the dependencies`,
      };
    } else if (pyproject !== undefined || files.has('setup.py') || files.has('setup.cfg')) {
      const manifest = pyproject !== undefined ? 'pyproject.toml' : files.has('setup.cfg') ? 'setup.cfg' : 'setup.py';
      detected = { value: 'pip', why: `${manifest} declares the project and its dependencies` };
    } else {
      // Last, a requirements file one folder down (an app in backend/ or api/, with its own requirements.txt):
      // pip reads it from there, with what it includes.
      const nested = files.paths
        .filter((path) => /^[^/]+\/requirements[^/]*\.txt$/i.test(path) && !/^requirements\//i.test(path))
        .filter((path) => !NOT_THE_APP.test(path) && !DEV_ONLY.test(path))
        .sort((a, b) => rank(a.slice(a.indexOf('/') + 1)) - rank(b.slice(b.indexOf('/') + 1)) || a.localeCompare(b))
        .map((path) => readRequirements(files, path))
        .find((read) => read !== undefined);
      if (nested !== undefined) {
        requirements.push(nested.requirements);
        if (nested.localReferences) localReferences.push(nested.requirements.file);
        for (const name of nested.names) declared.add(name);
        detected = {
          value: nested.requirements.file,
          why: `${nested.requirements.file} lists the dependencies (the only requirements file)`,
        };
      } else {
        detected = { value: 'none', why: 'no lock file, requirements file or pyproject.toml' };
      }
    }
  }

  warnings.push(...packageHints(declared, detected.value));
  return {
    detected,
    requirements,
    locks,
    lockErrors,
    localReferences,
    installable,
    setupCfg: files.has('setup.cfg'),
    setupPy: files.has('setup.py'),
    declared: [...declared].sort(),
    warnings,
  };
};
