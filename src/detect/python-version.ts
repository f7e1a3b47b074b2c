/**
 * The Python line a project asks for, from the first of: `.python-version`, `requires-python`,
 * `runtime.txt`, Poetry's `python` constraint, `.tool-versions`, Pipfile's `python_version`. The answer is a
 * line of the version catalogue: the newest that satisfies the request (PEP 440 specifiers through
 * @renovatebot/pep440; Poetry's `^` and `~` converted first); when none does, the nearest one, with a warning.
 */
import { satisfies, validRange } from '@renovatebot/pep440';
import { COMPILER_PACKAGE, PYTHON } from '../catalogue.js';
import type { Detected } from './facts.js';
import { fewOf, table, text, type ProjectFiles } from './files.js';
import { isRequirementsFile, normaliseName } from './deps.js';
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

const lineVersions = (): { line: string; minor: number; version: string }[] =>
  Object.entries(PYTHON).map(([line, entry]) => ({ line, minor: Number(line.split('.')[1]), version: entry.version }));

const holds = (version: string, alternatives: readonly string[]): boolean =>
  alternatives.some((spec) => {
    try {
      return satisfies(version, spec);
    } catch {
      return false;
    }
  });

/** The catalogue line for a request, and a warning when none satisfies it. */
export const lineFor = (request: Request): { line: string; warning?: string } | undefined => {
  const lines = lineVersions();
  const newest = lines[0];
  if (newest === undefined) return undefined;
  const fitting = lines.find((entry) => holds(entry.version, request.alternatives));
  if (fitting !== undefined) return { line: fitting.line };
  // None fits: the line nearest to the Python 3 minors the request admits.
  const admitted: number[] = [];
  for (let minor = 0; minor <= 60; minor += 1) {
    if (holds(`3.${minor}.0`, request.alternatives) || holds(`3.${minor}.99`, request.alternatives))
      admitted.push(minor);
  }
  const range = `${lines[lines.length - 1]?.line ?? ''}-${newest.line}`;
  if (admitted.length === 0) {
    return { line: newest.line, warning: `${request.shownAs}: no Python 3 version satisfies it; using ${newest.line}` };
  }
  let best = newest;
  let distance = Number.POSITIVE_INFINITY;
  for (const entry of lines) {
    const nearest = Math.min(...admitted.map((minor) => Math.abs(minor - entry.minor)));
    if (nearest < distance) {
      best = entry;
      distance = nearest;
    }
  }
  return {
    line: best.line,
    warning: `${request.shownAs}: no Python line of the catalogue (${range}) satisfies it; ${best.line} is the nearest`,
  };
};

/** The first meaningful line of a version file (comments and blank lines skipped). */
const firstLine = (content: string | undefined): string | undefined =>
  content
    ?.split(/\r?\n/)
    .map((line) => line.replace(/#.*/, '').trim())
    .find((line) => line !== '');

const requests = (files: ProjectFiles, pyproject: Pyproject | undefined, warnings: string[]): Request[] => {
  const found: Request[] = [];
  const pin = firstLine(files.read('.python-version'));
  if (pin !== undefined) {
    const request = pinRequest(pin, `.python-version says ${pin.slice(0, 40)}`);
    if (request !== undefined) found.push(request);
  }
  const project = table(pyproject?.document.project);
  const requires = text(project?.['requires-python']);
  if (requires !== undefined) {
    const spec = normaliseSpecifier(requires);
    if (validRange(spec)) found.push({ alternatives: [spec], shownAs: `requires-python ${requires.slice(0, 60)}` });
    else warnings.push(`requires-python ${requires.slice(0, 60)} is not a PEP 440 specifier: not used`);
  }
  const runtime = firstLine(files.read('runtime.txt'));
  if (runtime !== undefined) {
    const request = pinRequest(runtime, `runtime.txt says ${runtime.slice(0, 40)}`);
    if (request !== undefined) found.push(request);
  }
  const poetry = text(table(table(table(pyproject?.document.tool)?.poetry)?.dependencies)?.python);
  if (poetry !== undefined) {
    const alternatives = poetryToPep440(poetry);
    if (alternatives !== undefined && alternatives.every((spec) => validRange(spec))) {
      found.push({ alternatives, shownAs: `Poetry's python = "${poetry.slice(0, 60)}"` });
    } else {
      warnings.push(`Poetry's python = "${poetry.slice(0, 60)}" is not a constraint detection reads: not used`);
    }
  }
  const tools = files
    .read('.tool-versions')
    ?.split(/\r?\n/)
    .map((line) => line.replace(/#.*/, '').trim().split(/\s+/))
    .find((words) => words[0] === 'python' && words[1] !== undefined);
  if (tools?.[1] !== undefined) {
    const request = pinRequest(tools[1], `.tool-versions says python ${tools[1].slice(0, 40)}`);
    if (request !== undefined) found.push(request);
  }
  const pipfile = table(files.toml('Pipfile')?.requires);
  const pipPython = text(pipfile?.python_version) ?? text(pipfile?.python_full_version);
  if (pipPython !== undefined) {
    const request = pinRequest(pipPython, `Pipfile's python_version ${pipPython.slice(0, 40)}`);
    if (request !== undefined) found.push(request);
  }
  // Last, what other tools wrote down: pip-compile's header, and the base image of a Dockerfile already there.
  for (const file of files.paths.filter(isRequirementsFile)) {
    const compiled = /autogenerated by pip-compile with python (\d+\.\d+)/i.exec(
      files.read(file)?.slice(0, 2000) ?? '',
    );
    const request =
      compiled?.[1] === undefined
        ? undefined
        : pinRequest(compiled[1], `pip-compile's header in ${file} says Python ${compiled[1]}`);
    if (request !== undefined) {
      found.push(request);
      break;
    }
  }
  const base = /^FROM\s+(?:--platform=\S+\s+)?(?:docker\.io\/)?(?:library\/)?python:(\d+\.\d+)/im.exec(
    files.read('Dockerfile')?.slice(0, 20_000) ?? '',
  );
  if (base?.[1] !== undefined) {
    const request = pinRequest(base[1], `the Dockerfile here builds FROM python:${base[1]}`);
    if (request !== undefined) found.push(request);
  }
  return found;
};

/** `asyncpg 0.30.0, greenlet 3.2.3`: at most three named, then how many more. */
const named = (packages: readonly BinaryPackage[]): string =>
  fewOf(packages.map((entry) => `${entry.name} ${entry.version}`));

/**
 * The Python line for the project, and warnings about it: the newest catalogue line that the project asks for
 * (the first request found) and that every binary package of its lock has a wheel for (src/detect/wheels.ts).
 */
export const detectPython = (
  files: ProjectFiles,
  pyproject: Pyproject | undefined,
  binary: readonly BinaryPackage[] = [],
): { python?: Detected<string>; warnings: string[] } => {
  const warnings: string[] = [];
  const [request] = requests(files, pyproject, warnings);
  const lines = lineVersions();
  const asked = request === undefined ? lines : lines.filter((entry) => holds(entry.version, request.alternatives));
  const lacking = (minor: number): BinaryPackage[] => binary.filter((entry) => !entry.installsOn(minor));
  const wheeled = asked.find((entry) => lacking(entry.minor).length === 0);
  const [first] = asked;
  if (first !== undefined && wheeled === undefined && binary.length > 0) {
    warnings.push(
      `${named(lacking(first.minor))} in the lock has no Linux wheel for Python ${first.line}: it compiles from ` +
        `source in the build, which needs a compiler (--buildpackages ${COMPILER_PACKAGE})`,
    );
  }
  if (wheeled !== undefined && first !== undefined && wheeled !== first) {
    const newer = asked.slice(0, asked.indexOf(wheeled));
    const missing = named(lacking(first.minor));
    const base = request === undefined ? '' : `${request.shownAs}; `;
    return {
      python: {
        value: wheeled.line,
        why: `${base}${wheeled.line} is the newest line the lock's wheels allow (no ${newer.map((entry) => entry.line).join(' or ')} wheel of ${missing})`,
      },
      warnings,
    };
  }
  if (request === undefined) return { warnings };
  const found = lineFor(request);
  if (found === undefined) return { warnings };
  if (request.note !== undefined) warnings.push(request.note);
  if (found.warning !== undefined) warnings.push(found.warning);
  const pinned = request.alternatives.length === 1 && /^==\d+\.\d+\.\*$/.test(request.alternatives[0] ?? '');
  const why =
    found.warning !== undefined
      ? `${request.shownAs}: ${found.line} is the nearest catalogue line`
      : pinned
        ? request.shownAs
        : `${request.shownAs}: ${found.line} is the newest catalogue line that satisfies it`;
  return { python: { value: found.line, why }, warnings };
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
  const pins = closure.flatMap((file) =>
    [...(files.read(file) ?? '').matchAll(/^\s*([A-Za-z0-9][\w.-]*)(?:\[[^\]]*\])?\s*==\s*([\w.]+)/gm)]
      .filter((match) => BINARY_PACKAGES.has(normaliseName(match[1] ?? '')))
      .map((match) => `${match[1] ?? ''}==${match[2] ?? ''}`),
  );
  if (pins.length === 0) return [];
  const newest = lineVersions()[0]?.line ?? '';
  return [
    `${closure[0] ?? 'the requirements'} pins binary packages (${fewOf(pins)}) and nothing says which Python: the image ` +
      `gets the newest line, ${newest}, which they may have no wheel for (the build would compile them): pass ` +
      '--python with the line the project runs on, or add a .python-version',
  ];
};
