/**
 * compose.yaml: one hardened service running the image build.sh makes. Keys are limited to what both
 * Compose v2 and docker-compose 1.29 accept (no top-level name, no deploy.resources.limits.pids, no
 * healthcheck.start_interval); limits use mem_limit/pids_limit/cpus, which both honour.
 *
 * stack.yaml: the same service for `docker stack deploy`. One file cannot serve Compose and Swarm (measured
 * with Compose 2.26.1, docker-compose 1.29.2 and the docker 20.10 and 28 clients; README.Docker.md has the
 * table): Swarm refuses mem_limit and pids_limit and takes its limits from deploy.resources; Compose v2 refuses
 * pids_limit beside a deploy.resources.limits block that has no pids, and docker-compose 1.29 refuses
 * deploy.resources.limits.pids; and Debian's docker 20.10 client refuses a stack file without `version`,
 * which compose.yaml must not have.
 */
import type { ProjectFacts } from '../detect/index.js';
import { COMPOSE_LIMITS } from '../catalogue.js';
import { STACKS } from '../stacks.js';
import type { Answers } from '../model.js';
import { imageBasename } from '../validate.js';
import { yamlScalar, yamlSingleQuoted, yamlString } from './quote.js';

export const COMPOSE_NEEDS = [
  'stack',
  'name',
  'port',
  'health',
  'volumes',
] as const satisfies readonly (keyof Answers)[];
export type ComposeAnswers = Pick<Answers, (typeof COMPOSE_NEEDS)[number]>;

/** The Compose file format docker stack deploy reads: the newest the docker 20.10 client knows. */
export const STACK_FORMAT = '3.9';

export interface ComposeContext {
  /** Quoted service name: a key that stays a string in every YAML version. */
  readonly service: string;
  /** Quoted image reference; the tag comes from $TAG, as printed by build.sh. */
  readonly image: string;
  readonly ports: readonly string[];
  /** `key` is the top-level volume name as a YAML key; `mount` the service's entry (dclint wants it unquoted). */
  readonly volumes: readonly { readonly key: string; readonly path: string; readonly mount: string }[];
  readonly limits: typeof COMPOSE_LIMITS;
  /** The restart policy as a YAML scalar (`"no"` quoted): a batch job runs once; a service or a worker comes back. */
  readonly restart: string;
  /** The project's `.env`, passed to the container at run time (it never reaches the image); null without one. */
  readonly envFile: string | null;
}

const volumeSlug = (segment: string): string =>
  segment
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '');

/**
 * A name that stays a plain string key in YAML 1.1 and 1.2 and fits Compose's name rules (yamlScalar leaves
 * it unquoted); else it gets a prefix (`8`, `yes` or `e0` would be read as a number or a boolean).
 */
export const yamlSafeName = (slug: string, prefix: string): string =>
  yamlScalar(slug) === slug ? slug : `${prefix}-${slug}`;

/**
 * A readable, unique volume name per path: its last segment, with parent segments added until unique.
 * `/home/app/data` -> `data`; `/srv/data` next to it -> `srv-data`.
 */
export const volumeNames = (paths: readonly string[]): string[] => {
  const parts = paths.map((path) =>
    path
      .split('/')
      .map(volumeSlug)
      .filter((part) => part !== ''),
  );
  const nameOf = (index: number, take: number): string =>
    yamlSafeName((parts[index] ?? []).slice(-take).join('-') || 'data', 'vol');
  const used = new Set<string>();
  return parts.map((segments, index) => {
    let take = 1;
    const clashes = (): boolean =>
      parts.some((_other, other) => other !== index && nameOf(other, take) === nameOf(index, take));
    while (take < segments.length && clashes()) take += 1;
    let name = nameOf(index, take);
    for (let suffix = 2; used.has(name); suffix += 1) name = `${nameOf(index, take)}-${suffix}`;
    used.add(name);
    return name;
  });
};

/** The service is named after the image's last path component, as a safe YAML key. */
export const serviceName = (name: string): string => yamlSafeName(imageBasename(name), 'app');

/** A job that runs to its end, as opposed to a service (a port) or a worker (a healthcheck). */
export const isBatchJob = (answers: Pick<Answers, 'stack' | 'port' | 'health'>): boolean =>
  STACKS[answers.stack].notebook || (answers.port === null && answers.health === 'none');

/** What compose.yaml and stack.yaml say alike: the service, the image, the named volumes. */
const serviceBasics = (answers: ComposeAnswers): Pick<ComposeContext, 'service' | 'image' | 'volumes'> => {
  const names = volumeNames(answers.volumes);
  return {
    service: yamlScalar(serviceName(answers.name)),
    image: yamlString(`${answers.name}:\${TAG:-latest}`),
    volumes: answers.volumes.map((path, index) => {
      const name = names[index] ?? `data-${index}`;
      // Validated names and paths need no quotes; dclint asks for none in volume entries.
      return { key: yamlScalar(name), path, mount: `${name}:${path}` };
    }),
  };
};

export const composeContext = (answers: ComposeAnswers, facts: Pick<ProjectFacts, 'dotenv'>): ComposeContext => {
  return {
    envFile: facts.dotenv ? '.env' : null,
    ...serviceBasics(answers),
    // Quoted, in single quotes: the style dclint's require-quotes-in-ports rule asks for.
    ports: answers.port === null ? [] : [yamlSingleQuoted(`127.0.0.1:${answers.port}:${answers.port}`)],
    limits: COMPOSE_LIMITS,
    // A notebook, or a script with no port and no healthcheck, is a job that runs once. "no" comes out quoted:
    // unquoted, YAML 1.1 (docker-compose 1.29) reads it as false.
    restart: yamlScalar(isBatchJob(answers) ? 'no' : 'unless-stopped'),
  };
};

export interface StackContext extends Pick<ComposeContext, 'service' | 'image' | 'volumes' | 'limits'> {
  readonly format: string;
  /** The published port through Swarm's routing mesh (which has no host address to bind to), or null. */
  readonly port: number | null;
  /** `any` for a service or a worker; `none` for a job that runs once. */
  readonly restartCondition: string;
  readonly replicas: number;
  /** How long Swarm watches a new task for failure before it takes the update as done. */
  readonly monitor: string;
}

export const stackContext = (answers: ComposeAnswers): StackContext => ({
  ...serviceBasics(answers),
  format: yamlString(STACK_FORMAT),
  port: answers.port,
  limits: COMPOSE_LIMITS,
  restartCondition: isBatchJob(answers) ? 'none' : 'any',
  replicas: 1,
  monitor: '15s',
});
