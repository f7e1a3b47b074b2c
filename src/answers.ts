/**
 * The answers model. Every question the generators can ask is declared here once: its option name (which is
 * also its `.yo-rc.json` key and its prompt name), the prompt text, the --help text, how it is validated
 * (src/validate.ts), how it is written back as text, how its default is found, and which earlier answers it
 * depends on. Generators, the bin's --help and the stored config all derive from this list.
 */
import { CATALOGUE_CHECKED, newestPython, pythonLines, releasesFor } from './catalogue.js';
import type { ProjectFacts } from './detect/index.js';
import { commandPort, serverOf } from './servers.js';
import { STACK_NAMES, STACKS, type Stack } from './stacks.js';
import {
  parseCi,
  parseDebugPort,
  formatEntry,
  formatEnv,
  formatList,
  parseEntry,
  parseEnv,
  parseHealth,
  parseHealthCmd,
  parseHealthPath,
  parseId,
  parseName,
  parsePackages,
  parsePort,
  parsePython,
  parseRelease,
  parseStack,
  parseVolumes,
  sanitiseName,
  formatDeps,
  parseDeps,
  type DepsView,
  type ProjectView,
} from './validate.js';
import { CI_KINDS, HEALTH_KINDS, type Answers, type Entry, type Parsed } from './model.js';

export type AnswerName = keyof Answers;

/** GitLab's pipeline file: a project that has one gets a GitLab CI job by default. */
export const GITLAB_CI_FILE = '.gitlab-ci.yml';
export type Known = Partial<Answers>;

/** A question whose answer has type V. */
interface QuestionSpec<V> {
  readonly name: AnswerName;
  /** Prompt text. */
  readonly message: string;
  /** --help text. */
  readonly description: string;
  /** Answers this one is validated or defaulted against; they are settled first. */
  readonly after: readonly AnswerName[];
  /**
   * A detail, named as the confirm lists it: asked only when the user chooses to customise the details (one
   * confirm after the questions everyone answers); otherwise its default is taken.
   */
  readonly detail?: string;
  /** Fixed choices make a list prompt; otherwise the prompt is free text. */
  readonly choices?: (known: Known) => readonly string[];
  /** Whether the question applies at all, given earlier answers (e.g. healthpath only for http). */
  readonly applies?: (known: Known) => boolean;
  /** Parse a typed answer, given the answers settled before it and what the project holds. */
  readonly parse: (raw: string, known: Known, facts: ProjectFacts) => Parsed<V>;
  readonly format: (value: V) => string;
  /**
   * The default: what the project shows (detection), else the built-in default; undefined when there is
   * none that would work (then the answer must be given).
   */
  readonly defaultValue: (known: Known, facts: ProjectFacts) => V | undefined;
  /** Why there is no default, and what to give instead (when defaultValue can be undefined). */
  readonly noDefault?: (facts: ProjectFacts) => string;
  /** Whether the default came from the project (shown as "detected" in the prompt). */
  readonly detected?: (known: Known, facts: ProjectFacts) => boolean;
  /** Turn a preset's text into a value's text, given the default's text (e.g. a registry prefix for name). */
  readonly fromPreset?: (text: string, fallback: string) => string;
}

export type Question<K extends AnswerName> = QuestionSpec<Answers[K]> & { readonly name: K };

type AnyQuestion = { [K in AnswerName]: Question<K> }[AnswerName];

/** A question seen without its answer type, as the resolution loop handles them all alike. */
export type QuestionView = QuestionSpec<unknown>;

const need = <K extends AnswerName>(known: Known, key: K): Answers[K] => {
  const value = known[key];
  if (value === undefined) throw new Error(`internal: answer ${key} is needed before it is settled`);
  return value;
};

const define = <K extends AnswerName>(question: Question<K>): Question<K> => question;

/** The project as entry validation sees it: its files and its declared packages. */
const projectView = (facts: ProjectFacts): ProjectView => ({
  paths: facts.paths,
  declared: facts.dependencies.declared,
});

/**
 * The entry the project suggests for a stack: the detected one; in a project with no sources at all (a new
 * repository) the conventional `app.py` or `notebook.ipynb`; otherwise none (it must be given).
 */
const defaultEntry = (stack: Stack, facts: ProjectFacts): string | undefined => {
  const empty = !facts.paths.some((path) => path.endsWith('.py') || path.endsWith('.ipynb'));
  if (STACKS[stack].notebook) return facts.notebookEntry?.value ?? (empty ? 'notebook.ipynb' : undefined);
  return facts.entry?.value ?? (empty ? 'app.py' : undefined);
};

/** The project as --deps validation sees it. */
const depsView = (facts: ProjectFacts): DepsView => ({
  paths: facts.paths,
  locks: facts.dependencies.locks,
  lockErrors: facts.dependencies.lockErrors,
  requirements: facts.dependencies.requirements.map((file) => file.file),
  manifest: facts.pyproject !== undefined || facts.dependencies.setupPy || facts.dependencies.setupCfg,
});

/** Whether `entry` is the entry detection found (its port and health route then apply). */
const isDetectedEntry = (entry: Entry, facts: ProjectFacts): boolean =>
  facts.entry !== undefined && formatEntry(entry) === facts.entry.value;

/** The port an entry listens on: detected for the detected entry, else its server's flags or default. */
export const entryPort = (entry: Entry, facts: ProjectFacts): number | undefined => {
  if (isDetectedEntry(entry, facts) && facts.port !== undefined) return facts.port.value;
  return entry.kind === 'command' ? commandPort(entry.argv) : undefined;
};

/** A health route known for an entry: its server's own (Streamlit), else the one the code shows. */
export const entryHealthPath = (entry: Entry, facts: ProjectFacts): string | undefined => {
  const server = entry.kind === 'command' ? serverOf(entry.argv) : undefined;
  return server?.healthPath ?? facts.healthpath?.value;
};

export const QUESTIONS: readonly AnyQuestion[] = [
  define({
    name: 'stack',
    message: 'Which stack?',
    description: `Base stack: ${STACK_NAMES.join(', ')} (default: detected, notebooks only -> jupyter, else python-debian)`,
    after: [],
    choices: () => STACK_NAMES,
    parse: (raw) => parseStack(raw),
    format: (value) => value,
    defaultValue: (_known, facts) => (facts.notebookProject ? 'jupyter' : 'python-debian'),
    detected: (_known, facts) => facts.notebooks.length > 0 || facts.hasPython,
  }),
  define({
    name: 'name',
    message: 'Image name (lowercase, optional registry/namespace/ prefix)?',
    description: 'Image name, e.g. registry.example.com/team/app (default: the project folder name, sanitised)',
    after: [],
    parse: (raw) => parseName(raw),
    format: (value) => value,
    defaultValue: (_known, facts) => sanitiseName(facts.projectName ?? facts.folderName),
    detected: (_known, facts) => facts.projectName !== undefined,
    // A team preset may give only the registry and namespace: "registry.acme.dev/shop/".
    fromPreset: (text, fallback) => (text.endsWith('/') ? `${text}${fallback}` : text),
  }),
  define({
    name: 'entry',
    message: 'What the container runs: a script, -m module, a command (gunicorn app:app), or a notebook for jupyter?',
    description:
      'What the container runs: a script (app.py), a module (-m pkg.main), a command run without a shell (gunicorn shop.wsgi, uvicorn app.main:app), or a notebook for jupyter (default: detected)',
    after: ['stack'],
    parse: (raw, known, facts) => parseEntry(raw, { stack: need(known, 'stack') }, projectView(facts)),
    format: formatEntry,
    defaultValue: (known, facts) => {
      const text = defaultEntry(need(known, 'stack'), facts);
      if (text === undefined) return undefined;
      const parsed = parseEntry(text, { stack: need(known, 'stack') }, projectView(facts));
      return parsed.ok ? parsed.value : undefined;
    },
    detected: (known, facts) =>
      STACKS[need(known, 'stack')].notebook ? facts.notebookEntry !== undefined : facts.entry !== undefined,
    noDefault: (facts) => {
      const scripts = facts.paths.filter((path) => path.endsWith('.py') && !path.includes('/')).slice(0, 3);
      const example = scripts[0] ?? 'app.py';
      return (
        `nothing to run was detected in this project${scripts.length > 0 ? ` (it has ${scripts.join(', ')})` : ''}: ` +
        `give --entry ${example}, --entry "-m package.module", or a command such as --entry "gunicorn app:app"`
      );
    },
  }),
  define({
    name: 'port',
    message: 'Port the app listens on (1-65535, or none)?',
    description:
      "Port the app listens on, 1-65535 or none (default: the server's flags or its default port, PORT defaults in the code, else none)",
    after: ['entry'],
    parse: (raw) => parsePort(raw),
    format: (value) => (value === null ? 'none' : String(value)),
    defaultValue: (known, facts) => entryPort(need(known, 'entry'), facts) ?? null,
    detected: (known, facts) => entryPort(need(known, 'entry'), facts) !== undefined,
  }),
  define({
    name: 'python',
    detail: 'Python',
    message: 'Python version?',
    description: `Python X.Y: ${pythonLines().join(', ')} (default: newest in the catalogue of ${CATALOGUE_CHECKED})`,
    after: [],
    choices: () => pythonLines(),
    parse: (raw) => parsePython(raw),
    format: (value) => value,
    defaultValue: (_known, facts) => facts.python?.value ?? newestPython(),
    detected: (_known, facts) => facts.python !== undefined,
  }),
  define({
    name: 'release',
    detail: 'OS release',
    message: 'Base OS release?',
    description: 'Debian codename (trixie, bookworm) or Alpine branch (3.24) of the base image (default: newest)',
    after: ['stack', 'python'],
    choices: (known) => releasesFor(STACKS[need(known, 'stack')].family, need(known, 'python')),
    parse: (raw, known) => parseRelease(raw, { stack: need(known, 'stack'), python: need(known, 'python') }),
    format: (value) => value,
    defaultValue: (known) => {
      const [newest] = releasesFor(STACKS[need(known, 'stack')].family, need(known, 'python'));
      if (newest === undefined) throw new Error(`internal: no release for python ${need(known, 'python')}`);
      return newest;
    },
  }),
  define({
    name: 'deps',
    detail: 'dependencies',
    message:
      'How do the dependencies install: uv, poetry, pdm, pipenv (from their lock), a requirements file, pip (pyproject.toml), or none?',
    description:
      'How the dependencies install: uv, poetry, pdm or pipenv from their lock file; a requirements file (requirements/production.txt) with pip; pip from pyproject.toml/setup.cfg/setup.py; none (default: detected, a lock first)',
    after: [],
    parse: (raw, _known, facts) => parseDeps(raw, depsView(facts)),
    format: formatDeps,
    defaultValue: (_known, facts) => {
      if (facts.dependencies.unusable !== undefined) return undefined;
      const parsed = parseDeps(facts.dependencies.detected.value, depsView(facts));
      return parsed.ok ? parsed.value : undefined;
    },
    detected: (_known, facts) => facts.dependencies.detected.value !== 'none',
    noDefault: (facts) => {
      if (facts.dependencies.unusable !== undefined) return facts.dependencies.unusable;
      const parsed = parseDeps(facts.dependencies.detected.value, depsView(facts));
      return parsed.ok ? 'it has no default' : parsed.rule;
    },
  }),
  define({
    name: 'health',
    detail: 'health check',
    message: 'Healthcheck: http (a health route), tcp (the port answers), a command, or none?',
    description:
      'HEALTHCHECK kind: http, tcp, cmd, none (default: http when the code shows a health route, else tcp when there is a port, else none)',
    after: ['entry', 'port'],
    choices: (known) =>
      known.port === null ? HEALTH_KINDS.filter((kind) => kind !== 'http' && kind !== 'tcp') : HEALTH_KINDS,
    parse: (raw, known) => parseHealth(raw, { port: need(known, 'port') }),
    format: (value) => value,
    defaultValue: (known, facts) =>
      need(known, 'port') === null
        ? 'none'
        : entryHealthPath(need(known, 'entry'), facts) !== undefined
          ? 'http'
          : 'tcp',
    detected: (known, facts) =>
      need(known, 'port') !== null && entryHealthPath(need(known, 'entry'), facts) !== undefined,
  }),
  define({
    name: 'healthpath',
    detail: 'health check',
    message: 'URL path the http healthcheck probes?',
    description: 'URL path for the http healthcheck (default: the health route detected in the code)',
    after: ['entry', 'health'],
    applies: (known) => known.health === 'http',
    parse: (raw) => parseHealthPath(raw),
    format: (value) => value,
    defaultValue: (known, facts) => entryHealthPath(need(known, 'entry'), facts) ?? '/healthz',
    detected: (known, facts) => entryHealthPath(need(known, 'entry'), facts) !== undefined,
  }),
  define({
    name: 'healthcmd',
    detail: 'health check',
    message: 'Healthcheck command (words, run without a shell)?',
    description: 'Command for the cmd healthcheck, run in exec form, e.g. "python -m app.health"',
    after: ['health'],
    applies: (known) => known.health === 'cmd',
    parse: (raw) => parseHealthCmd(raw),
    format: (value) => value.join(' '),
    // No default: a cmd healthcheck needs the user's own command.
    defaultValue: () => [],
  }),
  define({
    name: 'volumes',
    detail: 'volumes',
    message: 'Container paths that must persist (comma-separated, or none)?',
    description: 'Comma-separated absolute container paths kept in named volumes (default: /home/app/data)',
    after: [],
    parse: (raw) => parseVolumes(raw),
    format: formatList,
    defaultValue: () => ['/home/app/data'],
  }),
  define({
    name: 'packages',
    detail: 'OS packages',
    message: 'Extra OS packages for the final image, pinned (e.g. libpq5=15.*), or none?',
    description: 'Comma-separated pinned OS packages for the final image: libpq5=15.* (Debian), libpq~=17 (Alpine)',
    after: ['stack'],
    parse: (raw, known) => parsePackages(raw, { stack: need(known, 'stack') }),
    format: formatList,
    defaultValue: () => [],
  }),
  define({
    name: 'buildpackages',
    detail: 'OS packages',
    message: 'OS packages needed only to build wheels, pinned, or none?',
    description: 'Comma-separated pinned OS packages for the builder stage only (same syntax as --packages)',
    after: ['stack'],
    parse: (raw, known) => parsePackages(raw, { stack: need(known, 'stack') }),
    format: formatList,
    defaultValue: () => [],
  }),
  define({
    name: 'uid',
    detail: 'user ids',
    message: 'User id the app runs as (1000-2147483647)?',
    description: 'Numeric user id of the non-root user (default: 10001)',
    after: [],
    parse: (raw) => parseId(raw),
    format: String,
    defaultValue: () => 10001,
  }),
  define({
    name: 'gid',
    detail: 'user ids',
    message: 'Group id the app runs as (1000-2147483647)?',
    description: 'Numeric group id of the non-root user (default: 10001)',
    after: [],
    parse: (raw) => parseId(raw),
    format: String,
    defaultValue: () => 10001,
  }),
  define({
    name: 'env',
    detail: 'ENV',
    message: 'ENV defaults baked into the image (KEY=value, comma-separated), or none?',
    description: 'Comma-separated KEY=value defaults baked in as ENV (no secrets)',
    after: [],
    parse: (raw) => parseEnv(raw),
    format: formatEnv,
    defaultValue: () => [],
  }),
  define({
    name: 'debugport',
    detail: 'debugger',
    message: 'Port for the debugpy debugger in the development override (compose.dev.yaml), or none?',
    description:
      'debugpy port the development override (compose.dev.yaml) publishes on 127.0.0.1, e.g. 5678, or none (default: none)',
    after: ['port'],
    parse: (raw, known) => parseDebugPort(raw, { port: need(known, 'port') }),
    format: (value) => (value === null ? 'none' : String(value)),
    defaultValue: () => null,
  }),
  define({
    name: 'ci',
    detail: 'CI',
    message: 'CI workflow that builds, checks and pushes the image: github, gitlab, or none?',
    description: `CI workflow to write: ${CI_KINDS.join(', ')} (default: gitlab when .gitlab-ci.yml exists, else github)`,
    after: [],
    choices: () => CI_KINDS,
    parse: (raw) => parseCi(raw),
    format: (value) => value,
    defaultValue: (_known, facts) => (facts.paths.includes(GITLAB_CI_FILE) ? 'gitlab' : 'github'),
    detected: (_known, facts) => facts.paths.includes(GITLAB_CI_FILE),
  }),
];

export const questionNamed = (name: AnswerName): QuestionView => {
  const question = QUESTIONS.find((candidate) => candidate.name === name);
  if (!question) throw new Error(`internal: no question ${name}`);
  return question as unknown as QuestionView;
};

export const ANSWER_NAMES: readonly AnswerName[] = QUESTIONS.map((question) => question.name);

/** The answers `names` depend on, transitively, in question order. */
export const withPrerequisites = (names: readonly AnswerName[]): AnswerName[] => {
  const wanted = new Set<AnswerName>();
  const visit = (name: AnswerName): void => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const before of questionNamed(name).after) visit(before);
  };
  for (const name of names) visit(name);
  return ANSWER_NAMES.filter((name) => wanted.has(name));
};
