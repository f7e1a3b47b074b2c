/**
 * Readers of the generated files, for the engine harness: what compose.yaml and the Dockerfile say about the
 * image and the container (service, image repository, volumes, ports; user, base image, stages, workdir).
 * Parsed with yaml and dockerfile-ast, never matched as text.
 */
import { parse as parseYaml } from 'yaml';
import { byKeyword, execArgs, parseDockerfile, runText } from '../dockerfile.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export interface ComposeFacts {
  readonly service: string;
  /** The image repository compose runs (`<name>` of `<name>:${TAG:-latest}`). */
  readonly repository: string;
  /** Container paths of the named volumes. */
  readonly volumes: readonly string[];
  /** Host ports published on 127.0.0.1. */
  readonly ports: readonly number[];
}

export const readCompose = (text: string): ComposeFacts => {
  const doc: unknown = parseYaml(text);
  const services = isRecord(doc) && isRecord(doc.services) ? doc.services : {};
  const [service, definition] = Object.entries(services)[0] ?? [];
  if (service === undefined || !isRecord(definition)) throw new Error(`compose.yaml has no service:\n${text}`);
  const image = typeof definition.image === 'string' ? definition.image : '';
  const match = /^(.+):\$\{TAG:-latest\}$/.exec(image);
  if (!match?.[1]) throw new Error(`compose.yaml: image ${JSON.stringify(image)} is not <name>:\${TAG:-latest}`);
  const volumes = (Array.isArray(definition.volumes) ? definition.volumes : [])
    .filter((entry): entry is string => typeof entry === 'string')
    .map((entry) => entry.split(':')[1] ?? '')
    .filter((path) => path.startsWith('/'));
  const ports = (Array.isArray(definition.ports) ? definition.ports : [])
    .filter((entry): entry is string => typeof entry === 'string')
    .map((entry) => Number(entry.split(':')[1]));
  return { service, repository: match[1], volumes, ports };
};

export interface DockerfileFacts {
  /** The final USER, numeric `uid:gid`. */
  readonly uid: number;
  readonly gid: number;
  /** The final stage's base image, global ARGs substituted (e.g. `python:3.15.0-slim-trixie`). */
  readonly base: string;
  readonly stages: readonly string[];
  /** The last WORKDIR: where the app lives. */
  readonly workdir: string;
  /** What the container runs: the final CMD's words (exec form). */
  readonly cmd: readonly string[];
}

export const readDockerfile = (text: string): DockerfileFacts => {
  const dockerfile = parseDockerfile(text);
  const users = byKeyword(dockerfile, 'USER');
  const user = users.length === 0 ? '' : runText(users[users.length - 1]!);
  const ids = /^(\d+):(\d+)$/.exec(user);
  if (!ids) throw new Error(`the Dockerfile's final USER is ${JSON.stringify(user)}, not a numeric uid:gid`);
  const workdirs = byKeyword(dockerfile.final, 'WORKDIR');
  const cmds = byKeyword(dockerfile.final, 'CMD');
  return {
    uid: Number(ids[1]),
    gid: Number(ids[2]),
    base: dockerfile.final.image,
    stages: dockerfile.stages.map((stage) => stage.name ?? ''),
    workdir: workdirs.length === 0 ? '/' : runText(workdirs[workdirs.length - 1]!),
    cmd: cmds.length === 0 ? [] : execArgs(cmds[cmds.length - 1]!),
  };
};
