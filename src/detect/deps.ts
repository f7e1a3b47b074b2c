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
import { satisfies, validRange } from '@renovatebot/pep440';
import type { DependencyFacts, Detected, RequirementsFile } from './facts.js';
import { strings, table, text, type ProjectFiles } from './files.js';
import type { Pyproject } from './pyproject.js';
import { COMPILER_PACKAGE, DEBIAN, DEBIAN_LIBRARIES, TOOLS, type DebianLibrary } from '../catalogue.js';

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
 * Packages PyPI has no Linux wheel of (they compile on every Python), with the Debian libraries their build and
 * their run need. A lock that lists files (uv, Poetry, pdm) also says which of its packages have no wheel
 * (src/detect/wheels.ts); these name the libraries.
 */
const BUILDS_FROM_SOURCE: Readonly<
  Record<
    string,
    { readonly build: readonly DebianLibrary[]; readonly run?: readonly DebianLibrary[]; readonly wheeled?: string }
  >
> = {
  psycopg2: { build: ['libpq-dev'], run: ['libpq5'], wheeled: 'psycopg2-binary' },
  mysqlclient: { build: ['default-libmysqlclient-dev', 'pkg-config'], run: ['libmariadb3'] },
  'python-ldap': { build: ['libldap-dev', 'libsasl2-dev'] },
  uwsgi: { build: [] },
};

/**
 * Packages that load a system library the slim images lack when they are imported (the app then fails at start,
 * or on every request: python-magic in saleor and paperless), with the Debian libraries that have it, and the
 * twin of the package that brings its own, if there is one.
 */
const LOADS_LIBRARY: Readonly<
  Record<string, { readonly library: string; readonly packages: readonly DebianLibrary[]; readonly twin?: string }>
> = {
  'opencv-python': { library: 'libGL', packages: ['libgl1', 'libglib'], twin: 'opencv-python-headless' },
  'opencv-contrib-python': {
    library: 'libGL',
    packages: ['libgl1', 'libglib'],
    twin: 'opencv-contrib-python-headless',
  },
  'python-magic': { library: 'libmagic', packages: ['libmagic'] },
  weasyprint: { library: 'Pango', packages: ['libpango-1.0-0', 'libpangoft2-1.0-0', 'libharfbuzz-subset0'] },
};

/**
 * Debian packages as --packages and --buildpackages take them: pinned for the newest release, then for each
 * older one whose pins differ (`libmagic1t64=1:5.* (bookworm: libmagic1=1:5.*)`).
 */
export const debianPackages = (libraries: readonly DebianLibrary[], fixed: readonly string[] = []): string => {
  const on = (release: string): string =>
    [...fixed, ...libraries.map((library) => (DEBIAN_LIBRARIES[library] as Readonly<Record<string, string>>)[release])]
      .filter((pin) => pin !== undefined)
      .join(',');
  const [newest = '', ...older] = Object.keys(DEBIAN);
  const differing = older.filter((release) => on(release) !== on(newest));
  return differing.length === 0
    ? on(newest)
    : `${on(newest)} (${differing.map((release) => `${release}: ${on(release)}`).join('; ')})`;
};

/** What installed packages need that the slim images lack, as warnings naming the option that gives it. */
const packageHints = (installed: ReadonlySet<string>): string[] => {
  const hints: string[] = [];
  for (const [name, needs] of Object.entries(BUILDS_FROM_SOURCE)) {
    if (!installed.has(name)) continue;
    hints.push(
      `${name} has no Linux wheel on PyPI: it compiles in the build, which needs --buildpackages ` +
        debianPackages(needs.build, [COMPILER_PACKAGE]) +
        (needs.run === undefined ? '' : `, and --packages ${debianPackages(needs.run)} to run`) +
        (needs.wheeled === undefined ? '' : ` (or depend on ${needs.wheeled} instead)`),
    );
  }
  for (const [name, needs] of Object.entries(LOADS_LIBRARY)) {
    if (!installed.has(name)) continue;
    hints.push(
      `${name} loads ${needs.library} when imported, which slim images lack: ` +
        (needs.twin === undefined ? '' : `depend on ${needs.twin}, or `) +
        `pass --packages ${debianPackages(needs.packages)}`,
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

/**
 * The packages a lock fetches from git for the image (main/default group): pipenv's `default` entries with a
 * `git` key, uv/pdm entries with a git source. Poetry's are left out: it fetches them itself (dulwich).
 */
export const gitLockedNames = (files: ProjectFiles, manager: LockedManager): string[] => {
  if (manager === 'poetry') return [];
  if (manager === 'pipenv') {
    const locked = table(table(files.json(LOCK_FILES.pipenv))?.default) ?? {};
    return Object.entries(locked)
      .filter(([, entry]) => text(table(entry)?.git) !== undefined)
      .map(([name]) => name);
  }
  return (mainLockPackages(files, manager) ?? [])
    .filter((entry) => text(table(entry.source)?.git) !== undefined || text(entry.git) !== undefined)
    .map((entry) => text(entry.name) ?? '?');
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

/**
 * The packages a uv.lock or poetry.lock installs from a path of the project, the project itself and uv
 * workspace members aside: uv's `{ path | directory | editable | virtual = "..." }` sources, Poetry's
 * `[package.source] type = "directory"`. Every one of them, whatever its group: `uv sync --locked` checks the
 * whole lock against their pyproject.toml.
 */
const localLockPackages = (files: ProjectFiles, manager: 'uv' | 'poetry'): string[] => {
  const document = files.toml(LOCK_FILES[manager]);
  if (document === undefined) return [];
  const members = new Set(strings(table(document.manifest)?.members).map(normaliseName));
  return lockPackages(document)
    .filter((entry) => {
      const source = table(entry.source);
      if (manager === 'poetry') return text(source?.type) === 'directory';
      const path = ['path', 'directory', 'editable', 'virtual'].map((key) => text(source?.[key])).find(Boolean);
      return path !== undefined && path !== '.' && !members.has(normaliseName(text(entry.name) ?? ''));
    })
    .map((entry) => text(entry.name) ?? '?');
};

/** Names a Pipfile's `[packages]` declares. */
const pipfileNames = (files: ProjectFiles): string[] =>
  Object.keys(table(files.toml('Pipfile')?.packages) ?? {}).map(normaliseName);

/**
 * Why pdm cannot export a pdm.lock: one locked without the `inherit_metadata` strategy (before pdm 2.11, whose
 * `[metadata] strategy` lacks it, or has none) has no environment markers, and `pdm export` refuses it ("Can't
 * export a lock file without environment markers"). Undefined when it can.
 */
const pdmExportRefusal = (files: ProjectFiles): string | undefined => {
  const metadata = table(files.toml(LOCK_FILES.pdm)?.metadata);
  if (metadata === undefined || strings(metadata.strategy).includes('inherit_metadata')) return undefined;
  return (
    `pdm.lock was locked without the inherit_metadata strategy, which pdm ${TOOLS.pdm.version} needs to export it: ` +
    're-lock it with `pdm lock --strategy inherit_metadata`'
  );
};

/** A Pipfile without its lock: pipenv installs nothing the image can trust from it. */
const PIPFILE_UNLOCKED = 'Pipfile has no Pipfile.lock: run `pipenv lock` and commit it';

/** The end of a line that stops a run for want of a usable way to install the dependencies. */
const OR_NONE = ' (or pass --deps none to build without them)';

/** Files one folder down that declare or lock an app's dependencies, the most telling first. */
const NESTED_MANIFESTS = [...LOCKED_MANAGERS.map((manager) => LOCK_FILES[manager]), 'pyproject.toml', 'Pipfile'];

/**
 * A lock or manifest one folder down (`backend/uv.lock`), outside examples, docs and tests: the image can only
 * install it from that folder, with that folder as the build context. The line that says so; undefined when
 * there is none.
 */
const nestedManifest = (files: ProjectFiles): string | undefined => {
  const nested = files.paths
    .filter((path) => /^[^/]+\/[^/]+$/.test(path) && !NOT_THE_APP.test(path))
    .map((path) => ({ path, rank: NESTED_MANIFESTS.indexOf(path.slice(path.indexOf('/') + 1)) }))
    .filter((found) => found.rank >= 0)
    .sort((a, b) => a.rank - b.rank || a.path.localeCompare(b.path))[0];
  if (nested === undefined) return undefined;
  const folder = nested.path.slice(0, nested.path.indexOf('/') + 1);
  const locks = nested.rank < LOCKED_MANAGERS.length;
  return `${nested.path} ${locks ? 'locks' : 'declares'} the dependencies: run docker-best in ${folder}${OR_NONE}`;
};

/** Where a project says which versions of its tool it needs: `[tool.uv] required-version`, Poetry 2's `requires-poetry`. */
const TOOL_VERSION_KEYS: Partial<Record<LockedManager, string>> = {
  uv: 'required-version',
  poetry: 'requires-poetry',
};

/**
 * A warning when the project asks for versions of its tool that the catalogue's pin is not: the tool refuses to
 * run then (uv: "Required uv version ... does not match the running version").
 */
export const toolVersionWarning = (pyproject: Pyproject | undefined, manager: LockedManager): string | undefined => {
  const key = TOOL_VERSION_KEYS[manager];
  const wanted = key === undefined ? undefined : text(table(table(pyproject?.document.tool)?.[manager])?.[key]);
  if (key === undefined || wanted === undefined) return undefined;
  const pinned = TOOLS[manager].version;
  const specifier = wanted.trim();
  if (!validRange(specifier) || satisfies(pinned, specifier)) return undefined;
  return (
    `pyproject.toml asks for ${manager} ${specifier} ([tool.${manager}] ${key}), and the image builds with ${manager} ` +
    `${pinned}, the catalogue's pin, which ${manager} refuses to run as: change the version in the generated ` +
    `Dockerfile (${manager === 'uv' ? 'ARG UV_VERSION' : `poetry==${pinned}`}) or the requirement`
  );
};

export const detectDependencies = (files: ProjectFiles, pyproject: Pyproject | undefined): DependencyFacts => {
  const declared = new Set<string>();
  const warnings: string[] = [];
  /** What each way of installing (a `--deps` value) installs, by name, for the hints that name packages. */
  const installs = new Map<string, readonly string[]>();
  /** Warnings that hold only when the dependencies install that way. */
  const byChoice: Record<string, string[]> = {};
  const choiceWarning = (choice: string, warning: string): void => {
    (byChoice[choice] ??= []).push(warning);
  };
  const pyprojectNames = (pyproject?.dependencies ?? []).flatMap(requirementNames);
  for (const name of pyprojectNames) declared.add(name);
  installs.set('pip', pyprojectNames);

  // Locks: present, and whether they parse and can be installed from.
  const locks: Partial<Record<LockedManager, string>> = {};
  const lockErrors: Partial<Record<LockedManager, string>> = {};
  const localPackages: Partial<Record<LockedManager, string[]>> = {};
  const gitPackages: Partial<Record<LockedManager, string[]>> = {};
  for (const manager of LOCKED_MANAGERS) {
    const file = LOCK_FILES[manager];
    if (!files.has(file)) continue;
    locks[manager] = file;
    const before = files.warnings.length;
    const names = lockedNames(files, manager);
    if (names === undefined) {
      lockErrors[manager] =
        `${files.warnings.slice(before).join('; ') || `${file} could not be read`}: fix it (${manager} lock)`;
    } else {
      const all = manager === 'pipenv' ? [...names, ...pipfileNames(files)] : names;
      for (const name of all) declared.add(name);
      installs.set(manager, all);
    }
    if (!files.has(MANIFESTS[manager])) {
      lockErrors[manager] ??=
        `${file} is there without ${MANIFESTS[manager]}, which ${manager} needs beside it: fix it (${manager} lock)`;
    }
    if (manager === 'uv' || manager === 'poetry') {
      const local = localLockPackages(files, manager);
      if (local.length > 0) localPackages[manager] = local;
    }
    const fromGit = gitLockedNames(files, manager);
    if (fromGit.length > 0) gitPackages[manager] = fromGit;
    const exportRefusal = manager === 'pdm' ? pdmExportRefusal(files) : undefined;
    if (exportRefusal !== undefined) lockErrors[manager] ??= exportRefusal;
    const versionWarning = toolVersionWarning(pyproject, manager);
    if (versionWarning !== undefined) choiceWarning(manager, versionWarning);
  }
  const unlockedPipfile = files.has('Pipfile') && locks.pipenv === undefined;
  if (unlockedPipfile) {
    lockErrors.pipenv = PIPFILE_UNLOCKED;
    for (const name of pipfileNames(files)) declared.add(name);
  }

  // Requirements files: top-level requirements*.txt and requirements/*.txt, most likely first.
  const candidates = files.paths.filter(isRequirementsFile).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const requirements: RequirementsFile[] = [];
  const localReferences: string[] = [];
  const vcsOf = new Map<string, readonly string[]>();
  for (const candidate of candidates) {
    const read = readRequirements(files, candidate);
    if (read === undefined) continue;
    requirements.push(read.requirements);
    installs.set(candidate, read.names);
    vcsOf.set(candidate, read.vcs);
    if (read.localReferences) localReferences.push(candidate);
  }
  // The image's file: the likeliest one that includes no development file (cookiecutter-django's top
  // requirements.txt is `-r requirements/local.txt`, with pytest and the debug toolbar); failing that, the
  // likeliest whose own name is not a development one.
  const clean = requirements.filter((file) => !file.closure.some((path) => DEV_ONLY.test(path)));
  const best = clean[0] ?? requirements.find((file) => !DEV_ONLY.test(file.file));
  for (const file of best === undefined || clean.includes(best) ? clean : [best]) {
    for (const name of installs.get(file.file) ?? []) declared.add(name);
  }
  if (best !== undefined) {
    const fetched = vcsOf.get(best.file) ?? [];
    if (fetched.length > 0) {
      choiceWarning(
        best.file,
        `${best.file} installs ${fetched.length === 1 ? 'a package' : `${String(fetched.length)} packages`} from ` +
          `version control (${fetched[0] ?? ''}): pip needs git for it, which the slim builder lacks: pass --buildpackages git`,
      );
    }
    const dev = best.closure.filter((path) => DEV_ONLY.test(path));
    if (dev.length > 0) {
      choiceWarning(
        best.file,
        `${best.file} includes ${dev.join(', ')}, named for development: the image installs those packages too; ` +
          'pass --deps with a file of the production ones',
      );
    }
  }

  const installable = installsItself(files, pyproject);
  const present = LOCKED_MANAGERS.filter((manager) => locks[manager] !== undefined);
  if (present.length > 1) {
    for (const manager of present) {
      const others = present.filter((other) => other !== manager);
      choiceWarning(
        manager,
        `${[manager, ...others].map((other) => LOCK_FILES[other]).join(' and ')} are both here: ` +
          `using ${LOCK_FILES[manager]}; pass ${others.map((other) => `--deps ${other}`).join(' or ')} to use the other`,
      );
    }
  }
  let detected: Detected<string>;
  /** Why no way of installing can be offered as the default. */
  let unusable: string | undefined;
  const [chosen] = present;
  if (chosen !== undefined) {
    detected = { value: chosen, why: `${LOCK_FILES[chosen]} locks the dependencies` };
  } else if (best !== undefined) {
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
      installs.set(nested.requirements.file, nested.names);
      detected = {
        value: nested.requirements.file,
        why: `${nested.requirements.file} lists the dependencies (the only requirements file)`,
      };
    } else {
      // A lock or manifest one folder down, or a Pipfile without its lock: nothing here installs them, and an
      // image without them fails at its first import. No default: the run says why in one line.
      unusable = nestedManifest(files) ?? (unlockedPipfile ? `${PIPFILE_UNLOCKED}${OR_NONE}` : undefined);
      detected = { value: 'none', why: 'no lock file, requirements file or pyproject.toml' };
    }
  }
  if (unlockedPipfile && unusable === undefined) {
    warnings.push(`${PIPFILE_UNLOCKED}: the image does not install from a Pipfile without it`);
  }

  for (const [choice, names] of installs) {
    for (const hint of packageHints(new Set(names))) choiceWarning(choice, hint);
  }
  return {
    detected,
    ...(unusable !== undefined ? { unusable } : {}),
    requirements,
    locks,
    lockErrors,
    localReferences,
    localPackages,
    gitPackages,
    installable,
    setupCfg: files.has('setup.cfg'),
    setupPy: files.has('setup.py'),
    declared: [...declared].sort(),
    warnings,
    byChoice,
  };
};
