/**
 * How the builder stage fills /opt/venv: for each `--deps` answer, the recipe its tool documents for
 * containers (sources in src/catalogue.ts, TOOLS), laid out as Dockerfile steps.
 *
 * Always: the dependencies install before the source is copied (the lock or manifests are bind-mounted, so
 * the layer is reused until they change), downloads go through a BuildKit cache mount (nothing of the cache
 * lands in a layer), a private index's credentials come from a BuildKit secret (`netrc`, never in a layer or
 * the history), the tool itself stays in the builder, and the project installs after the source.
 */
import { SERVER_PINS, TOOLS } from '../catalogue.js';
import type { ProjectFacts } from '../detect/index.js';
import type { Deps, Entry } from '../model.js';
import { serverOf } from '../servers.js';
import { LOCK_FILES } from '../detect/deps.js';

export const VENV = '/opt/venv';
export const APP_DIR = '/app';

/** One Dockerfile instruction of the install: `RUN --mount=... command`, `COPY --from=...`, `ENV ...`. */
export interface Step {
  readonly keyword: 'RUN' | 'COPY' | 'ENV';
  /** Flags, one per line in the output (`--mount=type=cache,target=/root/.cache/pip`). */
  readonly flags: readonly string[];
  readonly text: string;
  /** Comment lines above it, one per line. */
  readonly comment?: string;
}

export interface InstallPlan {
  /** Global ARGs the plan pins (a tool image's version). */
  readonly args: readonly { readonly name: string; readonly value: string }[];
  /** Stages the plan copies from (`FROM ghcr.io/astral-sh/uv:${UV_VERSION} AS uv`). */
  readonly stages: readonly { readonly name: string; readonly image: string }[];
  /** Whether the builder makes /opt/venv itself (`python -m venv --without-pip`); uv makes its own. */
  readonly createsVenv: boolean;
  /** Before the source: the tool, the dependencies, an undeclared server. */
  readonly dependencies: readonly Step[];
  /** After the source: the project itself. */
  readonly project: readonly Step[];
  /** What README.Docker.md says about it. */
  readonly summary: string;
  /** The server installed because the project does not declare it, with its pin (`gunicorn==26.2.0`). */
  readonly addedServer?: string;
  /** Things the user should know (an uncached install, a requirements file that installs the project). */
  readonly notes: readonly string[];
}

const PIP_CACHE = '--mount=type=cache,target=/root/.cache/pip';
/** A private index's credentials, if build.sh passes them (`--netrc FILE`); absent otherwise. */
const NETRC = '--mount=type=secret,id=netrc,target=/root/.netrc';
/** pip fills the virtualenv without compiling it: the last pip step of each phase compiles it (`compiledOnce`). */
const PIP = `pip --python ${VENV}/bin/python install --no-compile`;

/**
 * The virtualenv's bytecode, compiled on every core once pip is done: pip compiles file by file, which takes a
 * third of a small install. Timestamp-checked, as pip's, so a later phase compiles only what it added. A file
 * that does not compile (a package's data written for another Python) is reported and skipped, as pip skips it.
 */
const COMPILE_VENV = `(python -m compileall -q -j 0 ${VENV} || true)`;
const COMPILE_NOTE =
  'Bytecode compiled on every core after pip; a file that does not compile is reported and skipped, as pip does';

/** The last pip step of a phase compiles the virtualenv; the others leave it to that one. */
const compiledOnce = (steps: readonly Step[]): Step[] => {
  const last = steps.map((step) => step.keyword === 'RUN' && step.text.includes(PIP)).lastIndexOf(true);
  return steps.map((step, index) =>
    index === last
      ? {
          ...step,
          text: `${step.text} \\\n && ${COMPILE_VENV}`,
          comment: [step.comment, COMPILE_NOTE].filter((line) => line !== undefined).join('\n# '),
        }
      : step,
  );
};

/** Bind-mount a file of the build context at its place in the app folder (read-only, never in a layer). */
const bind = (file: string): string => `--mount=type=bind,source=${file},target=${APP_DIR}/${file}`;

const run = (flags: readonly string[], text: string, comment?: string): Step => ({
  keyword: 'RUN',
  flags,
  text,
  ...(comment !== undefined ? { comment } : {}),
});

/** A tool in a virtualenv of its own in the builder: `python -m venv /opt/poetry && ... pip install poetry==X`. */
const toolInstall = (tool: 'poetry' | 'pdm' | 'pipenv'): Step =>
  run(
    [PIP_CACHE],
    `python -m venv /opt/${tool} && /opt/${tool}/bin/pip install ${tool}==${TOOLS[tool].version}`,
    `${tool} ${TOOLS[tool].version}, in a virtualenv of its own: it builds the app's virtualenv and stays in this stage`,
  );

/** `pip install .` once the source is there: the project itself, its locked dependencies already in place. */
const projectInstall = (deps: 'with' | 'without'): Step =>
  run([PIP_CACHE, NETRC], deps === 'with' ? `${PIP} .` : `${PIP} --no-deps .`);

/** Read the declared dependencies of pyproject.toml (PEP 621) at build time, so they install before the source. */
const PYPROJECT_DEPENDENCIES =
  `python -c "import tomllib; project = tomllib.load(open('pyproject.toml', 'rb')).get('project', {}); ` +
  `open('/tmp/requirements.txt', 'w').write(chr(10).join(project.get('dependencies', [])))"`;

/** The same for setup.cfg's `[options] install_requires`. */
const SETUP_CFG_DEPENDENCIES =
  `python -c "import configparser; config = configparser.ConfigParser(); config.read('setup.cfg'); ` +
  `open('/tmp/requirements.txt', 'w').write(config.get('options', 'install_requires', fallback='').strip())"`;

export type InstallFacts = Pick<ProjectFacts, 'dependencies' | 'pyproject'>;

/** The server an entry runs under that the project does not declare and the catalogue pins: installed for it. */
export const addedServer = (entry: Entry, facts: InstallFacts): string | undefined => {
  if (entry.kind !== 'command') return undefined;
  const server = serverOf(entry.argv);
  if (server === undefined) return undefined;
  const pin = SERVER_PINS[server.package];
  if (pin === undefined || facts.dependencies.declared.includes(server.package)) return undefined;
  return `${server.package}==${pin}`;
};

const lockedPlan = (
  manager: 'uv' | 'poetry' | 'pdm' | 'pipenv',
  facts: InstallFacts,
): Omit<InstallPlan, 'notes' | 'addedServer'> & { notes?: string[] } => {
  const installsProject = facts.dependencies.installable;
  // A uv workspace: its members' manifests are not bound before the source, so that layer cannot check the lock
  // against them: it installs from the lock as it is (--frozen), members left out; after the source, the whole
  // workspace syncs --locked, which checks it (uv's documented recipe for workspaces in Docker).
  const workspace = manager === 'uv' && facts.pyproject?.uvWorkspace === true;
  // pip cannot check a hash of a git checkout: with a package from git, the export of the lock carries no hashes
  // (pip would refuse the unhashed line under --require-hashes); the versions are still the lock's.
  const fromGit = facts.dependencies.gitPackages[manager] ?? [];
  const hashed = fromGit.length === 0;
  const unhashedNote =
    `\`${LOCK_FILES[manager]}\` fetches ${fromGit.join(', ')} from git, and pip cannot check the hash of a git ` +
    'checkout: its export installs without `--require-hashes`, at the versions the lock pins';
  // Packages the lock installs from a path of the project (uv path sources, Poetry directory dependencies) are
  // not there before the source: that layer skips them (uv --no-install-local, and --frozen as for a workspace,
  // since the lock cannot be checked without their pyproject.toml; Poetry --no-directory), the install after the
  // source brings them.
  const localPackages = (facts.dependencies.localPackages[manager] ?? []).length > 0;
  const poetryInstall = (flags: string): string =>
    `VIRTUAL_ENV=${VENV} /opt/poetry/bin/poetry install --only main${flags} --no-interaction --no-ansi --compile`;
  switch (manager) {
    case 'uv':
      return {
        args: [{ name: 'UV_VERSION', value: TOOLS.uv.version }],
        stages: [{ name: 'uv', image: `${TOOLS.uv.image}:\${UV_VERSION}` }],
        createsVenv: false,
        dependencies: [
          {
            keyword: 'COPY',
            flags: ['--from=uv'],
            text: '/uv /uvx /bin/',
            comment: `uv ${TOOLS.uv.version}, from its official image; it stays in this stage`,
          },
          {
            keyword: 'ENV',
            flags: [],
            text: `UV_PROJECT_ENVIRONMENT=${VENV} \\\n    UV_PYTHON_DOWNLOADS=never \\\n    UV_COMPILE_BYTECODE=1 \\\n    UV_LINK_MODE=copy`,
          },
          run(
            ['--mount=type=cache,target=/root/.cache/uv', bind('pyproject.toml'), bind('uv.lock'), NETRC],
            localPackages
              ? 'uv sync --frozen --no-install-local --no-dev'
              : workspace
                ? 'uv sync --frozen --no-install-workspace --no-dev'
                : 'uv sync --locked --no-install-project --no-dev',
          ),
        ],
        project:
          installsProject || workspace || localPackages
            ? [
                run(
                  ['--mount=type=cache,target=/root/.cache/uv', NETRC],
                  // --inexact: keep what was added beside the lock (the server the app runs under).
                  'uv sync --locked --no-dev --no-editable --inexact',
                ),
              ]
            : [],
        summary: `uv ${TOOLS.uv.version} installs exactly what \`uv.lock\` locks (\`uv sync --locked --no-dev\`): the dependencies before the source, the project after it`,
      };
    case 'poetry':
      return {
        args: [],
        stages: [],
        createsVenv: true,
        dependencies: [
          toolInstall('poetry'),
          run(
            ['--mount=type=cache,target=/root/.cache/pypoetry', bind('pyproject.toml'), bind('poetry.lock'), NETRC],
            poetryInstall(' --no-root --no-directory'),
          ),
        ],
        project:
          installsProject || localPackages
            ? [run(['--mount=type=cache,target=/root/.cache/pypoetry', NETRC], poetryInstall(''))]
            : [],
        summary: `Poetry ${TOOLS.poetry.version} installs the main group of \`poetry.lock\` into the virtualenv (\`poetry install --only main --no-root --no-directory\`) before the source; \`poetry install --only main\` installs the project and its directory dependencies after it`,
      };
    case 'pdm':
      return {
        args: [],
        stages: [],
        createsVenv: true,
        dependencies: [
          toolInstall('pdm'),
          run(
            [PIP_CACHE, bind('pyproject.toml'), bind('pdm.lock'), NETRC],
            `PDM_CHECK_UPDATE=false /opt/pdm/bin/pdm export --prod --format requirements${hashed ? '' : ' --no-hashes'} --output /tmp/requirements.txt && ${PIP} --no-deps${hashed ? ' --require-hashes' : ''} -r /tmp/requirements.txt`,
          ),
        ],
        project: installsProject ? [projectInstall('without')] : [],
        summary: hashed
          ? `pdm ${TOOLS.pdm.version} exports the default group of \`pdm.lock\` with hashes (\`pdm export --prod\`), which pip installs with \`--require-hashes\` before the source`
          : `pdm ${TOOLS.pdm.version} exports the default group of \`pdm.lock\` (\`pdm export --prod --no-hashes\`), which pip installs at the locked versions before the source`,
        ...(hashed ? {} : { notes: [unhashedNote] }),
      };
    case 'pipenv':
      return {
        args: [],
        stages: [],
        createsVenv: true,
        dependencies: [
          toolInstall('pipenv'),
          run(
            [PIP_CACHE, bind('Pipfile'), bind('Pipfile.lock'), NETRC],
            `/opt/pipenv/bin/pipenv requirements${hashed ? ' --hash' : ''} > /tmp/requirements.txt && ${PIP} --no-deps${hashed ? ' --require-hashes' : ''} -r /tmp/requirements.txt`,
          ),
        ],
        project: [],
        summary: hashed
          ? `pipenv ${TOOLS.pipenv.version} exports the default packages of \`Pipfile.lock\` with hashes (\`pipenv requirements --hash\`), which pip installs with \`--require-hashes\` before the source`
          : `pipenv ${TOOLS.pipenv.version} exports the default packages of \`Pipfile.lock\` (\`pipenv requirements\`), which pip installs at the locked versions before the source`,
        ...(hashed ? {} : { notes: [unhashedNote] }),
      };
  }
};

export const installPlan = (deps: Deps, entry: Entry, facts: InstallFacts): InstallPlan => {
  const server = addedServer(entry, facts);
  const notes: string[] = [];
  const serverComment =
    server === undefined
      ? undefined
      : `${server.split('==')[0] ?? ''}: the server the app runs under, which the project does not declare`;
  const serverStep: Step[] = server === undefined ? [] : [run([PIP_CACHE, NETRC], `${PIP} ${server}`, serverComment)];
  /** The comment of a dependency install that takes the server along. */
  const withServerComment =
    server === undefined
      ? undefined
      : `With ${server.split('==')[0] ?? ''}, the server the app runs under, which the project does not declare`;
  /** A pip install of the dependencies that takes the server along: one resolve, one step, one compile. */
  const alongWithServer = (command: string): string => (server === undefined ? command : `${command} ${server}`);
  const base = { args: [], stages: [], createsVenv: true } as const;
  /** The plan with the server: installed by a step of its own, unless `merged` (its pip already has it). */
  const withServer = (plan: Omit<InstallPlan, 'notes' | 'addedServer'>, merged = false): InstallPlan => ({
    ...plan,
    dependencies: compiledOnce([...plan.dependencies, ...(merged ? [] : serverStep)]),
    project: compiledOnce(plan.project),
    notes,
    ...(server !== undefined ? { addedServer: server } : {}),
  });

  switch (deps.kind) {
    case 'uv':
    case 'poetry':
    case 'pdm':
    case 'pipenv': {
      const { notes: lockNotes = [], ...plan } = lockedPlan(deps.kind, facts);
      notes.push(...lockNotes);
      return withServer(plan);
    }
    case 'requirements': {
      const file = facts.dependencies.requirements.find((candidate) => candidate.file === deps.file);
      const closure = file?.closure ?? [deps.file];
      const hashes = file?.hashes === true ? ' --require-hashes' : '';
      const project = facts.dependencies.installable ? [projectInstall('with')] : [];
      if (facts.dependencies.localReferences.includes(deps.file)) {
        notes.push(
          `${deps.file} installs a local path (such as -e .), which needs the source: its dependencies install after the source is copied, so every source change reinstalls them; keep the project out of ${deps.file} to cache them`,
        );
        return withServer({
          ...base,
          dependencies: [],
          project: [run([PIP_CACHE, NETRC], `${PIP}${hashes} -r ${deps.file}`), ...project],
          summary: `pip installs \`${deps.file}\` after the source (it installs the project itself)`,
        });
      }
      // A hashed file installs only hashed requirements: the server then has a step of its own.
      const merged = hashes === '';
      const command = `${PIP}${hashes} -r ${deps.file}`;
      return withServer(
        {
          ...base,
          dependencies: [
            run(
              [PIP_CACHE, ...closure.map(bind), NETRC],
              merged ? alongWithServer(command) : command,
              merged ? withServerComment : undefined,
            ),
          ],
          project,
          summary:
            closure.length > 1
              ? `pip installs \`${deps.file}\` (with ${closure
                  .slice(1)
                  .map((path) => `\`${path}\``)
                  .join(', ')}) before the source`
              : `pip installs \`${deps.file}\` before the source`,
        },
        merged,
      );
    }
    case 'pip': {
      // The dependencies a manifest declares, read at build time, before the source; the project after it.
      const declaredFirst = (manifest: string, reader: string): InstallPlan =>
        withServer(
          {
            ...base,
            dependencies: [
              run(
                [PIP_CACHE, bind(manifest), NETRC],
                alongWithServer(`${reader} && ${PIP} -r /tmp/requirements.txt`),
                [
                  `The dependencies ${manifest} declares, before the source: editing code reuses this layer`,
                  withServerComment,
                ]
                  .filter((line) => line !== undefined)
                  .join('\n# '),
              ),
            ],
            project: [projectInstall('with')],
            summary: `pip installs the dependencies \`${manifest}\` declares before the source, then the project itself`,
          },
          true,
        );
      if (facts.pyproject !== undefined) return declaredFirst('pyproject.toml', PYPROJECT_DEPENDENCIES);
      if (facts.dependencies.setupCfg) return declaredFirst('setup.cfg', SETUP_CFG_DEPENDENCIES);
      notes.push(
        'setup.py can only be read by running it, so the dependencies install with the project after the source: declare them in pyproject.toml or setup.cfg to cache them',
      );
      return withServer({
        ...base,
        dependencies: [],
        project: [projectInstall('with')],
        summary: 'pip installs the project and its dependencies from `setup.py` after the source',
      });
    }
    case 'none':
      return withServer({ ...base, dependencies: [], project: [], summary: 'no dependencies to install' });
  }
};
