/**
 * Everything the Dockerfile template needs, decided here: base images, pins, package lists, the install
 * plan, user and permissions, exec forms. The template only lays it out.
 */
import { ANSWER_NAMES } from '../answers.js';
import { CATALOGUE_CHECKED, CONVERTER, PYTHON, osRelease, pythonImage } from '../catalogue.js';
import type { ProjectFacts } from '../detect/index.js';
import { STACKS } from '../stacks.js';
import type { Answers, Entry } from '../model.js';
import { listenOn } from '../servers.js';
import { APP_DIR, installPlan, VENV, type InstallPlan } from './install.js';
import { dockerfileString, execForm } from './quote.js';

/** The Dockerfile depends on every answer. */
export const DOCKERFILE_NEEDS = ANSWER_NAMES;

export type DockerfileAnswers = Answers;

export { APP_DIR, VENV } from './install.js';
export const APP_USER = 'app';
export const APP_HOME = '/home/app';
/**
 * Where the converter stage reads the notebook (COPY makes this folder, owned by root) and writes the script
 * (the converter's own user makes this one: its image runs as a non-root user).
 */
export const NOTEBOOK_DIR = '/tmp/notebook';
export const CONVERTED_DIR = '/tmp/converted';

/**
 * The root filesystem is read-only at run time, yet libraries write caches and settings under $HOME
 * (matplotlib, Hugging Face, anything following XDG): they are pointed at /tmp, a tmpfs in compose.yaml.
 */
export const WRITABLE_CACHES: readonly { readonly key: string; readonly value: string }[] = [
  { key: 'XDG_CACHE_HOME', value: '/tmp/.cache' },
  { key: 'XDG_CONFIG_HOME', value: '/tmp/.config' },
  { key: 'MPLCONFIGDIR', value: '/tmp/matplotlib' },
  { key: 'HF_HOME', value: '/tmp/huggingface' },
  // Runtime sockets and pid files (gunicorn's control socket, otherwise under $HOME).
  { key: 'XDG_RUNTIME_DIR', value: '/tmp' },
];

export interface DockerfileContext {
  readonly stack: string;
  readonly stackLabel: string;
  readonly family: 'debian' | 'alpine';
  readonly catalogueDate: string;
  /** Global ARGs with their pinned defaults, in order. */
  readonly args: readonly { readonly name: string; readonly value: string }[];
  /** FROM reference of builder and runtime, using the ARGs. */
  readonly baseImage: string;
  /** Present for the jupyter stack; null otherwise (templates test it). */
  readonly converter: {
    readonly image: string;
    /** The notebook's path as the error message names it (validated: no quote, `$` or backslash). */
    readonly notebook: string;
    /** `COPY` of the notebook to the converter's fixed name, in JSON form (spaces are fine). */
    readonly copyIn: string;
    /** The fixed paths the converter reads and writes. */
    readonly input: string;
    readonly outputDir: string;
    readonly outputName: string;
    readonly output: string;
    /** `COPY --from=convert` of the script to its place beside the notebook, in JSON form. */
    readonly copyOut: string;
  } | null;
  /** The stage that installs tini, beside the builder (BuildKit runs them at once); the runtime copies it. */
  readonly tini: {
    readonly packages: readonly string[];
    readonly path: string;
  };
  /**
   * The stage the final image takes the app folder from: `source`, a stage of its own beside the builder, when
   * the builder needs no source; `builder` when it does (the project installs itself, collectstatic).
   */
  readonly appStage: AppStage;
  readonly builder: {
    readonly packages: readonly string[];
    readonly install: InstallPlan;
    /** `manage.py collectstatic` at build time (Django with STATIC_ROOT); null otherwise. */
    readonly collectstatic: string | null;
  };
  readonly runtime: {
    /** OS packages of the final image (--packages); tini comes from its own stage. */
    readonly packages: readonly string[];
    /** ENV lines pointing caches at /tmp. */
    readonly caches: readonly { readonly key: string; readonly value: string }[];
    readonly uid: number;
    readonly gid: number;
    readonly user: string;
    readonly home: string;
    /** Directories the user owns: its home and every volume. */
    readonly ownedDirs: readonly string[];
    readonly env: readonly { readonly key: string; readonly value: string }[];
    readonly port: number | null;
    readonly healthcheck:
      { readonly kind: 'exec'; readonly options: string; readonly command: string } | { readonly kind: 'none' };
    readonly entrypoint: string;
    readonly cmd: string;
    /** Where the app runs: the app folder, or a notebook's own folder so its relative paths hold. */
    readonly workdir: string;
    readonly title: string;
  };
  readonly venv: string;
  readonly appDir: string;
}

const sorted = (items: readonly string[]): string[] => [...items].sort((a, b) => a.localeCompare(b));

/** The script a notebook becomes: `notebooks/report.ipynb` -> `notebooks/report.py`. */
export const convertedScript = (notebook: string): string => notebook.replace(/\.ipynb$/, '.py');

/** The folder of a relative path, '' at the top. */
const folderOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

/** The last part of a relative path. */
const baseName = (path: string): string => path.split('/').pop() ?? path;

const command = (entry: Entry, port: number | null): string[] => {
  switch (entry.kind) {
    case 'command':
      return port === null ? [...entry.argv] : listenOn(entry.argv, port);
    case 'module':
      return ['python', '-m', entry.module];
    case 'script':
      return ['python', entry.path];
    case 'notebook':
      // Run from the notebook's own folder (WORKDIR), so the paths it opens resolve as in Jupyter.
      return ['python', baseName(convertedScript(entry.path))];
  }
};

const HEALTH_OPTIONS = '--interval=30s --timeout=5s --start-period=15s --retries=3';

/** A tcp probe with Python's standard library: the port accepts a connection. */
export const tcpProbe = (port: number): string[] => [
  'python',
  '-c',
  `import socket; socket.create_connection(('127.0.0.1', ${port}), timeout=4).close()`,
];

/** An http probe with Python's standard library: no curl in the image. Any error or HTTP status >= 400 fails. */
export const httpProbe = (port: number, path: string): string[] => {
  const url = `http://127.0.0.1:${port}${path}`;
  // The path is validated to URL characters; a quote or backslash here would be a validation bug.
  if (/['\\\s]/.test(url)) throw new Error(`internal: unsafe health URL ${url}`);
  return ['python', '-c', `import urllib.request; urllib.request.urlopen('${url}', timeout=4)`];
};

export type DockerfileFacts = Pick<ProjectFacts, 'dependencies' | 'pyproject' | 'django'>;

/** `manage.py collectstatic` for a Django site whose settings set STATIC_ROOT. */
const collectstatic = (facts: DockerfileFacts): string | null => {
  if (facts.django?.staticRoot !== true) return null;
  const manage = facts.django.dir === '' ? 'manage.py' : `${facts.django.dir}/manage.py`;
  // Settings often insist on a SECRET_KEY, and on whatever else they read with no default (DEBUG, DATABASE_URL):
  // collectstatic gets throw-away values of the right shape, for this step only, never stored in the image.
  const environment = new Map<string, string>([
    ...(facts.django.settingsEnv !== undefined ? [['DJANGO_SETTINGS_MODULE', facts.django.settingsEnv] as const] : []),
    ['DJANGO_SECRET_KEY', 'collectstatic-only'],
    ['SECRET_KEY', 'collectstatic-only'],
  ]);
  for (const { key, value } of facts.django.collectstaticEnv ?? [])
    if (!environment.has(key)) environment.set(key, value);
  const assignments = [...environment].map(([key, value]) => `${key}=${value}`).join(' ');
  return `${assignments} ${VENV}/bin/python ${manage} collectstatic --noinput`;
};

/**
 * The image's ENV: the --env pairs, and DJANGO_SETTINGS_MODULE when the server's module names other settings
 * than manage.py (so that `manage.py migrate` in the image uses the settings the server runs with).
 */
const runtimeEnv = (answers: DockerfileAnswers, facts: DockerfileFacts): { key: string; value: string }[] => {
  const given = answers.env.map(([key, value]) => ({ key, value: dockerfileString(value) }));
  const settings = facts.django?.settingsEnv;
  if (settings === undefined || given.some(({ key }) => key === 'DJANGO_SETTINGS_MODULE')) return given;
  return [{ key: 'DJANGO_SETTINGS_MODULE', value: dockerfileString(settings) }, ...given];
};

export type AppStage = 'builder' | 'source';

/**
 * Where the app's code is copied and compiled. A stage of its own (`source`) needs nothing from the builder:
 * BuildKit builds the two at once, a source change reuses the installed dependencies, and a dependency change
 * copies the new virtualenv without recompiling the code. The builder keeps the code when a step of its own
 * needs it: the project installing itself into the virtualenv, or Django's collectstatic, which runs with the
 * builder's OS packages and the installed apps.
 */
export const appStageOf = (install: Pick<InstallPlan, 'project'>, collectstaticCommand: string | null): AppStage =>
  install.project.length > 0 || collectstaticCommand !== null ? 'builder' : 'source';

export const dockerfileContext = (answers: DockerfileAnswers, facts: DockerfileFacts): DockerfileContext => {
  const traits = STACKS[answers.stack];
  const family = traits.family;
  const line = PYTHON[answers.python];
  const release = osRelease(family, answers.release);
  if (!line || !release) throw new Error(`internal: ${answers.python}/${answers.release} is not in the catalogue`);
  const releaseArg = family === 'debian' ? 'DEBIAN_RELEASE' : 'ALPINE_RELEASE';
  const image = pythonImage(family, '${PYTHON_VERSION}', `\${${releaseArg}}`);
  const tini = family === 'debian' ? `tini=${release.tini}` : `tini~=${release.tini}`;
  const tiniPath = family === 'debian' ? '/usr/bin/tini' : '/sbin/tini';

  const install = installPlan(answers.deps, answers.entry, facts);
  const args = [
    { name: 'PYTHON_VERSION', value: line.version },
    { name: releaseArg, value: answers.release },
    ...(traits.notebook ? [{ name: 'CONVERTER_TAG', value: CONVERTER.tag }] : []),
    ...install.args,
  ];

  const converter =
    answers.entry.kind === 'notebook'
      ? {
          image: `${CONVERTER.image}:\${CONVERTER_TAG}`,
          notebook: answers.entry.path,
          copyIn: execForm([answers.entry.path, `${NOTEBOOK_DIR}/notebook.ipynb`]),
          input: `${NOTEBOOK_DIR}/notebook.ipynb`,
          outputDir: CONVERTED_DIR,
          outputName: 'notebook',
          output: `${CONVERTED_DIR}/notebook.py`,
          copyOut: execForm([`${CONVERTED_DIR}/notebook.py`, `./${convertedScript(answers.entry.path)}`]),
        }
      : null;
  const notebookDir = answers.entry.kind === 'notebook' ? folderOf(answers.entry.path) : '';

  const healthcheck: DockerfileContext['runtime']['healthcheck'] =
    answers.health === 'http' && answers.port !== null
      ? { kind: 'exec', options: HEALTH_OPTIONS, command: execForm(httpProbe(answers.port, answers.healthpath)) }
      : answers.health === 'tcp' && answers.port !== null
        ? { kind: 'exec', options: HEALTH_OPTIONS, command: execForm(tcpProbe(answers.port)) }
        : answers.health === 'cmd'
          ? { kind: 'exec', options: HEALTH_OPTIONS, command: execForm(answers.healthcmd) }
          : { kind: 'none' };

  const collect = collectstatic(facts);
  return {
    stack: answers.stack,
    stackLabel: traits.label,
    family,
    catalogueDate: CATALOGUE_CHECKED,
    args,
    baseImage: image,
    converter,
    tini: { packages: [tini], path: tiniPath },
    appStage: appStageOf(install, collect),
    builder: {
      packages: sorted(answers.buildpackages),
      install,
      collectstatic: collect,
    },
    runtime: {
      packages: sorted(answers.packages),
      caches: WRITABLE_CACHES,
      uid: answers.uid,
      gid: answers.gid,
      user: APP_USER,
      home: APP_HOME,
      ownedDirs: [APP_HOME, ...answers.volumes.filter((volume) => volume !== APP_HOME)],
      env: runtimeEnv(answers, facts),
      port: answers.port,
      healthcheck,
      entrypoint: execForm([tiniPath, '--']),
      cmd: execForm(command(answers.entry, answers.port)),
      workdir: notebookDir === '' ? APP_DIR : `${APP_DIR}/${notebookDir}`,
      title: dockerfileString(answers.name),
    },
    venv: VENV,
    appDir: APP_DIR,
  };
};
