/**
 * The CI workflow: on every push, Docker's build checks, then a multi-arch build (linux/amd64, linux/arm64)
 * with buildx, its layers cached (GitHub Actions cache, or the registry for GitLab), an SBOM and a provenance
 * attestation attached, tagged like build.sh (the 12-character commit; latest only from the default branch)
 * and pushed to the registry the image name names (Docker Hub when it names none).
 *
 * `--ci github` writes .github/workflows/docker.yml, `--ci gitlab` writes .gitlab-ci.yml, `--ci none` nothing.
 * Every action and image is pinned in the catalogue. The credentials come from CI secrets whose names this
 * context decides and README.Docker.md lists.
 */
import { CI_PLATFORMS, GITHUB_ACTIONS, GITLAB_IMAGES } from '../catalogue.js';
import type { Answers, CiKind } from '../model.js';
import { yamlString } from './quote.js';

export const CI_NEEDS = ['name', 'ci'] as const satisfies readonly (keyof Answers)[];
export type CiAnswers = Pick<Answers, (typeof CI_NEEDS)[number]>;

/** Where each kind of CI file goes; `none` writes nothing. */
export const CI_FILES: Readonly<Record<Exclude<CiKind, 'none'>, string>> = {
  github: '.github/workflows/docker.yml',
  gitlab: '.gitlab-ci.yml',
};

export const ciDestination = (answers: Pick<Answers, 'ci'>): string | null =>
  answers.ci === 'none' ? null : CI_FILES[answers.ci];

/** Docker Hub's names for itself: an image name without a registry host goes there. */
const DOCKER_HUB_HOSTS = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];

export interface Registry {
  /** The registry host as the image name gives it; `docker.io` when it gives none. */
  readonly host: string;
  readonly dockerHub: boolean;
  /** The repository path without the host: `team/app`, or `app`. */
  readonly path: string;
}

/**
 * The registry an image name pushes to: its first component when that looks like a host (a dot, a port or
 * `localhost`, as Docker reads it), else Docker Hub.
 */
export const registryOf = (name: string): Registry => {
  const [first = '', ...rest] = name.split('/');
  const isHost = rest.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const host = isHost ? first : 'docker.io';
  return { host, dockerHub: DOCKER_HUB_HOSTS.includes(host), path: isHost ? rest.join('/') : name };
};

/** GitHub's own registry: the workflow's token can push there, nothing to set up. */
const isGhcr = (registry: Registry): boolean => registry.host === 'ghcr.io';

/** A GitLab container registry: the job's predefined CI_REGISTRY_* credentials push there. */
const isGitlabRegistry = (registry: Registry): boolean => /(^|\.)gitlab\./.test(registry.host);

/** What CI logs in with, as the CI system spells a secret, and the secrets a user must create (for the docs). */
export interface Credentials {
  readonly username: string;
  readonly password: string;
  /** The secrets and variables the user creates in the CI settings, with what each holds; none for built-in ones. */
  readonly setup: readonly { readonly name: string; readonly kind: string; readonly holds: string }[];
}

/** How a CI system spells a reference to a stored variable or secret, and what its settings call them. */
interface Spelling {
  readonly variable: (name: string) => string;
  readonly secret: (name: string) => string;
  readonly variableKind: string;
  readonly secretKind: string;
}

const SPELLINGS: Readonly<Record<'github' | 'gitlab', Spelling>> = {
  github: {
    variable: (name) => `\${{ vars.${name} }}`,
    secret: (name) => `\${{ secrets.${name} }}`,
    variableKind: 'repository variable',
    secretKind: 'repository secret',
  },
  gitlab: {
    variable: (name) => `$${name}`,
    secret: (name) => `$${name}`,
    variableKind: 'CI/CD variable',
    secretKind: 'CI/CD variable, masked',
  },
};

/** The credentials the job's own token gives for the CI system's registry; undefined for any other registry. */
const builtIn = (registry: Registry, provider: 'github' | 'gitlab'): Credentials | undefined => {
  if (provider === 'github' && isGhcr(registry)) {
    return { username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}', setup: [] };
  }
  if (provider === 'gitlab' && isGitlabRegistry(registry)) {
    return { username: '$CI_REGISTRY_USER', password: '$CI_REGISTRY_PASSWORD', setup: [] };
  }
  return undefined;
};

const credentialsFor = (registry: Registry, provider: 'github' | 'gitlab'): Credentials => {
  const own = builtIn(registry, provider);
  if (own !== undefined) return own;
  const spell = SPELLINGS[provider];
  if (registry.dockerHub) {
    return {
      username: spell.variable('DOCKERHUB_USERNAME'),
      password: spell.secret('DOCKERHUB_TOKEN'),
      setup: [
        { name: 'DOCKERHUB_USERNAME', kind: spell.variableKind, holds: 'your Docker Hub user name' },
        { name: 'DOCKERHUB_TOKEN', kind: spell.secretKind, holds: 'a Docker Hub access token with push rights' },
      ],
    };
  }
  return {
    username: spell.secret('REGISTRY_USERNAME'),
    password: spell.secret('REGISTRY_PASSWORD'),
    setup: [
      { name: 'REGISTRY_USERNAME', kind: spell.secretKind, holds: `the user name for ${registry.host}` },
      {
        name: 'REGISTRY_PASSWORD',
        kind: spell.secretKind,
        holds: `a password or token that may push to ${registry.host}`,
      },
    ],
  };
};

/**
 * The image the CI pushes. A Docker Hub name without a namespace (`app`) cannot be pushed as it is (it would
 * be an official image), so CI pushes it under the Docker Hub user: `<DOCKERHUB_USERNAME>/app`.
 */
const pushedImage = (name: string, registry: Registry, provider: 'github' | 'gitlab'): string =>
  !registry.dockerHub || registry.path.includes('/')
    ? name
    : `${SPELLINGS[provider].variable('DOCKERHUB_USERNAME')}/${name}`;

export interface CiContext {
  readonly provider: CiKind;
  readonly name: string;
  /** The image reference CI pushes (a YAML double-quoted string). */
  readonly image: string;
  /** The registry host to log in to, quoted; null for Docker Hub (the login's default). */
  readonly registry: string | null;
  readonly registryHost: string;
  readonly credentials: Credentials;
  readonly platforms: string;
  readonly actions: typeof GITHUB_ACTIONS;
  readonly images: typeof GITLAB_IMAGES;
  /** GitHub: the workflow token needs `packages: write` to push to ghcr.io. */
  readonly packagesWrite: boolean;
}

export const ciContext = (answers: CiAnswers): CiContext => {
  const registry = registryOf(answers.name);
  const provider = answers.ci === 'gitlab' ? 'gitlab' : 'github';
  return {
    provider: answers.ci,
    name: answers.name,
    image: yamlString(pushedImage(answers.name, registry, provider)),
    registry: registry.dockerHub ? null : yamlString(registry.host),
    registryHost: registry.host,
    credentials: credentialsFor(registry, provider),
    platforms: CI_PLATFORMS.join(','),
    actions: GITHUB_ACTIONS,
    images: GITLAB_IMAGES,
    packagesWrite: provider === 'github' && isGhcr(registry),
  };
};
