/** README.Docker.md: the commands for this project, what was detected and why, and why each choice was made. */
import { CONVERTER, PYTHON, osRelease, pythonImage } from '../catalogue.js';
import type { ProjectFacts } from '../detect/index.js';
import type { Answers } from '../model.js';
import { STACKS } from '../stacks.js';
import { formatDeps, formatEntry } from '../validate.js';
import { serviceName, volumeNames } from './compose.js';
import { convertedScript } from './dockerfile.js';
import { commandPort, commandPortReason } from '../servers.js';
import { installPlan } from './install.js';

export const DOCS_NEEDS = [
  'stack',
  'name',
  'python',
  'release',
  'entry',
  'deps',
  'port',
  'health',
  'healthpath',
  'volumes',
  'uid',
  'gid',
] as const satisfies readonly (keyof Answers)[];
export type DocsAnswers = Pick<Answers, (typeof DOCS_NEEDS)[number]>;

export type DocsFacts = Pick<
  ProjectFacts,
  'entry' | 'port' | 'healthpath' | 'python' | 'dependencies' | 'pyproject' | 'oneOffs' | 'django'
>;

/** An answer and where it came from: what the project shows (with why), or what was given. */
export interface Origin {
  readonly answer: string;
  readonly value: string;
  readonly why: string;
}

export interface DocsContext {
  readonly name: string;
  readonly service: string;
  readonly stackLabel: string;
  /** Present for a notebook entry; null otherwise. */
  readonly notebook: { readonly path: string; readonly script: string; readonly converter: string } | null;
  readonly base: string;
  readonly osLabel: string;
  readonly port: number | null;
  readonly health: string;
  readonly volumes: readonly { readonly name: string; readonly path: string }[];
  readonly uid: number;
  readonly gid: number;
  /** What runs, how the dependencies install, the port and health check, the Python line: and why. */
  readonly origins: readonly Origin[];
  /** How the builder fills the virtualenv, in a sentence. */
  readonly install: string;
  /** The server installed because the project does not declare it (`gunicorn==26.2.0`), or null. */
  readonly addedServer: string | null;
  /** Things about the install the user should know. */
  readonly notes: readonly string[];
  /** Commands to run once, outside the serving container: `docker compose run --rm <service> ...`. */
  readonly oneOffs: readonly { readonly command: string; readonly why: string }[];
}

/** A shell line showing exec-form words (for documentation). */
const shellLine = (argv: readonly string[]): string =>
  argv.map((word) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');

const origins = (answers: DocsAnswers, facts: DocsFacts): Origin[] => {
  const given = 'given (option, prompt or .yo-rc.json)';
  const entry = formatEntry(answers.entry);
  const deps = formatDeps(answers.deps);
  const list: Origin[] = [
    { answer: 'entry', value: entry, why: facts.entry?.value === entry ? facts.entry.why : given },
    {
      answer: 'deps',
      value: deps,
      why: facts.dependencies.detected.value === deps ? facts.dependencies.detected.why : given,
    },
    {
      answer: 'port',
      value: answers.port === null ? 'none' : String(answers.port),
      why:
        facts.port !== undefined && facts.port.value === answers.port && facts.entry?.value === entry
          ? facts.port.why
          : answers.port === null
            ? 'no port: a job or worker'
            : answers.entry.kind === 'command' && commandPort(answers.entry.argv) === answers.port
              ? (commandPortReason(answers.entry.argv) ?? given)
              : given,
    },
    {
      answer: 'health',
      value: answers.health === 'http' ? `http ${answers.healthpath}` : answers.health,
      why:
        answers.health === 'http' && facts.healthpath?.value === answers.healthpath
          ? facts.healthpath.why
          : answers.health === 'tcp'
            ? 'the code shows no health route, so the check connects to the port'
            : given,
    },
    {
      answer: 'python',
      value: answers.python,
      why: facts.python?.value === answers.python ? facts.python.why : 'the newest line of the version catalogue',
    },
  ];
  return list;
};

export const docsContext = (answers: DocsAnswers, facts: DocsFacts): DocsContext => {
  const traits = STACKS[answers.stack];
  const version = PYTHON[answers.python]?.version ?? answers.python;
  const base = pythonImage(traits.family, version, answers.release);
  const names = volumeNames(answers.volumes);
  const service = serviceName(answers.name);
  const plan = installPlan(answers.deps, answers.entry, facts);
  const migrate =
    facts.django !== undefined && !facts.oneOffs.some((oneOff) => oneOff.argv.includes('migrate'))
      ? [
          {
            argv: ['python', facts.django.dir === '' ? 'manage.py' : `${facts.django.dir}/manage.py`, 'migrate'],
            why: "Django's migrations, once per release, before the new containers serve",
          },
        ]
      : [];
  return {
    name: answers.name,
    service,
    stackLabel: traits.label,
    notebook:
      answers.entry.kind === 'notebook'
        ? {
            path: answers.entry.path,
            script: convertedScript(answers.entry.path),
            converter: `${CONVERTER.image}:${CONVERTER.tag}`,
          }
        : null,
    base,
    osLabel: osRelease(traits.family, answers.release)?.label ?? answers.release,
    port: answers.port,
    health:
      answers.health === 'http'
        ? `an HTTP GET of ${answers.healthpath} on port ${answers.port ?? ''}, made with Python's standard library (no curl in the image)`
        : answers.health === 'tcp'
          ? `a TCP connect to port ${answers.port ?? ''}, made with Python's standard library: the app answers on its port`
          : answers.health === 'cmd'
            ? 'the command you gave, run in exec form'
            : 'none (HEALTHCHECK NONE): a batch job or worker has nothing to probe',
    volumes: answers.volumes.map((path, index) => ({ name: names[index] ?? path, path })),
    uid: answers.uid,
    gid: answers.gid,
    origins: origins(answers, facts),
    install: plan.summary,
    addedServer: plan.addedServer ?? null,
    notes: plan.notes,
    oneOffs: [...facts.oneOffs, ...migrate].map((oneOff) => ({
      command: `docker compose run --rm ${service} ${shellLine(oneOff.argv)}`,
      why: oneOff.why,
    })),
  };
};
