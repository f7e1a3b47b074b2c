/**
 * Validation: one pure function per answer. Each takes the raw text a user typed (option, prompt, stored
 * config) and the answers already known, and returns the parsed value or the rule it broke. Nothing here
 * touches the file system or Yeoman, so every rule is tested alone (test/validate.spec.ts).
 *
 * The rules are strict on purpose: nothing a user types may add a line, an instruction, a key or a shell
 * command to a generated file. Templates escape as well, but validation is the first gate.
 */
import { ALPINE, CATALOGUE_CHECKED, DEBIAN, PYTHON, pythonLines, releasesFor } from './catalogue.js';
import { parse as parseShell } from 'shell-quote';
import { showValue } from './errors.js';
import {
  CI_KINDS,
  HEALTH_KINDS,
  type CiKind,
  type Deps,
  type Entry,
  type EnvPair,
  type Health,
  type LockManager,
  type Parsed,
} from './model.js';
import { STACK_NAMES, STACKS, isStack, type Stack } from './stacks.js';

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (rule: string): { ok: false; rule: string } => ({ ok: false, rule });

/** The word that means "nothing" for optional and list answers. */
export const NONE = 'none';

const oneOf = (values: readonly string[]): string =>
  values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(', ')}`;

const isNone = (raw: string): boolean => raw.trim().toLowerCase() === NONE || raw.trim() === '';

/** Split a comma-separated list; `none` and the empty string are the empty list. */
export const splitList = (raw: string): string[] =>
  isNone(raw)
    ? []
    : raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');

// ---------------------------------------------------------------------------------------------------------

export const parseStack = (raw: string): Parsed<Stack> => {
  const value = raw.trim();
  return isStack(value) ? ok(value) : fail(oneOf(STACK_NAMES));
};

/** Docker reference grammar, restricted to lowercase as the option table says. */
const NAME_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REGISTRY_HOST = '(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::[0-9]{1,5})?';
const NAME_RE = new RegExp(`^(?:${REGISTRY_HOST}/)?${NAME_COMPONENT}(?:/${NAME_COMPONENT})*$`);
const NAME_RULE =
  'must be a lowercase image name of letters, digits and . _ - (not first or last), at most 200 characters, optionally behind a registry and namespace: e.g. shop-api or registry.example.com/team/shop-api';

export const parseName = (raw: string): Parsed<string> => {
  const value = raw.trim();
  if (value.length === 0 || value.length > 200 || !NAME_RE.test(value)) return fail(NAME_RULE);
  return ok(value);
};

/** Turn a folder name into a valid image name: `My Project_2` -> `my-project_2`. */
export const sanitiseName = (folder: string): string => {
  const cleaned = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/[._-]{2,}/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, 100)
    .replace(/[._-]+$/g, '');
  return cleaned === '' ? 'app' : cleaned;
};

/** The last path component of an image name, used for the compose service. */
export const imageBasename = (name: string): string => name.split('/').pop() ?? name;

export const parsePython = (raw: string): Parsed<string> => {
  const value = raw.trim();
  if (PYTHON[value]) return ok(value);
  return fail(`${oneOf(pythonLines())} (Python lines in the version catalogue of ${CATALOGUE_CHECKED})`);
};

export const parseRelease = (raw: string, known: { stack: Stack; python: string }): Parsed<string> => {
  const value = raw.trim();
  const family = STACKS[known.stack].family;
  const offered = releasesFor(family, known.python);
  if (offered.includes(value)) return ok(value);
  const what = family === 'debian' ? 'a Debian codename' : 'an Alpine branch';
  const known_ = family === 'debian' ? Object.keys(DEBIAN) : Object.keys(ALPINE);
  const hint = known_.includes(value) ? ` (there is no python:${known.python} image for it)` : '';
  return fail(`${oneOf(offered)}: ${what} with a python:${known.python} image for ${known.stack}${hint}`);
};

const REL_PATH_RE = /^(?!\/)(?:[A-Za-z0-9_][A-Za-z0-9._-]*\/)*[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const MODULE_RE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/**
 * A notebook path: relative, any printable characters but quotes, backslashes, `$`, backquotes and the glob
 * characters `* ? [ ]` (COPY would read those as patterns). Spaces are fine: notebooks are copied and run in
 * exec (JSON) form, never through a shell.
 */
const NOTEBOOK_RE = /^(?!\/)[^"\\`$*?[\]]+\.ipynb$/;

/** What the project holds, for checking that an entry names something that is there. */
export interface ProjectView {
  /** Relative POSIX paths of the project's files. */
  readonly paths: readonly string[];
  /** Normalised names of the packages the project declares (a module may come from one of them). */
  readonly declared: readonly string[];
}

/** The project has sources (Python files or notebooks): an entry must then name one that is there. */
const hasSources = (project: ProjectView): boolean =>
  project.paths.some((path) => path.endsWith('.py') || path.endsWith('.ipynb'));

/** Up to three of the project's files ending in `suffix`, top-level first, as examples for a message. */
const examples = (project: ProjectView, suffix: string): string => {
  const found = project.paths
    .filter((path) => path.endsWith(suffix) && !path.includes('.ipynb_checkpoints'))
    .sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b))
    .slice(0, 3);
  return found.length === 0 ? '' : ` (the project has ${found.join(', ')})`;
};

/** Whether module `name` is a file or package of the project, at the top or under src/. */
const moduleInProject = (name: string, project: ProjectView): boolean => {
  const path = name.replace(/\./g, '/');
  return ['', 'src/'].some((root) =>
    [`${root}${path}.py`, `${root}${path}/__init__.py`, `${root}${path}/__main__.py`].some((file) =>
      project.paths.includes(file),
    ),
  );
};

const normalised = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

/** Characters a command line may not hold at all: control characters (a newline would add an instruction). */
export const hasControlCharacter = (value: string): boolean =>
  [...value].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);

/** Whether every quote of a shell line is closed (shell-quote reads an unclosed one leniently; a shell would not). */
const quotesClosed = (line: string): boolean => {
  let quote: string | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const ch = line[index];
    if (quote === "'") {
      if (ch === "'") quote = undefined;
    } else if (ch === '\\') {
      index += 1;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    }
  }
  return quote === undefined;
};

/**
 * A command line as exec-form words, split like a shell splits words (quotes allowed), but refused when it
 * needs a shell to mean what it says: operators (`&&`, `|`, `;`, `>`), substitutions (`$VAR`, `$(...)`,
 * backquotes), globs and comments. Exec form runs the words as they are, without a shell.
 */
export const splitCommand = (raw: string): Parsed<readonly string[]> => {
  const value = raw.trim();
  if (value === '') return fail('must not be empty: give the command the container runs, e.g. gunicorn app:app');
  if (value.length > 1000 || hasControlCharacter(value)) {
    return fail('must be one line of at most 1000 characters');
  }
  if (!quotesClosed(value)) return fail('has a quote that is not closed');
  let variable: string | undefined;
  let words: ReturnType<typeof parseShell>;
  try {
    words = parseShell(value, (name) => {
      variable ??= name;
      return `$${name}`;
    });
  } catch {
    // shell-quote refuses what a shell would too (`${`, an unclosed substitution).
    return fail('cannot be split into words as a shell would (an unclosed quote, ${ or $( ?)');
  }
  const shellOnly = words.find((word) => typeof word !== 'string');
  if (shellOnly !== undefined || variable !== undefined || /`|\$\(/.test(value)) {
    const what = /`|\$\(/.test(value)
      ? '$( ) or a backquote needs a shell, and the command runs in exec form, without one: give one program and its arguments'
      : variable !== undefined
        ? `$${variable} would be expanded by a shell: write its value (e.g. 8000 for $PORT), or set it with --env`
        : shellOnly !== undefined && 'op' in shellOnly && shellOnly.op === 'glob'
          ? `${shellOnly.pattern} is a shell glob: name the file`
          : shellOnly !== undefined && 'comment' in shellOnly
            ? 'a # comment needs a shell: leave it out'
            : `'${shellOnly !== undefined && 'op' in shellOnly ? shellOnly.op : '?'}' needs a shell, and the command runs in exec form, without one: give one program and its arguments (steps that prepare it belong in the image or a script)`;
    return fail(what);
  }
  const argv = words as string[];
  if (argv.length > 64) return fail('must have at most 64 words');
  const [program = ''] = argv;
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(program)) {
    return fail(
      `${showValue(program)} sets a variable for the command, which needs a shell: set it with --env instead`,
    );
  }
  return ok(argv);
};

export const parseEntry = (raw: string, known: { stack: Stack }, project?: ProjectView): Parsed<Entry> => {
  const value = raw.trim();
  const mustExist = project !== undefined && hasSources(project);
  if (STACKS[known.stack].notebook) {
    if (
      value.length > 200 ||
      !NOTEBOOK_RE.test(value) ||
      hasControlCharacter(value) ||
      value
        .split('/')
        .some((part) => part === '..' || part === '.' || part.trim() !== part || part === '' || part.startsWith('-'))
    ) {
      return fail(
        'must be the relative path of a .ipynb notebook for the jupyter stack, e.g. analysis.ipynb (no quotes, $, * ? [ ], .., a leading - or spaces around a folder or file name)',
      );
    }
    if (mustExist && !project.paths.includes(value)) {
      return fail(
        `${showValue(value)} is not in the project: give a notebook that is there${examples(project, '.ipynb')}`,
      );
    }
    return ok({ kind: 'notebook', path: value });
  }
  const words = splitCommand(value);
  if (!words.ok) return fail(`${words.rule}; or give a script (app.py) or a module (-m package.module)`);
  const argv = words.value;
  // `python app.py` and `python -m pkg` are the script and module forms, written out.
  const [first = '', second = '', third] = argv;
  const isPython = /^python(?:3(?:\.\d+)?)?$/.test(first);
  const module =
    first === '-m' && argv.length === 2 ? second : isPython && second === '-m' && argv.length === 3 ? third : undefined;
  const script =
    argv.length === 1 && first.endsWith('.py')
      ? first
      : isPython && argv.length === 2 && second.endsWith('.py')
        ? second
        : undefined;
  if (first === '-m' && module === undefined) return fail('-m takes one module: -m package.module');
  if (module !== undefined) {
    if (module.length > 200 || !MODULE_RE.test(module))
      return fail(`${showValue(module)} is not a module name: write -m package.module`);
    const top = normalised(module.split('.')[0] ?? '');
    if (mustExist && !moduleInProject(module, project) && !project.declared.includes(top)) {
      return fail(
        `module ${module} is not in the project: give a module that is there, a script, or a command${examples(project, '.py')}`,
      );
    }
    return ok({ kind: 'module', module });
  }
  if (script !== undefined) {
    if (script.length > 200 || !REL_PATH_RE.test(script)) {
      return fail('must be the relative path of a .py script (letters, digits and . _ - /, no spaces), e.g. app.py');
    }
    if (mustExist && !project.paths.includes(script)) {
      return fail(
        `${showValue(script)} is not in the project: give a script that is there${examples(project, '.py')}, -m package.module, or a command such as gunicorn app:app`,
      );
    }
    return ok({ kind: 'script', path: script });
  }
  if (first.endsWith('.ipynb')) return fail('a notebook runs on the jupyter stack: add --stack jupyter');
  return ok({ kind: 'command', argv });
};

/** A word as a shell reads it back: bare when it is plain, else in single quotes. */
const shellQuoted = (word: string): string =>
  /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;

/** An entry as --entry takes it: the command form is quoted only where a word needs it. */
export const formatEntry = (entry: Entry): string => {
  switch (entry.kind) {
    case 'module':
      return `-m ${entry.module}`;
    case 'command':
      return entry.argv.map(shellQuoted).join(' ');
    default:
      return entry.path;
  }
};

/** What the project holds, for checking a --deps answer: its files, locks and requirements files. */
export interface DepsView {
  readonly paths: readonly string[];
  readonly locks: Readonly<Partial<Record<LockManager, string>>>;
  /** Why a lock cannot be used, with what fixes it. */
  readonly lockErrors: Readonly<Partial<Record<LockManager, string>>>;
  /** The requirements files detection read (with their includes). */
  readonly requirements: readonly string[];
  /** pyproject.toml, setup.py or setup.cfg is there. */
  readonly manifest: boolean;
}

export const LOCK_MANAGERS: readonly LockManager[] = ['uv', 'poetry', 'pdm', 'pipenv'];
const LOCK_FILE: Readonly<Record<LockManager, string>> = {
  uv: 'uv.lock',
  poetry: 'poetry.lock',
  pdm: 'pdm.lock',
  pipenv: 'Pipfile.lock',
};
const DEPS_RULE = `one of ${LOCK_MANAGERS.join(', ')}, pip, none, or a requirements file such as requirements.txt`;

/** What the project offers for --deps, for messages: `uv, requirements.txt or none`. */
const offered = (project: DepsView): string => {
  const choices = [
    ...LOCK_MANAGERS.filter(
      (manager) => project.locks[manager] !== undefined && project.lockErrors[manager] === undefined,
    ),
    ...project.requirements,
    ...(project.manifest ? ['pip'] : []),
    'none',
  ];
  return choices.join(', ');
};

export const parseDeps = (raw: string, project?: DepsView): Parsed<Deps> => {
  const value = raw.trim();
  const known = project !== undefined && project.paths.length > 0;
  const manager = LOCK_MANAGERS.find((name) => name === value);
  if (manager !== undefined) {
    if (!known) return ok({ kind: manager });
    const error = project.lockErrors[manager];
    if (error !== undefined) return fail(`${error}, or pass one of ${offered(project)}`);
    if (project.locks[manager] === undefined) {
      return fail(
        `the project has no ${LOCK_FILE[manager]}: run ${manager} lock first, or pass one of ${offered(project)}`,
      );
    }
    return ok({ kind: manager });
  }
  if (value === 'pip') {
    if (known && !project.manifest)
      return fail(
        `pip installs from pyproject.toml, setup.cfg or setup.py and the project has none: pass one of ${offered(project)}`,
      );
    return ok({ kind: 'pip' });
  }
  if (value === NONE) return ok({ kind: 'none' });
  if (/\.(?:txt|in)$/.test(value)) {
    if (value.length > 200 || !REL_PATH_RE.test(value)) {
      return fail(
        'a requirements file must be a relative path of letters, digits and . _ - /, e.g. requirements/production.txt',
      );
    }
    if (known && !project.requirements.includes(value)) {
      return fail(`${showValue(value)} is not a requirements file of the project: pass one of ${offered(project)}`);
    }
    return ok({ kind: 'requirements', file: value });
  }
  return fail(`must be ${DEPS_RULE}`);
};

export const formatDeps = (deps: Deps): string => (deps.kind === 'requirements' ? deps.file : deps.kind);

export const parsePort = (raw: string): Parsed<number | null> => {
  const value = raw.trim();
  if (value.toLowerCase() === NONE) return ok(null);
  if (/^[1-9][0-9]{0,4}$/.test(value)) {
    const port = Number(value);
    if (port <= 65535) return ok(port);
  }
  return fail('must be a whole number from 1 to 65535, or none');
};

/** The debugpy port of the development override: a port other than the app's, or none (no debugger). */
export const parseDebugPort = (raw: string, known: { port: number | null }): Parsed<number | null> => {
  const parsed = parsePort(raw);
  if (!parsed.ok) return parsed;
  if (parsed.value !== null && parsed.value === known.port) {
    return fail(
      `must differ from --port ${known.port}: the app listens there; debugpy needs a port of its own, e.g. 5678`,
    );
  }
  return parsed;
};

export const parseCi = (raw: string): Parsed<CiKind> => {
  const value = raw.trim();
  const kind = CI_KINDS.find((candidate) => candidate === value);
  return kind === undefined ? fail(oneOf(CI_KINDS)) : ok(kind);
};

export const parseHealth = (raw: string, known: { port: number | null }): Parsed<Health> => {
  const value = raw.trim();
  const health = HEALTH_KINDS.find((kind) => kind === value);
  if (health === undefined) return fail(oneOf(HEALTH_KINDS));
  if ((health === 'http' || health === 'tcp') && known.port === null) {
    return fail(`needs a port: ${health} probes the app on its own port; set --port, or use cmd or none`);
  }
  return ok(health);
};

const HEALTHPATH_RE = /^\/[A-Za-z0-9._~%/-]*(?:\?[A-Za-z0-9._~%=&-]*)?$/;

export const parseHealthPath = (raw: string): Parsed<string> => {
  const value = raw.trim();
  if (value.length <= 200 && HEALTHPATH_RE.test(value) && !/%(?![0-9A-Fa-f]{2})/.test(value)) return ok(value);
  return fail(
    'must be a URL path starting with / made of letters, digits and . _ ~ % - /, with an optional ?query that may add = and &',
  );
};

const WORD_RE = /^[A-Za-z0-9._/:=@%+,-]+$/;

export const parseHealthCmd = (raw: string): Parsed<readonly string[]> => {
  const words = raw.trim() === '' ? [] : raw.trim().split(/ +/);
  if (words.length === 0)
    return fail('must not be empty: give the command the healthcheck runs, e.g. python -m app.health');
  if (words.length > 32 || raw.length > 500 || !words.every((word) => WORD_RE.test(word))) {
    return fail(
      'must be words separated by spaces, each of letters, digits and . _ / : = @ % + , - (no quotes or shell syntax: it runs in exec form, without a shell)',
    );
  }
  return ok(words);
};

/**
 * Trees of the image's own system that a volume may not cover, nor hide by being mounted above them: the OS
 * (/usr, /etc, /lib*, ...), the package databases, the kernel's file systems, the app (/app) and its virtualenv
 * (/opt/venv). A volume there would hide the image's files behind an empty one, or get them chowned to the app
 * user. Paths of one's own (/home/app/data, /srv/data, /var/lib/myapp, /data) are free.
 */
const RESERVED_TREES = [
  '/app',
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/opt/venv',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/sys',
  '/tmp',
  '/usr',
  '/var/lib/dpkg',
  '/var/lib/apt',
  '/var/lib/apk',
  '/var/cache/apt',
  '/var/cache/apk',
  '/var/cache/debconf',
  '/var/lock',
  '/var/run',
];

/** The reserved tree `path` lies in, or hides by being above it; undefined for a path of one's own. */
export const reservedTree = (path: string): { tree: string; above: boolean } | undefined => {
  for (const tree of RESERVED_TREES) {
    if (path === tree || path.startsWith(`${tree}/`)) return { tree, above: false };
    if (path === '/' || tree.startsWith(`${path}/`)) return { tree, above: true };
  }
  return undefined;
};

const VOLUME_RE = /^\/[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

export const parseVolumes = (raw: string): Parsed<readonly string[]> => {
  const items = splitList(raw);
  const volumes: string[] = [];
  if (items.length > 16) return fail('must list at most 16 paths');
  for (const item of items) {
    const path = item.replace(/\/+$/, '');
    if (path.length > 200 || !VOLUME_RE.test(path)) {
      return fail(
        `${showValue(item)} is not an absolute container path: use paths such as /home/app/data made of letters, digits and . _ - /, separated by commas, or none`,
      );
    }
    if (path.split('/').some((segment) => segment === '.' || segment === '..')) {
      return fail(`${showValue(item)} has . or .. in it: write the path plainly`);
    }
    const reserved = reservedTree(path);
    if (reserved !== undefined) {
      const where = reserved.above
        ? `it is above ${reserved.tree}`
        : path === reserved.tree
          ? `${path} is part of the image`
          : `it is inside ${reserved.tree}`;
      return fail(
        `${showValue(item)} would hide or change the image's own files (${where}): choose a path of your own, such as /home/app/data, /srv/data or /data`,
      );
    }
    if (volumes.includes(path)) return fail(`${showValue(item)} is listed twice`);
    volumes.push(path);
  }
  return ok(volumes);
};

const DEB_NAME = '[a-z0-9][a-z0-9+.-]+';
const DEB_PIN_RE = new RegExp(`^(${DEB_NAME})=((?:[0-9]+:)?[0-9][A-Za-z0-9.+~*-]*)$`);
const APK_NAME = '[a-z0-9][a-z0-9+._-]*';
const APK_PIN_RE = new RegExp(`^(${APK_NAME})(~=|=|~)([0-9][A-Za-z0-9._+-]*)$`);
const BARE_RE = /^([a-z0-9][a-z0-9+._-]*)$/;

/** Extra OS packages, each pinned in the syntax of the stack's package manager. */
export const parsePackages = (raw: string, known: { stack: Stack }): Parsed<readonly string[]> => {
  const family = STACKS[known.stack].family;
  const items = splitList(raw);
  if (items.length > 40) return fail('must list at most 40 packages');
  const packages: string[] = [];
  for (const item of items) {
    const bare = BARE_RE.exec(item);
    if (bare && (family === 'alpine' || !item.includes('='))) {
      const name = item.length > 60 ? `${item.slice(0, 60)}…` : item;
      return fail(
        family === 'debian'
          ? `'${name}' is not pinned: write it as ${name}=<version>, e.g. libpq5=15.* (apt-cache policy ${name} in the base image lists its versions)`
          : `'${name}' is not pinned: write it as ${name}~=<version>, e.g. libpq~=17 (apk policy ${name} in the base image lists its versions)`,
      );
    }
    const pattern = family === 'debian' ? DEB_PIN_RE : APK_PIN_RE;
    if (item.length > 120 || !pattern.test(item)) {
      return fail(
        family === 'debian'
          ? `${showValue(item)} is not a pinned Debian package: write name=version, e.g. libpq5=15.* (lowercase name; version of letters, digits and . + ~ - * :)`
          : `${showValue(item)} is not a pinned Alpine package: write name~=version, e.g. libpq~=17 (lowercase name; version of letters, digits and . _ + -)`,
      );
    }
    if (packages.includes(item)) return fail(`${showValue(item)} is listed twice`);
    packages.push(item);
  }
  return ok(packages);
};

export const ID_MIN = 1000;
export const ID_MAX = 2147483647;

export const parseId = (raw: string): Parsed<number> => {
  const value = raw.trim();
  if (/^[1-9][0-9]{3,9}$/.test(value)) {
    const id = Number(value);
    if (id >= ID_MIN && id <= ID_MAX) return ok(id);
  }
  return fail(`must be a whole number from ${ID_MIN} to ${ID_MAX}`);
};

/** Set by the generated Dockerfile itself; a default for them would break the image. */
const RESERVED_ENV = ['PATH', 'VIRTUAL_ENV', 'PYTHONUNBUFFERED', 'PYTHONDONTWRITEBYTECODE', 'HOME'];
const SECRET_RE = /PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY/i;
const ENV_KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_VALUE_RE = /^[A-Za-z0-9._/:@%+=~-]*$/;

export const parseEnv = (raw: string): Parsed<readonly EnvPair[]> => {
  const items = splitList(raw);
  if (items.length > 40) return fail('must list at most 40 variables');
  const pairs: EnvPair[] = [];
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = eq === -1 ? item : item.slice(0, eq);
    const value = eq === -1 ? '' : item.slice(eq + 1);
    if (eq === -1 || key.length > 100 || !ENV_KEY_RE.test(key)) {
      return fail(
        `${showValue(item)} is not KEY=value: KEY is letters, digits and _ and does not start with a digit; pairs are separated by commas`,
      );
    }
    if (value.length > 200 || !ENV_VALUE_RE.test(value)) {
      return fail(
        `the value of ${key} may hold only letters, digits and . _ / : @ % + = ~ - (no spaces, quotes, $ or commas)`,
      );
    }
    if (RESERVED_ENV.includes(key.toUpperCase())) return fail(`${key} is set by the generated Dockerfile itself`);
    if (SECRET_RE.test(key)) {
      return fail(
        `${key} looks like a secret: an ENV default is baked into every layer of the image; pass secrets at run time (compose environment or secrets)`,
      );
    }
    if (pairs.some(([known]) => known === key)) return fail(`${key} is given twice`);
    pairs.push([key, value]);
  }
  return ok(pairs);
};

export const formatList = (items: readonly string[]): string => (items.length === 0 ? NONE : items.join(','));

export const formatEnv = (pairs: readonly EnvPair[]): string =>
  pairs.length === 0 ? NONE : pairs.map(([key, value]) => `${key}=${value}`).join(',');
