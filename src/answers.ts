/**
 * The answers model. Every question the generators can ask is declared here once: its option name (which is
 * also its `.yo-rc.json` key and its prompt name), the prompt text, the --help text, how it is validated
 * (src/validate.ts), how it is written back as text, how its default is found, and which earlier answers it
 * depends on. Generators, the bin's --help and the stored config all derive from this list.
 */
import { CATALOGUE_CHECKED, newestPython, pythonLines, releasesFor } from './catalogue.js';
import type { ProjectFacts } from './detect.js';
import { STACK_NAMES, STACKS, type Stack } from './stacks.js';
import {
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
} from './validate.js';
import { HEALTH_KINDS, type Answers, type Parsed } from './model.js';

export type AnswerName = keyof Answers;
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
  /** Fixed choices make a list prompt; otherwise the prompt is free text. */
  readonly choices?: (known: Known) => readonly string[];
  /** Whether the question applies at all, given earlier answers (e.g. healthpath only for http). */
  readonly applies?: (known: Known) => boolean;
  readonly parse: (raw: string, known: Known) => Parsed<V>;
  readonly format: (value: V) => string;
  /** The default: what the project shows (detection), else the built-in default. */
  readonly defaultValue: (known: Known, facts: ProjectFacts) => V;
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

const defaultEntry = (stack: Stack, facts: ProjectFacts): string => {
  if (STACKS[stack].notebook) return facts.notebooks[0] ?? 'notebook.ipynb';
  return facts.entry ?? 'app.py';
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
    defaultValue: (_known, facts) => (facts.notebooks.length > 0 && !facts.hasPython ? 'jupyter' : 'python-debian'),
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
    name: 'python',
    message: 'Python version?',
    description: `Python X.Y: ${pythonLines().join(', ')} (default: newest in the catalogue of ${CATALOGUE_CHECKED})`,
    after: [],
    choices: () => pythonLines(),
    parse: (raw) => parsePython(raw),
    format: (value) => value,
    defaultValue: () => newestPython(),
  }),
  define({
    name: 'release',
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
    name: 'entry',
    message: 'Entry point (script.py, -m package.module, or notebook.ipynb for jupyter)?',
    description:
      'What the container runs: a script path (app.py), a module (-m pkg.main), or a notebook for jupyter (default: detected)',
    after: ['stack'],
    parse: (raw, known) => parseEntry(raw, { stack: need(known, 'stack') }),
    format: formatEntry,
    defaultValue: (known, facts) => {
      const parsed = parseEntry(defaultEntry(need(known, 'stack'), facts), { stack: need(known, 'stack') });
      if (!parsed.ok) throw new Error(`internal: default entry refused: ${parsed.rule}`);
      return parsed.value;
    },
    detected: (known, facts) =>
      STACKS[need(known, 'stack')].notebook ? facts.notebooks.length > 0 : facts.entry !== undefined,
  }),
  define({
    name: 'port',
    message: 'Port the app listens on (1-65535, or none)?',
    description: 'Port the app listens on, 1-65535 or none (default: detected, else none)',
    after: [],
    parse: (raw) => parsePort(raw),
    format: (value) => (value === null ? 'none' : String(value)),
    defaultValue: (_known, facts) => facts.port ?? null,
    detected: (_known, facts) => facts.port !== undefined,
  }),
  define({
    name: 'health',
    message: 'Healthcheck: http probe, a command, or none?',
    description: 'HEALTHCHECK kind: http, cmd, none (default: http when a port is set, else none)',
    after: ['port'],
    choices: (known) => (known.port === null ? HEALTH_KINDS.filter((kind) => kind !== 'http') : HEALTH_KINDS),
    parse: (raw, known) => parseHealth(raw, { port: need(known, 'port') }),
    format: (value) => value,
    defaultValue: (known) => (need(known, 'port') === null ? 'none' : 'http'),
  }),
  define({
    name: 'healthpath',
    message: 'URL path the http healthcheck probes?',
    description: 'URL path for the http healthcheck (default: /healthz)',
    after: ['health'],
    applies: (known) => known.health === 'http',
    parse: (raw) => parseHealthPath(raw),
    format: (value) => value,
    defaultValue: () => '/healthz',
  }),
  define({
    name: 'healthcmd',
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
    message: 'Container paths that must persist (comma-separated, or none)?',
    description: 'Comma-separated absolute container paths kept in named volumes (default: /home/app/data)',
    after: [],
    parse: (raw) => parseVolumes(raw),
    format: formatList,
    defaultValue: () => ['/home/app/data'],
  }),
  define({
    name: 'packages',
    message: 'Extra OS packages for the final image, pinned (e.g. libpq5=15.*), or none?',
    description: 'Comma-separated pinned OS packages for the final image: libpq5=15.* (Debian), libpq~=17 (Alpine)',
    after: ['stack'],
    parse: (raw, known) => parsePackages(raw, { stack: need(known, 'stack') }),
    format: formatList,
    defaultValue: () => [],
  }),
  define({
    name: 'buildpackages',
    message: 'OS packages needed only to build wheels, pinned, or none?',
    description: 'Comma-separated pinned OS packages for the builder stage only (same syntax as --packages)',
    after: ['stack'],
    parse: (raw, known) => parsePackages(raw, { stack: need(known, 'stack') }),
    format: formatList,
    defaultValue: () => [],
  }),
  define({
    name: 'uid',
    message: 'User id the app runs as (1000-2147483647)?',
    description: 'Numeric user id of the non-root user (default: 10001)',
    after: [],
    parse: (raw) => parseId(raw),
    format: String,
    defaultValue: () => 10001,
  }),
  define({
    name: 'gid',
    message: 'Group id the app runs as (1000-2147483647)?',
    description: 'Numeric group id of the non-root user (default: 10001)',
    after: [],
    parse: (raw) => parseId(raw),
    format: String,
    defaultValue: () => 10001,
  }),
  define({
    name: 'env',
    message: 'ENV defaults baked into the image (KEY=value, comma-separated), or none?',
    description: 'Comma-separated KEY=value defaults baked in as ENV (no secrets)',
    after: [],
    parse: (raw) => parseEnv(raw),
    format: formatEnv,
    defaultValue: () => [],
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
