/** README.Docker.md: the commands for this project and why each choice was made. */
import { CONVERTER, PYTHON, osRelease, pythonImage } from '../catalogue.js';
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
}

export const docsContext = (answers: DocsAnswers): DocsContext => {
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
  };
};
