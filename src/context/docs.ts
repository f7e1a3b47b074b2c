/** README.Docker.md: the commands for this project and why each choice was made. */
import { COMPOSE_LIMITS, CONVERTER, DEBUGPY, PYTHON, osRelease, pythonImage } from '../catalogue.js';
import { ciContext, ciDestination } from './ci.js';
import { APP_DIR } from './dockerfile.js';
import { DEV_CAPABILITIES, DEV_TAG, devCommand, rebuildPaths, type DevFacts } from './dev.js';
import { STACKS } from '../stacks.js';
import type { Answers } from '../model.js';
import { serviceName, volumeNames } from './compose.js';
import { convertedScript } from './dockerfile.js';

export const DOCS_NEEDS = [
  'stack',
  'name',
  'python',
  'release',
  'entry',
  'port',
  'health',
  'healthpath',
  'volumes',
  'uid',
  'gid',
  'debugport',
  'ci',
] as const satisfies readonly (keyof Answers)[];
export type DocsAnswers = Pick<Answers, (typeof DOCS_NEEDS)[number]>;

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
  /** The development loop (compose.dev.yaml). */
  readonly dev: {
    readonly tag: string;
    readonly command: string;
    readonly reloads: boolean;
    readonly rebuild: readonly string[];
    readonly appDir: string;
    readonly capabilities: string;
    readonly debugport: number | null;
    readonly debugpy: string;
  };
  /** The CI file and the secrets it needs; null for --ci none. */
  readonly ci: {
    readonly provider: string;
    readonly file: string;
    readonly registry: string;
    readonly secrets: readonly { readonly name: string; readonly kind: string; readonly holds: string }[];
  } | null;
  readonly limits: typeof COMPOSE_LIMITS;
}

/** A command as a reader types it: words joined by spaces (display only; validated words, no shell syntax). */
const shown = (argv: readonly string[]): string => argv.join(' ');

export const docsContext = (answers: DocsAnswers, facts: DevFacts): DocsContext => {
  const traits = STACKS[answers.stack];
  const version = PYTHON[answers.python]?.version ?? answers.python;
  const base = pythonImage(traits.family, version, answers.release);
  const names = volumeNames(answers.volumes);
  return {
    name: answers.name,
    service: serviceName(answers.name),
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
        : answers.health === 'cmd'
          ? 'the command you gave, run in exec form'
          : 'none (HEALTHCHECK NONE): a batch job or worker has nothing to probe',
    volumes: answers.volumes.map((path, index) => ({ name: names[index] ?? path, path })),
    uid: answers.uid,
    gid: answers.gid,
    dev: (() => {
      const run = devCommand(answers.entry, answers.port, facts);
      return {
        tag: DEV_TAG,
        command: shown(run.argv),
        reloads: run.reloads,
        rebuild: rebuildPaths(answers.entry, facts),
        appDir: APP_DIR,
        capabilities: DEV_CAPABILITIES.join(', '),
        debugport: answers.debugport,
        debugpy: DEBUGPY.version,
      };
    })(),
    ci: (() => {
      const file = ciDestination(answers);
      if (file === null) return null;
      const ci = ciContext(answers);
      return {
        provider: answers.ci === 'gitlab' ? 'GitLab CI' : 'GitHub Actions',
        file,
        registry: ci.registryHost,
        secrets: ci.credentials.setup,
      };
    })(),
    limits: COMPOSE_LIMITS,
  };
};
