/**
 * compose.dev.yaml: the service of compose.yaml, for development, used as
 *
 *   docker compose -f compose.yaml -f compose.dev.yaml up --build --watch
 *
 * - Compose Watch syncs the source into the app folder and rebuilds the image when a dependency manifest or
 *   lock file changes (or, for the jupyter stack, the notebook the image converts).
 * - The framework's reloading server runs where it has one (servers.ts: uvicorn/gunicorn --reload, flask
 *   --debug, Streamlit's runOnSave, Django's runserver); any other entry runs its production command and
 *   Compose restarts the container after each sync.
 * - With --debugport, the app runs under debugpy, listening on that port, published on 127.0.0.1 only.
 *
 * What changes from compose.yaml, and why (README.Docker.md says it too): Compose Watch copies files in through
 * the engine's archive API, which refuses a read-only root filesystem, and before Docker Engine 28 looks the
 * container's user up on the host, where a numeric uid such as 10001 does not exist. So the container starts
 * as root with a writable root filesystem and only the KILL, SETUID and SETGID capabilities, and its first
 * process (under tini) drops to the image's uid:gid, with no groups and no capabilities, before it runs the
 * app: the app itself runs as in production. no-new-privileges, the limits, tmpfs /tmp, the volumes and the ports on
 * 127.0.0.1 stay as they are.
 */
import { DEBUGPY } from '../catalogue.js';
import type { ProjectFacts } from '../detect/index.js';
import type { Answers, Entry } from '../model.js';
import { djangoRunserver, listenOn, reloading, serverOf } from '../servers.js';
import { serviceName, yamlSafeName } from './compose.js';
import { APP_HOME, convertedScript } from './dockerfile.js';
import { APP_DIR, VENV, installPlan } from './install.js';
import { yamlScalar, yamlSingleQuoted, yamlString } from './quote.js';

export const DEV_NEEDS = [
  'name',
  'entry',
  'deps',
  'port',
  'uid',
  'gid',
  'debugport',
] as const satisfies readonly (keyof Answers)[];
export type DevAnswers = Pick<Answers, (typeof DEV_NEEDS)[number]>;

/** The tag of the development image, so that a development build never replaces `latest`. */
export const DEV_TAG = 'development';

/** The Dockerfile stage that has pip: the debugpy installer runs there. */
export const BUILDER_STAGE = 'builder';

/** Where the debugpy volume is mounted in the app container (on PYTHONPATH). */
export const DEBUGPY_DIR = '/opt/debugpy';

/**
 * What the root processes need and nothing more: SETUID and SETGID to drop to the app's uid:gid, KILL for tini
 * (PID 1, root) to forward signals to the app, which runs as another user.
 */
export const DEV_CAPABILITIES = ['KILL', 'SETGID', 'SETUID'] as const;

/** Files whose change needs a rebuild rather than a sync: they decide what the image installs. */
const PROJECT_MANIFESTS = ['pyproject.toml', 'setup.py', 'setup.cfg'];

export type DevFacts = Pick<ProjectFacts, 'dependencies' | 'pyproject' | 'paths' | 'django'>;

/** What the container runs in development, and whether that server reloads by itself. */
export interface DevCommand {
  readonly argv: readonly string[];
  /** A reloading server: a sync is enough; otherwise Compose restarts the container after a sync. */
  readonly reloads: boolean;
}

/**
 * The development command for an entry: the reloading variant of a known server (Django's runserver for a
 * Django project served by a production server), else the command the image runs.
 */
export const devCommand = (entry: Entry, port: number | null, facts: Pick<DevFacts, 'django'>): DevCommand => {
  switch (entry.kind) {
    case 'command': {
      const served = port === null ? [...entry.argv] : listenOn(entry.argv, port);
      if (facts.django !== undefined && port !== null && serverOf(entry.argv)?.production === true) {
        const managePy = facts.django.dir === '' ? 'manage.py' : `${facts.django.dir}/manage.py`;
        return { argv: djangoRunserver(managePy, port), reloads: true };
      }
      const reload = reloading(served);
      return reload === undefined ? { argv: served, reloads: false } : { argv: reload, reloads: true };
    }
    case 'module':
      return { argv: ['python', '-m', entry.module], reloads: false };
    case 'script':
      return { argv: ['python', entry.path], reloads: false };
    case 'notebook':
      // The image runs the converted script from the notebook's own folder (its WORKDIR).
      return { argv: ['python', convertedScript(entry.path).split('/').pop() ?? entry.path], reloads: false };
  }
};

const isPython = (word: string): boolean => /^python(?:3(?:\.\d+)?)?$/.test(word);

/**
 * The command run under debugpy, listening on 0.0.0.0:port inside the container: `python X ...` becomes
 * `python -m debugpy --listen ... X ...`; a console script of the virtualenv (gunicorn, uvicorn, ...) is run
 * as the Python file it is.
 */
export const underDebugpy = (argv: readonly string[], port: number): string[] => {
  const listen = ['python', '-m', DEBUGPY.package, '--listen', `0.0.0.0:${port}`];
  const [first = '', ...rest] = argv;
  if (isPython(first)) return [...listen, ...rest];
  return [...listen, first.includes('/') ? first : `${VENV}/bin/${first}`, ...rest];
};

/**
 * The first process of the development container: it starts as root (see the top of this file), drops to
 * uid:gid with no supplementary groups, which leaves it no capabilities, and runs the app. Python is in every
 * image, so no extra package is needed.
 */
export const dropPrivileges = (uid: number, gid: number): string[] => [
  'python',
  '-c',
  `import os, sys; os.setgroups([]); os.setgid(${gid}); os.setuid(${uid}); os.execvp(sys.argv[1], sys.argv[1:])`,
];

/** A file of the build context the install bind-mounts (`--mount=type=bind,source=uv.lock,...`). */
const BIND_SOURCE = /^--mount=type=bind,source=([^,]+),/;

/**
 * The files whose change rebuilds the image: those the Dockerfile's install steps read (src/context/install.ts
 * bind-mounts them), the project's own manifests (`pip install .` reads them after the source), and a notebook
 * the image converts.
 */
export const rebuildPaths = (answers: Pick<Answers, 'deps' | 'entry'>, facts: DevFacts): string[] => {
  const plan = installPlan(answers.deps, answers.entry, facts);
  const bound = [...plan.dependencies, ...plan.project]
    .flatMap((step) => step.flags)
    .flatMap((flag) => BIND_SOURCE.exec(flag)?.[1] ?? []);
  const paths = new Set<string>([...bound, ...PROJECT_MANIFESTS.filter((file) => facts.paths.includes(file))]);
  if (answers.entry.kind === 'notebook') paths.add(answers.entry.path);
  return [...paths].sort((a, b) => a.localeCompare(b));
};

/** A YAML flow sequence of double-quoted strings: `["python", "-m", "app"]` (JSON is YAML). */
const flow = (words: readonly string[]): string => `[${words.map(yamlString).join(', ')}]`;

export interface DevContext {
  readonly service: string;
  readonly image: string;
  readonly command: string;
  /** `sync` for a reloading server, `sync+restart` otherwise. */
  readonly action: string;
  readonly target: string;
  readonly rebuild: readonly string[];
  readonly environment: readonly { readonly key: string; readonly value: string }[];
  readonly capabilities: readonly string[];
  readonly ports: readonly string[];
  /** The one-off service that installs debugpy into a volume; null without --debugport. */
  readonly debugpy: {
    readonly service: string;
    readonly image: string;
    readonly target: string;
    readonly volume: string;
    readonly install: string;
    readonly mount: string;
    readonly installMount: string;
  } | null;
}

export const devContext = (answers: DevAnswers, facts: DevFacts): DevContext => {
  const run = devCommand(answers.entry, answers.port, facts);
  const debugport = answers.debugport;
  const argv = debugport === null ? run.argv : underDebugpy(run.argv, debugport);
  const service = serviceName(answers.name);
  const volume = yamlSafeName(`debugpy-${DEBUGPY.version}`, 'vol');
  return {
    service: yamlScalar(service),
    image: yamlString(`${answers.name}:${DEV_TAG}`),
    command: flow([...dropPrivileges(answers.uid, answers.gid), ...argv]),
    action: run.reloads ? 'sync' : 'sync+restart',
    // The whole project goes to the app folder, as the Dockerfile's `COPY . .` puts it (.dockerignore applies).
    target: APP_DIR,
    rebuild: rebuildPaths(answers, facts).map(yamlString),
    environment: [
      // The user the container starts as is root; the app's HOME is its own, as in the image.
      { key: 'HOME', value: yamlString(APP_HOME) },
      ...(debugport === null ? [] : [{ key: 'PYTHONPATH', value: yamlString(DEBUGPY_DIR) }]),
    ],
    capabilities: DEV_CAPABILITIES,
    ports: debugport === null ? [] : [yamlSingleQuoted(`127.0.0.1:${debugport}:${debugport}`)],
    debugpy:
      debugport === null
        ? null
        : {
            service: yamlScalar(`${service}-debugpy`),
            image: yamlString(`${answers.name}:${DEV_TAG}-${BUILDER_STAGE}`),
            target: BUILDER_STAGE,
            volume: yamlString(volume),
            install: flow([
              'pip',
              'install',
              '--no-cache-dir',
              '--upgrade',
              '--target',
              '/debugpy',
              `${DEBUGPY.package}==${DEBUGPY.version}`,
            ]),
            mount: `${volume}:${DEBUGPY_DIR}:ro`,
            installMount: `${volume}:/debugpy`,
          },
  };
};
