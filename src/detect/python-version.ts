/**
 * The Python line a project asks for. Every constraint it states must hold together: `.python-version`,
 * `requires-python`, `runtime.txt`, Poetry's `python`, `.tool-versions`, Pipfile's `python_version`, and the
 * Python its lock was made for (uv.lock's `requires-python`, poetry.lock's and pdm.lock's `[metadata]`,
 * Pipfile.lock's `_meta.requires`); what other tools wrote down (pip-compile's header, the base image of a
 * Dockerfile already there) counts only when the project states nothing. The answer is a line of the version
 * catalogue: the newest that satisfies them all (PEP 440 specifiers through @renovatebot/pep440; Poetry's `^`
 * and `~` converted first); when none does, the nearest one, with a warning; when they contradict each other,
 * an exact pin the catalogue has wins, with a warning naming both. A lock made for a Python the chosen line is
 * not will likely fail to install (uv, Poetry) or miss packages (pipenv's markers): the warning says so, and how
 * to re-lock.
 */
import { satisfies, validRange } from '@renovatebot/pep440';
import { COMPILER_PACKAGE, PYTHON } from '../catalogue.js';
import type { Detected } from './facts.js';
import { fewOf, table, text, type ProjectFiles } from './files.js';
import { isRequirementsFile, LOCK_FILES, normaliseName, type LockedManager } from './deps.js';
import type { Pyproject } from './pyproject.js';
import type { BinaryPackage } from './wheels.js';

/** A request: PEP 440 specifiers, any of which may hold (Poetry's `||`). */
interface Request {
  readonly alternatives: readonly string[];
  /** Where it was read and what it said, for the reason and warnings. */
  readonly shownAs: string;
  /** Not CPython (PyPy): worth a warning. */
  readonly note?: string;
}

/** `3.11`, `3.11.4`, `python-3.11.4`, `cpython-3.12`, `pypy3.10`, `3.13t`: a pin of a line. */
const pinRequest = (value: string, shownAs: string): Request | undefined => {
  const match = /(\d{1,3})\.(\d{1,3})/.exec(value);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  const pypy = /pypy/i.test(value);
  return {
    alternatives: [`==${match[1]}.${match[2]}.*`],
    shownAs,
    ...(pypy ? { note: `${shownAs} asks for PyPy; the images are CPython` } : {}),
  };
};

/** A PEP 440 specifier as people write it: spaces between clauses made commas. */
const normaliseSpecifier = (spec: string): string =>
  spec
    .slice(0, 200)
    .trim()
    .replace(/\s*,\s*/g, ',')
    .replace(/([\d*])\s+(?=[<>=!~])/g, '$1,')
    .replace(/([<>=!~]=?)\s+(?=\d)/g, '$1');

/** One Poetry constraint clause as PEP 440 (`^3.10` -> `>=3.10,<4.0`, `~3.11` -> `>=3.11,<3.12`). */
const poetryClause = (clause: string): string | undefined => {
  const c = clause.trim();
  if (c === '' || c === '*') return '';
  const caret = /^\^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(c);
  if (caret?.[1] !== undefined) {
    const [major, minor, patch] = [Number(caret[1]), caret[2], caret[3]];
    const lower = [caret[1], minor, patch].filter((part) => part !== undefined).join('.');
    const upper = major > 0 || minor === undefined ? `${major + 1}.0` : `0.${Number(minor) + 1}`;
    return `>=${lower},<${upper}`;
  }
  const tilde = /^~(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(c);
  if (tilde?.[1] !== undefined) {
    const lower = [tilde[1], tilde[2], tilde[3]].filter((part) => part !== undefined).join('.');
    const upper = tilde[2] === undefined ? `${Number(tilde[1]) + 1}` : `${tilde[1]}.${Number(tilde[2]) + 1}`;
    return `>=${lower},<${upper}`;
  }
  const bare = /^(\d+)\.(\d+|\*)(?:\.(?:\d+|\*))?$/.exec(c);
  if (bare?.[1] !== undefined) return bare[2] === '*' ? `==${bare[1]}.*` : `==${bare[1]}.${bare[2]}.*`;
  return c;
};

/** A Poetry constraint (`^3.10`, `>=3.9,<3.13`, `~3.11 || ^3.12`) as PEP 440 alternatives. */
export const poetryToPep440 = (constraint: string): string[] | undefined => {
  const alternatives: string[] = [];
  for (const alternative of constraint.slice(0, 200).split('||').slice(0, 8)) {
    const clauses = normaliseSpecifier(alternative).split(',').map(poetryClause);
    if (clauses.some((clause) => clause === undefined)) return undefined;
    alternatives.push(clauses.filter((clause) => clause !== '').join(','));
  }
  return alternatives;
};

/** A line of the catalogue, its minor and its full version. */
interface LineVersion {
  readonly line: string;
  readonly minor: number;
  readonly version: string;
}

const lineVersions = (): LineVersion[] =>
  Object.entries(PYTHON).map(([line, entry]) => ({ line, minor: Number(line.split('.')[1]), version: entry.version }));

const holds = (version: string, alternatives: readonly string[]): boolean =>
  alternatives.some((spec) => {
    try {
      return satisfies(version, spec);
    } catch {
      return false;
    }
  });

/** The Python 3 minors a request could admit: every two-digit one. */
const MINORS = Array.from({ length: 100 }, (_unused, minor) => minor);

/** The Python 3 minors a request admits, at their first patch or a later one (`>=3.10.2` admits 3.10). */
const admittedMinors = (request: Request): number[] =>
  MINORS.filter((minor) => holds(`3.${minor}.0`, request.alternatives) || holds(`3.${minor}.99`, request.alternatives));

/** `a`, `a and b`: the constraints a reason or a warning names. */
const shown = (requests: readonly Request[]): string => requests.map((request) => request.shownAs).join(' and ');

/** What the project's constraints come to together. */
interface Combined {
  /** The constraints that hold together, in the order they were found. */
  readonly kept: readonly Request[];
  /** The Python 3 minors they all admit: never empty when one is kept. */
  readonly minors: readonly number[];
  /** Warnings: a constraint no Python 3 satisfies, two that contradict each other. */
  readonly warnings: readonly string[];
}

/**
 * The constraints that hold together. One that admits no Python 3 is dropped with a warning; one that admits
 * nothing the ones before it admit contradicts them: dropped, with one warning naming it and the one it
 * contradicts. Those some catalogue line satisfies come first (an exact pin the catalogue has wins), then the
 * order they were found in.
 */
const combine = (constraints: readonly Request[]): Combined => {
  const lines = lineVersions();
  const inCatalogue = (request: Request): boolean => lines.some((entry) => holds(entry.version, request.alternatives));
  const ordered = [...constraints.filter(inCatalogue), ...constraints.filter((request) => !inCatalogue(request))];
  const kept: { request: Request; minors: number[] }[] = [];
  const warnings: string[] = [];
  let minors: readonly number[] = MINORS;
  for (const request of ordered) {
    const own = admittedMinors(request);
    if (own.length === 0) {
      warnings.push(`${request.shownAs}: no Python 3 version satisfies it; not used`);
      continue;
    }
    const together = minors.filter((minor) => own.includes(minor));
    if (together.length === 0) {
      // The first kept constraint that, with those before it, leaves nothing this one admits.
      let narrowed: readonly number[] = MINORS;
      const against = kept.find((entry) => {
        narrowed = narrowed.filter((minor) => entry.minors.includes(minor));
        return !narrowed.some((minor) => own.includes(minor));
      })?.request;
      const first = against?.shownAs ?? shown(kept.map((entry) => entry.request));
      warnings.push(
        `${first} and ${request.shownAs} contradict each other (no Python satisfies both): following ${first}`,
      );
      continue;
    }
    kept.push({ request, minors: own });
    minors = together;
  }
  const order = new Map(constraints.map((request, index) => [request, index]));
  return {
    kept: kept.map((entry) => entry.request).sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
    minors: kept.length === 0 ? [] : minors,
    warnings,
  };
};

/**
 * The catalogue lines that satisfy every kept constraint, newest first; when none does, the one nearest to
 * the minors they admit, with a warning naming those the catalogue has no line for.
 */
const candidateLines = (combined: Combined): { lines: LineVersion[]; warning?: string; named?: readonly Request[] } => {
  const lines = lineVersions();
  const fitting = lines.filter((entry) => combined.kept.every((request) => holds(entry.version, request.alternatives)));
  if (fitting.length > 0 || combined.kept.length === 0) return { lines: fitting.length > 0 ? fitting : lines };
  let best = lines[0];
  let distance = Number.POSITIVE_INFINITY;
  for (const entry of lines) {
    const nearest = Math.min(...combined.minors.map((minor) => Math.abs(minor - entry.minor)));
    if (nearest < distance) {
      best = entry;
      distance = nearest;
    }
  }
  if (best === undefined) return { lines: [] };
  const outside = combined.kept.filter((request) => !lines.some((entry) => holds(entry.version, request.alternatives)));
  const named = outside.length > 0 ? outside : combined.kept;
  const range = `${lines[lines.length - 1]?.line ?? ''}-${lines[0]?.line ?? ''}`;
  return {
    lines: [best],
    named,
    warning:
      `${shown(named)}: no Python line of the catalogue (${range}) satisfies ${named.length > 1 ? 'them' : 'it'}; ` +
      `${best.line} is the nearest`,
  };
};

/** The first meaningful line of a version file (comments and blank lines skipped). */
const firstLine = (content: string | undefined): string | undefined =>
  content
    ?.split(/\r?\n/)
    .map((line) => line.replace(/#.*/, '').trim())
    .find((line) => line !== '');

/** A PEP 440 requirement (`>=3.10, <3.13`) as a request; a warning when it is not one. */
const pep440Request = (spec: string, shownAs: string, warnings: string[]): Request | undefined => {
  const normalised = normaliseSpecifier(spec);
  if (validRange(normalised)) return { alternatives: [normalised], shownAs };
  warnings.push(`${shownAs} is not a PEP 440 specifier: not used`);
  return undefined;
};

/** A Poetry constraint (`^3.10`) as a request; none for `*`, which states nothing; a warning when unread. */
const poetryRequest = (constraint: string, shownAs: string, warnings: string[]): Request | undefined => {
  const alternatives = poetryToPep440(constraint);
  if (alternatives?.includes('')) return undefined;
  if (alternatives !== undefined && alternatives.every((spec) => validRange(spec))) return { alternatives, shownAs };
  warnings.push(`${shownAs} is not a constraint detection reads: not used`);
  return undefined;
};

/**
 * The Python a lock was made for: uv.lock's `requires-python`, poetry.lock's `[metadata] python-versions`,
 * pdm.lock's `[metadata] requires_python` (format 4.5: one per `[[metadata.targets]]`, any of which may hold),
 * Pipfile.lock's `_meta.requires.python_version`.
 */
const lockRequest = (files: ProjectFiles, manager: LockedManager, warnings: string[]): Request | undefined => {
  const file = LOCK_FILES[manager];
  if (manager === 'pipenv') {
    const requires = table(table(table(files.json(file))?._meta)?.requires);
    const version = text(requires?.python_version) ?? text(requires?.python_full_version);
    return version === undefined ? undefined : pinRequest(version, `${file}'s python_version ${version.slice(0, 40)}`);
  }
  const document = files.toml(file);
  if (manager === 'poetry') {
    const constraint = text(table(document?.metadata)?.['python-versions']);
    return constraint === undefined
      ? undefined
      : poetryRequest(constraint, `${file}'s python-versions "${constraint.slice(0, 60)}"`, warnings);
  }
  if (manager === 'uv') {
    const spec = text(document?.['requires-python']);
    return spec === undefined
      ? undefined
      : pep440Request(spec, `${file}'s requires-python ${spec.slice(0, 60)}`, warnings);
  }
  const metadata = table(document?.metadata);
  const targets = Array.isArray(metadata?.targets) ? (metadata.targets as unknown[]).slice(0, 8).map(table) : [];
  const where = targets.length > 0 ? targets : [metadata];
  const specs = where.flatMap((entry) => text(entry?.requires_python) ?? []);
  // A target that names no Python admits every one: the lock then says nothing.
  if (specs.length < where.length) return undefined;
  const requests = specs.map((spec) => pep440Request(spec, `${file}'s requires_python ${spec.slice(0, 60)}`, warnings));
  if (requests.some((request) => request === undefined)) return undefined;
  return {
    alternatives: requests.flatMap((request) => request?.alternatives ?? []),
    shownAs: `${file}'s requires_python ${specs.join(' or ').slice(0, 60)}`,
  };
};

/**
 * What the project states about its Python, in the order it was found: its constraints, and what other tools
 * wrote down (pip-compile's header, the base image of a Dockerfile already there), a hint used only when it
 * states nothing; and, apart, the Python its lock was made for.
 */
const stated = (
  files: ProjectFiles,
  pyproject: Pyproject | undefined,
  manager: LockedManager | undefined,
  warnings: string[],
  folder: string | undefined,
): { constraints: Request[]; hints: Request[]; lock?: Request } => {
  const found: (Request | undefined)[] = [];
  // An app whose dependencies live one folder down (backend/requirements.txt) keeps its Python file there too.
  const fileOfApp = (name: string): string | undefined =>
    [name, ...(folder === undefined ? [] : [`${folder}${name}`])].find((file) => files.has(file));
  const versionFile = fileOfApp('.python-version');
  const pin = versionFile === undefined ? undefined : firstLine(files.read(versionFile));
  if (pin !== undefined) found.push(pinRequest(pin, `${versionFile ?? ''} says ${pin.slice(0, 40)}`));
  const project = table(pyproject?.document.project);
  const requires = text(project?.['requires-python']);
  if (requires !== undefined) found.push(pep440Request(requires, `requires-python ${requires.slice(0, 60)}`, warnings));
  const runtimeFile = fileOfApp('runtime.txt');
  const runtime = runtimeFile === undefined ? undefined : firstLine(files.read(runtimeFile));
  if (runtime !== undefined) found.push(pinRequest(runtime, `${runtimeFile ?? ''} says ${runtime.slice(0, 40)}`));
  const poetry = text(table(table(table(pyproject?.document.tool)?.poetry)?.dependencies)?.python);
  if (poetry !== undefined) found.push(poetryRequest(poetry, `Poetry's python = "${poetry.slice(0, 60)}"`, warnings));
  const tools = files
    .read('.tool-versions')
    ?.split(/\r?\n/)
    .map((line) => line.replace(/#.*/, '').trim().split(/\s+/))
    .find((words) => words[0] === 'python' && words[1] !== undefined);
  if (tools?.[1] !== undefined) {
    found.push(pinRequest(tools[1], `.tool-versions says python ${tools[1].slice(0, 40)}`));
  }
  const pipfile = table(files.toml('Pipfile')?.requires);
  const pipPython = text(pipfile?.python_version) ?? text(pipfile?.python_full_version);
  if (pipPython !== undefined) found.push(pinRequest(pipPython, `Pipfile's python_version ${pipPython.slice(0, 40)}`));
  const lock = manager === undefined ? undefined : lockRequest(files, manager, warnings);
  found.push(lock);
  // A constraint another states already (a lock's requirement is most often its manifest's) says nothing more.
  const constraints: Request[] = [];
  for (const request of found) {
    if (request === undefined) continue;
    const same = constraints.some((earlier) => earlier.alternatives.join('|') === request.alternatives.join('|'));
    if (!same) constraints.push(request);
  }
  const hints: Request[] = [];
  for (const file of files.paths.filter(isRequirementsFile)) {
    const compiled = /autogenerated by pip-compile with python (\d+\.\d+)/i.exec(
      files.read(file)?.slice(0, 2000) ?? '',
    );
    const request =
      compiled?.[1] === undefined
        ? undefined
        : pinRequest(compiled[1], `pip-compile's header in ${file} says Python ${compiled[1]}`);
    if (request !== undefined) {
      hints.push(request);
      break;
    }
  }
  const base = /^FROM\s+(?:--platform=\S+\s+)?(?:docker\.io\/)?(?:library\/)?python:(\d+\.\d+)/im.exec(
    files.read('Dockerfile')?.slice(0, 20_000) ?? '',
  );
  const dockerfile =
    base?.[1] === undefined ? undefined : pinRequest(base[1], `the Dockerfile here builds FROM python:${base[1]}`);
  if (dockerfile !== undefined) hints.push(dockerfile);
  return { constraints, hints, ...(lock !== undefined ? { lock } : {}) };
};

/** How to re-lock for a Python line, by manager. */
const RELOCK: Readonly<Record<LockedManager, (line: string) => string>> = {
  uv: (line) => `let requires-python admit ${line}, then uv lock`,
  poetry: (line) => `let the project's python admit ${line}, then poetry lock`,
  pdm: (line) => `let requires-python admit ${line}, then pdm lock`,
  pipenv: (line) => `pipenv lock --python ${line}`,
};

/** `asyncpg 0.30.0, greenlet 3.2.3`: at most three named, then how many more. */
const named = (packages: readonly BinaryPackage[]): string =>
  fewOf(packages.map((entry) => `${entry.name} ${entry.version}`));

/**
 * Of the candidate lines (newest first), the one the lock's binary packages fit best, and those that lack a
 * wheel for it: the newest every one has a wheel for, else the one fewest lack one for (the newer of equals).
 */
const bestFit = (
  lines: readonly LineVersion[],
  binary: readonly BinaryPackage[],
): { line: LineVersion; lacking: BinaryPackage[] } | undefined => {
  let best: { line: LineVersion; lacking: BinaryPackage[] } | undefined;
  for (const line of lines) {
    const lacking = binary.filter((entry) => !entry.installsOn(line.minor));
    if (best === undefined || lacking.length < best.lacking.length) best = { line, lacking };
  }
  return best;
};

/** An exact pin of one line (`==3.12.*`), as `.python-version` says it. */
const isPin = (request: Request): boolean =>
  request.alternatives.length === 1 && /^==\d+\.\d+\.\*$/.test(request.alternatives[0] ?? '');

/**
 * The Python line for the project, and warnings about it: of the catalogue lines that satisfy every constraint
 * the project states (its lock's own included), the newest that every binary package of its lock has a wheel
 * for (src/detect/wheels.ts), else the one fewest lack a wheel for, with a warning naming what compiles.
 */
export const detectPython = (
  files: ProjectFiles,
  pyproject: Pyproject | undefined,
  lock?: { readonly manager: LockedManager; readonly binary: readonly BinaryPackage[] },
  /** The folder (`backend/`) of a requirements file one folder down that the dependencies install from. */
  folder?: string,
): { python?: Detected<string>; warnings: string[] } => {
  const warnings: string[] = [];
  const { constraints, hints, lock: locked } = stated(files, pyproject, lock?.manager, warnings, folder);
  const combined = combine(constraints.length > 0 ? constraints : hints.slice(0, 1));
  warnings.push(...combined.warnings);
  for (const request of combined.kept) if (request.note !== undefined) warnings.push(request.note);
  const candidates = candidateLines(combined);
  const [first] = candidates.lines;
  const binary = lock?.binary ?? [];
  const fit = bestFit(candidates.lines, binary);
  if (first === undefined || fit === undefined) {
    if (candidates.warning !== undefined) warnings.push(candidates.warning);
    return { warnings };
  }
  // A lock made for a Python the line is not: its tool refuses it, or its markers drop what it locked.
  const stale = lock !== undefined && locked !== undefined && !holds(fit.line.version, locked.alternatives);
  const consequence = stale
    ? `will likely fail to install or miss packages: re-lock for ${fit.line.line} first ` +
      `(${RELOCK[lock.manager](fit.line.line)})`
    : '';
  if (candidates.warning !== undefined) {
    warnings.push(
      !stale
        ? candidates.warning
        : candidates.named?.includes(locked)
          ? `${candidates.warning}, where the lock ${consequence}`
          : `${candidates.warning}, where the lock (${locked.shownAs}) ${consequence}`,
    );
  } else if (stale) {
    warnings.push(`${locked.shownAs}, not ${fit.line.line}: the lock ${consequence}`);
  }
  if (fit.lacking.length > 0) {
    const one = fit.lacking.length === 1;
    warnings.push(
      `${named(fit.lacking)} in the lock ${one ? 'has' : 'have'} no Linux wheel for Python ${fit.line.line}: ` +
        `${one ? 'it compiles' : 'they compile'} from source in the build, which needs a compiler ` +
        `(--buildpackages ${COMPILER_PACKAGE})`,
    );
  }
  const asked = shown(combined.kept);
  if (fit.line !== first) {
    const newer = candidates.lines.slice(0, candidates.lines.indexOf(fit.line));
    const missing = binary.filter((entry) => !entry.installsOn(first.minor));
    const fits =
      fit.lacking.length === 0
        ? `${fit.line.line} is the newest line the lock's wheels allow ` +
          `(no ${newer.map((entry) => entry.line).join(' or ')} wheel of ${named(missing)})`
        : `${fit.line.line} is the line fewest of the lock's binary packages lack a wheel for: ` +
          `${String(fit.lacking.length)}, against ${String(missing.length)} for ${first.line}`;
    return {
      python: { value: fit.line.line, why: `${asked === '' ? '' : `${asked}; `}${fits}` },
      warnings,
    };
  }
  if (combined.kept.length === 0) return { warnings };
  const pin = combined.kept.find(isPin);
  const others = combined.kept.filter((request) => request !== pin);
  const why =
    candidates.warning !== undefined
      ? `${asked}: ${first.line} is the nearest catalogue line`
      : pin !== undefined
        ? `${pin.shownAs}${others.length === 0 ? '' : `, which ${shown(others)} ${others.length > 1 ? 'admit' : 'admits'}`}`
        : `${asked}: ${first.line} is the newest catalogue line that satisfies ${others.length > 1 ? 'them' : 'it'}`;
  return { python: { value: first.line, why }, warnings };
};

/**
 * Packages that ship compiled wheels per CPython line (or pin one that does, as pydantic pins pydantic-core):
 * pinned exactly a while ago, they often have no wheel for the newest line.
 */
const BINARY_PACKAGES = new Set([
  'aiohttp',
  'asyncpg',
  'cffi',
  'grpcio',
  'greenlet',
  'httptools',
  'lxml',
  'markupsafe',
  'matplotlib',
  'msgpack',
  'numba',
  'numpy',
  'orjson',
  'pandas',
  'pillow',
  'psycopg2-binary',
  'psycopg-binary',
  'pyarrow',
  'pydantic',
  'pydantic-core',
  'pyyaml',
  'regex',
  'scikit-learn',
  'scipy',
  'tokenizers',
  'torch',
  'ujson',
  'uvloop',
  'psycopg',
]);

/**
 * Binary packages pinned exactly (`numpy==1.26.4`) while nothing names a Python: the newest line is the default,
 * and a requirements file names no wheels to check it against. Said once, with the option that settles it.
 */
export const pinnedWithoutPythonWarning = (files: ProjectFiles, closure: readonly string[]): string[] => {
  const pins = closure
    .flatMap((file) =>
      // A Pipfile.lock without `_meta.requires` names no Python either, and pins every package exactly.
      file === LOCK_FILES.pipenv
        ? Object.entries(table(table(files.json(file))?.default) ?? {}).map(([name, entry]) => ({
            name,
            version: (text(table(entry)?.version) ?? '').replace(/^==/, ''),
          }))
        : [...(files.read(file) ?? '').matchAll(/^\s*([A-Za-z0-9][\w.-]*)(?:\[[^\]]*\])?\s*==\s*([\w.]+)/gm)].map(
            (match) => ({ name: match[1] ?? '', version: match[2] ?? '' }),
          ),
    )
    .filter(({ name, version }) => version !== '' && BINARY_PACKAGES.has(normaliseName(name)))
    .map(({ name, version }) => `${name}==${version}`);
  if (pins.length === 0) return [];
  const newest = lineVersions()[0]?.line ?? '';
  return [
    `${closure[0] ?? 'the requirements'} pins binary packages (${fewOf(pins)}) and nothing says which Python: the image ` +
      `gets the newest line, ${newest}, which they may have no wheel for (the build would compile them): pass ` +
      '--python with the line the project runs on, or add a .python-version',
  ];
};
