/**
 * How the dependencies install, for each way a project declares and locks them: the lock or manifests are
 * bind-mounted and installed before the source, locked where there is a lock, through cache mounts, by a
 * pinned tool that stays in the builder; the project itself after the source.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { Instruction } from 'dockerfile-ast';
import { SERVER_PINS, TOOLS } from '../../src/catalogue.js';
import { dockerfileContext } from '../../src/context/dockerfile.js';
import {
  byKeyword,
  commandOf,
  execArgs,
  flagsOf,
  parseDockerfile,
  runText,
  type ParsedDockerfile,
} from '../../tools/dockerfile.js';
import { generate, refusedRun } from '../../test/support/generate.js';
import { makeFacts } from '../../test/support/facts.js';
import { detect } from '../../test/support/project-dirs.js';
import { settle } from '../../test/support/render.js';
import { depsFiles, POETRY_BUILD_SYSTEM, type DepsProject } from '../../test/support/projects.js';

const APP = { 'app.py': 'from flask import Flask\n\napp = Flask(__name__)\n' };

const generated = async (
  kind: DepsProject,
  options: Record<string, string> = {},
): Promise<{ dockerfile: ParsedDockerfile; stored: Record<string, unknown> }> => {
  const run = await generate({
    generator: 'app',
    options: { defaults: true, entry: 'gunicorn app:app', ...options },
    files: { ...APP, ...depsFiles(kind) },
  });
  const stored = (JSON.parse(run.read('.yo-rc.json')) as Record<string, Record<string, unknown>>)[
    'generator-docker-best'
  ];
  return { dockerfile: parseDockerfile(run.read('Dockerfile')), stored: stored ?? {} };
};

/** The builder's instructions, in order, as `KEYWORD flags command`. */
const builderLines = (dockerfile: ParsedDockerfile): Instruction[] => [...dockerfile.stage('builder').instructions];

const indexOf = (instructions: readonly Instruction[], keyword: string, text: string): number =>
  instructions.findIndex((instruction) => instruction.getKeyword() === keyword && runText(instruction).includes(text));

const runWith = (dockerfile: ParsedDockerfile, text: string): Instruction => {
  const found = builderLines(dockerfile).find(
    (instruction) => instruction.getKeyword() === 'RUN' && commandOf(instruction).includes(text),
  );
  assert.ok(found, `a builder RUN with "${text}":\n${builderLines(dockerfile).map(runText).join('\n')}`);
  return found;
};

/** Where the final stage takes the app folder from: `--from=source /app /app` or `--from=builder /app /app`. */
const appCopy = (dockerfile: ParsedDockerfile): string | undefined =>
  byKeyword(dockerfile.final, 'COPY')
    .map(runText)
    .find((copy) => copy.endsWith(' /app /app'));

/**
 * The dependency install runs before the source reaches the builder, the project's own install after it. A
 * builder that installs no project never gets the source: the code has a stage of its own.
 */
const assertOrder = (dockerfile: ParsedDockerfile, dependencies: string, project?: string): void => {
  const lines = builderLines(dockerfile);
  const deps = indexOf(lines, 'RUN', dependencies);
  const source = indexOf(lines, 'COPY', '. .');
  assert.ok(deps >= 0, `${dependencies} in the builder:\n${lines.map(runText).join('\n')}`);
  if (project === undefined) {
    assert.equal(source, -1, `no source in the builder:\n${lines.map(runText).join('\n')}`);
    assert.equal(appCopy(dockerfile), '--from=source /app /app');
    return;
  }
  assert.ok(deps < source, `${dependencies} before COPY . .:\n${lines.map(runText).join('\n')}`);
  const after = indexOf(lines, 'RUN', project);
  assert.ok(after > source, `${project} after COPY . .:\n${lines.map(runText).join('\n')}`);
  assert.equal(appCopy(dockerfile), '--from=builder /app /app');
};

const bound = (instruction: Instruction, file: string): boolean =>
  flagsOf(instruction).includes(`mount=type=bind,source=${file},target=/app/${file}`);

/** Nothing of a dependency tool reaches the final image: it copies only tini, the venv and the app. */
const assertToolStaysInBuilder = (dockerfile: ParsedDockerfile): void => {
  const sources = dockerfile.final.instructions
    .filter((instruction) => instruction.getKeyword() === 'COPY')
    .map((instruction) => flagsOf(instruction).join(' '));
  assert.deepEqual(sources.slice(0, 2), ['from=tini', 'from=builder']);
  assert.ok(['from=builder', 'from=source'].includes(sources[2] ?? ''), sources.join(' | '));
  assert.equal(sources.length, 3, sources.join(' | '));
};

describe('docker-best:dockerfile: installing the dependencies', () => {
  it('uv: the pinned official image, uv sync --locked without the project, dev group and cache in layers', async () => {
    const { dockerfile, stored } = await generated('uv');
    assert.equal(stored.deps, 'uv');
    assert.equal(dockerfile.args.get('UV_VERSION'), TOOLS.uv.version);
    assert.equal(dockerfile.stage('uv').image, `${TOOLS.uv.image}:${TOOLS.uv.version}`);
    const copy = builderLines(dockerfile).find((instruction) => runText(instruction) === '--from=uv /uv /uvx /bin/');
    assert.ok(copy, 'uv comes from its image');
    const sync = runWith(dockerfile, 'uv sync --locked --no-install-project --no-dev');
    assert.ok(bound(sync, 'uv.lock') && bound(sync, 'pyproject.toml'), flagsOf(sync).join(' '));
    assert.ok(flagsOf(sync).includes('mount=type=cache,target=/root/.cache/uv'));
    assertOrder(
      dockerfile,
      'uv sync --locked --no-install-project --no-dev',
      'uv sync --locked --no-dev --no-editable',
    );
    const env = builderLines(dockerfile)
      .filter((instruction) => instruction.getKeyword() === 'ENV')
      .map(runText)
      .join(' ');
    assert.match(env, /UV_PROJECT_ENVIRONMENT=\/opt\/venv/);
    assert.match(env, /UV_COMPILE_BYTECODE=1/);
    assertToolStaysInBuilder(dockerfile);
  });

  it('Poetry: pinned, installs the main group of poetry.lock into the venv before the source, the project after', async () => {
    const { dockerfile, stored } = await generated('poetry');
    assert.equal(stored.deps, 'poetry');
    runWith(dockerfile, `/opt/poetry/bin/pip install poetry==${TOOLS.poetry.version}`);
    const install = runWith(dockerfile, 'poetry install --only main --no-root --no-directory');
    assert.ok(bound(install, 'poetry.lock') && bound(install, 'pyproject.toml'));
    assert.match(commandOf(install), /^VIRTUAL_ENV=\/opt\/venv \/opt\/poetry\/bin\/poetry install /);
    // Poetry's FAQ: the third-party packages before the source, `poetry install --only main` after it.
    assertOrder(dockerfile, 'poetry install --only main --no-root', 'poetry install --only main --no-interaction');
    assertToolStaysInBuilder(dockerfile);
  });

  it("pdm: pinned, the lock's default group exported with hashes and installed by pip with --require-hashes", async () => {
    const { dockerfile, stored } = await generated('pdm');
    assert.equal(stored.deps, 'pdm');
    runWith(dockerfile, `/opt/pdm/bin/pip install pdm==${TOOLS.pdm.version}`);
    const install = runWith(dockerfile, 'pdm export --prod');
    assert.ok(bound(install, 'pdm.lock'));
    assert.match(
      commandOf(install),
      /pip --python \/opt\/venv\/bin\/python install --no-compile --no-deps --require-hashes -r \/tmp\/requirements\.txt$/,
    );
    assertOrder(dockerfile, 'pdm export --prod', 'install --no-compile --no-deps .');
    assertToolStaysInBuilder(dockerfile);
  });

  it("pipenv: pinned, Pipfile.lock's default packages exported with hashes and installed with --require-hashes", async () => {
    const { dockerfile, stored } = await generated('pipenv');
    assert.equal(stored.deps, 'pipenv');
    runWith(dockerfile, `/opt/pipenv/bin/pip install pipenv==${TOOLS.pipenv.version}`);
    const install = runWith(dockerfile, 'pipenv requirements --hash');
    assert.ok(bound(install, 'Pipfile.lock') && bound(install, 'Pipfile'));
    assertOrder(dockerfile, 'pipenv requirements --hash');
    assertToolStaysInBuilder(dockerfile);
  });

  it('a lock that fetches a package from git (httpbin, splitterthing): pdm and pipenv export it without hashes, which pip cannot check for a git checkout', async () => {
    const pipenvFiles = depsFiles('pipenv');
    const pipenvLock = JSON.parse(pipenvFiles['Pipfile.lock'] ?? '{}') as { default: Record<string, unknown> };
    pipenvLock.default.pyyaml = {
      git: 'https://github.com/yaml/pyyaml.git',
      ref: 'a9c28e0b5210d9a6a5f0c9c4c5a1a1e0e0e0e0e0',
    };
    const pdmFiles = depsFiles('pdm');
    const pdmLock = `${pdmFiles['pdm.lock'] ?? ''}\n[[package]]\nname = "pyyaml"\nversion = "6.0.2"\ngit = "https://github.com/yaml/pyyaml.git"\nrevision = "a9c28e0b"\ngroups = ["default"]\n`;
    for (const [files, exported] of [
      [{ ...pipenvFiles, 'Pipfile.lock': JSON.stringify(pipenvLock) }, 'pipenv requirements >'],
      [{ ...pdmFiles, 'pdm.lock': pdmLock }, 'pdm export --prod --format requirements --no-hashes'],
    ] as const) {
      const run = await generate({
        generator: 'app',
        options: { defaults: true, entry: 'gunicorn app:app' },
        files: { ...APP, ...files },
      });
      const install = runWith(parseDockerfile(run.read('Dockerfile')), exported);
      assert.doesNotMatch(commandOf(install), /--hash|--require-hashes/);
      assert.match(commandOf(install), /install --no-compile --no-deps -r \/tmp\/requirements\.txt/);
      assert.match(
        run.read('README.Docker.md'),
        /fetches pyyaml from git, and pip cannot check the hash of a git checkout/,
      );
    }
  });

  it('requirements/ with -r, -c and --hash: the production file, every file it includes bound, hashes required', async () => {
    const { dockerfile, stored } = await generated('includes');
    assert.equal(stored.deps, 'requirements/production.txt', 'the production file, not dev.txt');
    const install = runWith(dockerfile, '-r requirements/production.txt');
    for (const file of ['requirements/production.txt', 'requirements/base.txt', 'requirements/constraints.txt']) {
      assert.ok(bound(install, file), `${file} is there for pip: ${flagsOf(install).join(' ')}`);
    }
    assert.ok(!bound(install, 'requirements/dev.txt'));
    assert.match(commandOf(install), /install --no-compile --require-hashes -r requirements\/production\.txt$/);
    assertOrder(dockerfile, '-r requirements/production.txt');
  });

  it('pyproject.toml: the declared dependencies before the source, then the project', async () => {
    const { dockerfile, stored } = await generated('pyproject');
    assert.equal(stored.deps, 'pip');
    const install = runWith(dockerfile, 'tomllib');
    assert.ok(bound(install, 'pyproject.toml'));
    assertOrder(dockerfile, 'tomllib', 'install --no-compile .');
  });

  it('setup.cfg: install_requires before the source, then the project', async () => {
    const { dockerfile, stored } = await generated('setup-cfg');
    assert.equal(stored.deps, 'pip');
    const install = runWith(dockerfile, 'configparser');
    assert.ok(bound(install, 'setup.cfg'));
    assertOrder(dockerfile, 'configparser', 'install --no-compile .');
  });

  it('setup.py alone: the project and its dependencies install after the source (setup.py must run to tell them)', async () => {
    const { dockerfile, stored } = await generated('setup-py');
    assert.equal(stored.deps, 'pip');
    const lines = builderLines(dockerfile);
    assert.ok(indexOf(lines, 'RUN', 'install --no-compile .') > indexOf(lines, 'COPY', '. .'));
  });

  it('--deps picks another way than the detected one', async () => {
    const { dockerfile, stored } = await generated('uv', { deps: 'none' });
    assert.equal(stored.deps, 'none');
    assert.ok(!builderLines(dockerfile).some((instruction) => commandOf(instruction).includes('uv sync')));
  });

  it('installs the server the app runs under, pinned, with the requirements (one resolve) when the project does not declare it', async () => {
    const pin = `gunicorn==${SERVER_PINS.gunicorn ?? ''}`;
    const { dockerfile } = await generated('requirements');
    const server = runWith(dockerfile, `install --no-compile -r requirements.txt ${pin} && (python -m compileall`);
    assert.ok(flagsOf(server).includes('mount=type=cache,target=/root/.cache/pip'));
    assertOrder(dockerfile, pin);
    const installs = builderLines(dockerfile).filter(
      (instruction) => instruction.getKeyword() === 'RUN' && commandOf(instruction).includes(' install '),
    );
    assert.equal(installs.length, 1, installs.map(commandOf).join('\n'));
    const declared = await generate({
      options: { defaults: true, entry: 'gunicorn app:app' },
      files: { ...APP, 'requirements.txt': 'flask==3.1.3\ngunicorn==23.0.0\n' },
    });
    assert.doesNotMatch(declared.read('Dockerfile'), /gunicorn==/, 'a declared server is not installed again');
  });

  it('a hashed requirements file installs only hashed lines: the server has a step of its own, and the venv is compiled once, after it', async () => {
    const pin = `gunicorn==${SERVER_PINS.gunicorn ?? ''}`;
    const { dockerfile } = await generated('includes');
    const installs = builderLines(dockerfile)
      .filter((instruction) => instruction.getKeyword() === 'RUN' && commandOf(instruction).includes(' install '))
      .map(commandOf);
    assert.equal(installs.length, 2, installs.join('\n'));
    assert.match(installs[0] ?? '', /--require-hashes -r requirements\/production\.txt$/);
    assert.match(
      installs[1] ?? '',
      new RegExp(`install --no-compile ${pin.replace(/\./g, '\\.')} && \\(python -m compileall`),
    );
  });

  it('takes fastapi[standard] as declaring uvicorn: no second pin of it over the one its extra resolves', async () => {
    const app = { 'main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n' };
    const projects: Record<string, string>[] = [
      { 'requirements.txt': 'fastapi[standard]==0.115.0\n' },
      {
        'pyproject.toml': '[project]\nname = "api"\nversion = "1"\ndependencies = ["FastAPI[all]>=0.115"]\n',
      },
    ];
    for (const files of projects) {
      const run = await generate({ options: { defaults: true }, files: { ...app, ...files } });
      const dockerfile = run.read('Dockerfile');
      assert.match(dockerfile, /CMD \["uvicorn"/);
      assert.doesNotMatch(dockerfile, /uvicorn==/, Object.keys(files).join());
    }
    const bare = await generate({ options: { defaults: true }, files: { ...app, 'requirements.txt': 'fastapi\n' } });
    assert.match(bare.read('Dockerfile'), /uvicorn==/, 'plain fastapi brings no server: the pinned one is installed');
  });
});

describe('docker-best:dockerfile: what a lock installs, on projects shaped like real ones', () => {
  /**
   * A Django site managed by Poetry with no package of its own (as `poetry new` is not used for sites). Its lock
   * marks each package's group (Poetry 2, lock-version 2.1), or not (Poetry 1.5 to 1.8, lock-version 2.0).
   */
  const poetrySite = (serverGroup: 'main' | 'dev', lockVersion: '2.0' | '2.1' = '2.1'): Record<string, string> => ({
    'pyproject.toml': [
      '[tool.poetry]',
      'name = "django-start"',
      'version = "0.1.0"',
      'description = ""',
      'authors = ["A <a@example.com>"]',
      '',
      '[tool.poetry.dependencies]',
      'python = "^3.11"',
      'django = "^5.1"',
      ...(serverGroup === 'main' ? ['gunicorn = "^23.0"'] : []),
      '',
      ...(serverGroup === 'dev' ? ['[tool.poetry.group.dev.dependencies]', 'gunicorn = "^23.0"', ''] : []),
      ...POETRY_BUILD_SYSTEM,
    ].join('\n'),
    'poetry.lock': [
      `[[package]]\nname = "django"\nversion = "5.1.4"\noptional = false\npython-versions = ">=3.10"\n${lockVersion === '2.1' ? 'groups = ["main"]\n' : ''}`,
      `[[package]]\nname = "gunicorn"\nversion = "23.0.0"\noptional = false\npython-versions = ">=3.7"\n${lockVersion === '2.1' ? `groups = ["${serverGroup}"]\n` : ''}`,
      `[metadata]\nlock-version = "${lockVersion}"\npython-versions = "^3.11"\ncontent-hash = "0000"\n`,
    ].join('\n'),
    'manage.py':
      "import os\nimport sys\n\nif __name__ == '__main__':\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n    from django.core.management import execute_from_command_line\n    execute_from_command_line(sys.argv)\n",
    'mysite/__init__.py': '',
    'mysite/settings.py': "SECRET_KEY = 'x'\nROOT_URLCONF = 'mysite.urls'\n",
    'mysite/urls.py': 'urlpatterns = []\n',
    'mysite/wsgi.py':
      "import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\napplication = get_wsgi_application()\n",
  });

  const site = async (serverGroup: 'main' | 'dev', lockVersion: '2.0' | '2.1' = '2.1'): Promise<ParsedDockerfile> => {
    const run = await generate({
      generator: 'app',
      options: { defaults: true },
      files: poetrySite(serverGroup, lockVersion),
    });
    return parseDockerfile(run.read('Dockerfile'));
  };

  for (const lockVersion of ['2.1', '2.0'] as const) {
    it(`a server only in the dev group of a lock-version ${lockVersion} poetry.lock is not taken as installed: the pinned one is added`, async () => {
      const dockerfile = await site('dev', lockVersion);
      const [cmd] = byKeyword(dockerfile.final, 'CMD');
      assert.ok(cmd);
      assert.equal(execArgs(cmd)[0], 'gunicorn');
      assert.ok(execArgs(cmd).includes('mysite.wsgi'), execArgs(cmd).join(' '));
      runWith(dockerfile, 'poetry install --only main --no-root');
      runWith(dockerfile, `install --no-compile gunicorn==${SERVER_PINS.gunicorn ?? ''}`);
    });
  }

  it('a server in the main group is used as locked, not installed a second time', async () => {
    const dockerfile = await site('main');
    assert.ok(
      !builderLines(dockerfile).some((instruction) => commandOf(instruction).includes('gunicorn==')),
      builderLines(dockerfile).map(runText).join('\n'),
    );
  });

  it('a site with a build backend but no package of its own is not installed as a package (the build would fail)', async () => {
    const dockerfile = await site('main');
    const lines = builderLines(dockerfile);
    assert.equal(indexOf(lines, 'RUN', 'install --no-compile --no-deps .'), -1, lines.map(runText).join('\n'));
  });
});

describe('docker-best: requirements files shaped like real ones', () => {
  it("cookiecutter-django's requirements.txt includes local.txt (pytest, the debug toolbar): production.txt is installed", () => {
    const facts = detect({
      'requirements.txt': '# Heroku and friends read this file\n-r requirements/local.txt\n',
      'requirements/base.txt': 'django==5.1.4\n',
      'requirements/local.txt': '-r base.txt\npytest==8.3.4\ndjango-debug-toolbar==4.4.6\n',
      'requirements/production.txt': '-r base.txt\ngunicorn==23.0.0\n',
    });
    assert.equal(facts.dependencies.detected.value, 'requirements/production.txt');
    assert.ok(facts.dependencies.declared.includes('gunicorn'));
    assert.ok(!facts.dependencies.declared.includes('pytest'), facts.dependencies.declared.join(' '));
  });

  it('a requirements.txt that only includes a development file: used, with a warning that says so', () => {
    const facts = detect({
      'requirements.txt': '-r requirements-dev.txt\n',
      'requirements-dev.txt': 'flask==3.1.0\npytest==8.3.4\n',
    });
    assert.equal(facts.dependencies.detected.value, 'requirements.txt');
    assert.ok(
      facts.warnings.some((warning) =>
        /^requirements\.txt includes requirements-dev\.txt, named for development: .*--deps/.test(warning),
      ),
      facts.warnings.join('\n'),
    );
  });
});

describe('docker-best: what real projects declare that the slim images lack', () => {
  it('requirements.prod.txt beats a top requirements.txt (often a development freeze)', () => {
    const facts = detect({
      'requirements.txt': 'fastapi==0.99.0\npydantic==1.10.2\nisort==5.12.0\n',
      'requirements.prod.txt': 'fastapi==0.115.0\npydantic==2.9.2\n',
    });
    assert.equal(facts.dependencies.detected.value, 'requirements.prod.txt');
  });

  it('an app in backend/ with the only requirements file beside it: that file, installed from its folder', async () => {
    const files = {
      'backend/requirements.txt': 'fastapi==0.115.0\nuvicorn==0.30.0\n',
      'backend/app/__init__.py': '',
      'backend/app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
      'docs/requirements.txt': 'sphinx==8.0.0\n',
    };
    assert.equal(detect(files).dependencies.detected.value, 'backend/requirements.txt');
    const run = await generate({ options: { defaults: true }, files });
    const install = parseDockerfile(run.read('Dockerfile'))
      .stage('builder')
      .instructions.find((instruction) => commandOf(instruction).includes('-r backend/requirements.txt'));
    assert.ok(install && bound(install, 'backend/requirements.txt'), run.read('Dockerfile'));
  });

  it('a requirement from git, a package with no Linux wheel, opencv-python: one warning each, naming the option', () => {
    const facts = detect({
      'app.py': 'from flask import Flask\n\napp = Flask(__name__)\n',
      'requirements.txt': [
        'flask==3.1.0',
        'utils @ git+https://github.com/example/utils.git@6f1840a',
        'psycopg2==2.9.9',
        'mysqlclient==2.2.0',
        'opencv-python==4.10.0.84',
      ].join('\n'),
    });
    const said = (pattern: RegExp): void => {
      assert.equal(facts.warnings.filter((warning) => pattern.test(warning)).length, 1, facts.warnings.join('\n'));
    };
    said(/^requirements\.txt installs a package from version control \(utils @ git\+https.*--buildpackages git$/);
    said(
      /^psycopg2 has no Linux wheel on PyPI: .*--buildpackages build-essential=12\.\*,libpq-dev=17\.\* \(bookworm: build-essential=12\.\*,libpq-dev=15\.\*\), and --packages libpq5=17\.\* \(bookworm: libpq5=15\.\*\) to run/,
    );
    said(/^mysqlclient has no Linux wheel on PyPI: .*default-libmysqlclient-dev=1\.1\.\*,pkg-config=1\.8\.\*/);
    said(
      /^opencv-python loads libGL .*opencv-python-headless, or pass --packages libgl1=1\.7\.\*,libglib2\.0-0t64=2\.84\.\* \(bookworm: libgl1=1\.6\.\*,libglib2\.0-0=2\.74\.\*\)$/,
    );
  });

  it('binary packages pinned with no Python named anywhere: a warning that names them and --python', () => {
    const pinned = detect({ 'requirements.txt': 'numpy==1.26.4\npandas==2.2.1\nrequests==2.32.3\n' });
    assert.ok(
      pinned.warnings.some((warning) =>
        /^requirements\.txt pins binary packages \(numpy==1\.26\.4, pandas==2\.2\.1\) .*--python/.test(warning),
      ),
      pinned.warnings.join('\n'),
    );
    const named = detect({ 'requirements.txt': 'numpy==1.26.4\n', '.python-version': '3.12\n' });
    assert.ok(!named.warnings.some((warning) => warning.includes('pins binary packages')), named.warnings.join('\n'));
    // paperless-ng: a Pipfile.lock with no `_meta.requires`, numpy 1.20.3 locked.
    const pipenvFiles = depsFiles('pipenv');
    const lock = JSON.parse(pipenvFiles['Pipfile.lock'] ?? '{}') as { default: Record<string, unknown> };
    lock.default.numpy = { hashes: [], index: 'pypi', version: '==1.20.3' };
    const locked = detect({ ...pipenvFiles, 'Pipfile.lock': JSON.stringify(lock) });
    assert.ok(
      locked.warnings.some((warning) =>
        /^Pipfile\.lock pins binary packages \(numpy==1\.20\.3\) .*--python/.test(warning),
      ),
      locked.warnings.join('\n'),
    );
  });

  it('a uv workspace: the dependencies from the lock as it is (--frozen, members left out), then the workspace --locked', async () => {
    const files = {
      ...APP,
      'pyproject.toml':
        '[project]\nname = "ws"\nversion = "0.1.0"\ndependencies = ["flask", "lib"]\n\n[tool.uv.sources]\nlib = { workspace = true }\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n',
      'uv.lock':
        'version = 1\nrequires-python = ">=3.12"\n\n[manifest]\nmembers = ["lib", "ws"]\n\n[[package]]\nname = "ws"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [{ name = "flask" }, { name = "lib" }]\n\n[[package]]\nname = "lib"\nversion = "0.1.0"\nsource = { editable = "packages/lib" }\n\n[[package]]\nname = "flask"\nversion = "3.1.0"\nsource = { registry = "https://pypi.org/simple" }\n',
      'packages/lib/pyproject.toml': '[project]\nname = "lib"\nversion = "0.1.0"\n',
      'packages/lib/lib/__init__.py': '',
    };
    const run = await generate({ options: { defaults: true, entry: 'gunicorn app:app' }, files });
    const dockerfile = parseDockerfile(run.read('Dockerfile'));
    runWith(dockerfile, 'uv sync --frozen --no-install-workspace --no-dev');
    assertOrder(dockerfile, 'uv sync --frozen --no-install-workspace', 'uv sync --locked --no-dev');
  });
});

describe('docker-best:dockerfile: packages a lock takes from a folder of the project', () => {
  const LIB = {
    'packages/lib/pyproject.toml': '[project]\nname = "lib"\nversion = "0.1.0"\n',
    'packages/lib/lib/__init__.py': '',
  };

  /** A uv project with a path source, as `uv add ./packages/lib` writes it; `package = false` or an installable one. */
  const uvWithPathSource = (installable: boolean): Record<string, string> => ({
    ...APP,
    ...LIB,
    ...(installable ? { 'shop/__init__.py': '', 'README.md': '# shop\n' } : {}),
    'pyproject.toml': [
      '[project]',
      'name = "shop"',
      'version = "0.1.0"',
      'requires-python = ">=3.12"',
      'dependencies = ["flask>=3.1", "lib"]',
      '',
      '[tool.uv.sources]',
      'lib = { path = "packages/lib" }',
      '',
      ...(installable
        ? ['[build-system]', 'requires = ["hatchling"]', 'build-backend = "hatchling.build"']
        : ['[tool.uv]', 'package = false']),
      '',
    ].join('\n'),
    'uv.lock': [
      'version = 1',
      'revision = 3',
      'requires-python = ">=3.12"',
      '',
      '[[package]]',
      'name = "flask"',
      'version = "3.1.3"',
      'source = { registry = "https://pypi.org/simple" }',
      '',
      '[[package]]',
      'name = "lib"',
      'version = "0.1.0"',
      'source = { directory = "packages/lib" }',
      '',
      '[[package]]',
      'name = "shop"',
      'version = "0.1.0"',
      `source = { ${installable ? 'editable' : 'virtual'} = "." }`,
      'dependencies = [{ name = "flask" }, { name = "lib" }]',
      '',
      '[package.metadata]',
      'requires-dist = [{ name = "flask", specifier = ">=3.1" }, { name = "lib", directory = "packages/lib" }]',
      '',
    ].join('\n'),
  });

  for (const installable of [true, false]) {
    it(`uv, a path source${installable ? '' : ', package = false'}: the first sync skips what only the source has (--no-install-local, --frozen), the sync after the source installs it`, async () => {
      const run = await generate({
        options: { defaults: true, entry: 'gunicorn app:app' },
        files: uvWithPathSource(installable),
      });
      const dockerfile = parseDockerfile(run.read('Dockerfile'));
      const first = runWith(dockerfile, 'uv sync --frozen --no-install-local --no-dev');
      assert.ok(bound(first, 'pyproject.toml') && bound(first, 'uv.lock'), flagsOf(first).join(' '));
      assert.ok(!flagsOf(first).some((flag) => flag.includes('packages/lib')), flagsOf(first).join(' '));
      assertOrder(dockerfile, 'uv sync --frozen --no-install-local', 'uv sync --locked --no-dev --no-editable');
    });
  }

  it("Poetry, a directory dependency in a site with no package of its own: skipped before the source (--no-directory), installed after it by the FAQ's poetry install --only main", async () => {
    const run = await generate({
      options: { defaults: true, entry: 'gunicorn app:app' },
      files: {
        ...APP,
        ...LIB,
        'pyproject.toml':
          '[tool.poetry]\nname = "site"\nversion = "0.1.0"\ndescription = ""\nauthors = []\npackage-mode = false\n\n[tool.poetry.dependencies]\npython = "^3.12"\nflask = "^3.1"\nlib = {path = "packages/lib", develop = true}\n',
        'poetry.lock': [
          '[[package]]\nname = "flask"\nversion = "3.1.3"\ndescription = ""\noptional = false\npython-versions = ">=3.9"\ngroups = ["main"]\nfiles = []\n',
          '[[package]]\nname = "lib"\nversion = "0.1.0"\ndescription = ""\noptional = false\npython-versions = "*"\ngroups = ["main"]\nfiles = []\ndevelop = true\n\n[package.source]\ntype = "directory"\nurl = "packages/lib"\n',
          '[metadata]\nlock-version = "2.1"\npython-versions = "^3.12"\ncontent-hash = "0000"\n',
        ].join('\n'),
      },
    });
    const dockerfile = parseDockerfile(run.read('Dockerfile'));
    assertOrder(
      dockerfile,
      'poetry install --only main --no-root --no-directory',
      'poetry install --only main --no-interaction',
    );
  });
});

describe('docker-best: lock files the generator cannot use', () => {
  it('two locks at once: the first of uv, Poetry, pdm, pipenv is used, and the run says which and how to pick another', async () => {
    const files = { ...APP, ...depsFiles('poetry'), 'uv.lock': depsFiles('uv')['uv.lock'] ?? '' };
    const run = await generate({ options: { defaults: true, entry: 'gunicorn app:app' }, files });
    const stored = (JSON.parse(run.read('.yo-rc.json')) as Record<string, Record<string, unknown>>)[
      'generator-docker-best'
    ];
    assert.equal(stored?.deps, 'uv');
  });

  it('a malformed lock: one line naming the lock and what to pass, nothing written', async () => {
    const files = { ...APP, ...depsFiles('poetry'), 'poetry.lock': '[[package]\nname = "flask"\n' };
    const { message, dir } = await refusedRun({
      options: { defaults: true, entry: 'gunicorn app:app' },
      files,
    });
    assert.match(
      message,
      /^--deps is needed: poetry\.lock is not valid TOML .*: fix it \(poetry lock\), or pass one of pip, none$/,
    );
    assert.doesNotMatch(message, /\n/);
    const topLevel = new Set(Object.keys(files).map((file) => file.split('/')[0]));
    assert.deepEqual(readdirSync(dir).sort(), [...topLevel].sort());
  });
});

describe('docker-best:dockerfile: Django', () => {
  it('collects the static files at build time when the settings set STATIC_ROOT', async () => {
    const answers = await settle({ entry: 'gunicorn shop.wsgi', deps: 'none' });
    const facts = makeFacts({ django: { dir: '', settings: 'shop.settings', staticRoot: true } });
    const context = dockerfileContext(answers, facts);
    assert.match(context.builder.collectstatic ?? '', /\/opt\/venv\/bin\/python manage\.py collectstatic --noinput$/);
    assert.equal(dockerfileContext(answers, makeFacts()).builder.collectstatic, null);
  });

  it("the image sets DJANGO_SETTINGS_MODULE when the server's module names other settings than manage.py", async () => {
    const answers = await settle({ entry: 'gunicorn config.wsgi', deps: 'none' });
    const django = { dir: '', settings: 'config.settings.production', staticRoot: true };
    const context = dockerfileContext(answers, makeFacts({ django: { ...django, settingsEnv: django.settings } }));
    assert.deepEqual(context.runtime.env[0], { key: 'DJANGO_SETTINGS_MODULE', value: '"config.settings.production"' });
    assert.match(context.builder.collectstatic ?? '', /^DJANGO_SETTINGS_MODULE=config\.settings\.production /);
    assert.deepEqual(dockerfileContext(answers, makeFacts({ django })).runtime.env, []);
  });

  it('collectstatic gets the throw-away values the settings need to import, for its own step only', async () => {
    const answers = await settle({ entry: 'gunicorn shop.wsgi', deps: 'none' });
    const facts = makeFacts({
      django: {
        dir: '',
        settings: 'shop.settings',
        staticRoot: true,
        collectstaticEnv: [
          { key: 'DEBUG', value: 'False' },
          { key: 'SECRET_KEY', value: 'ignored: ours is kept' },
        ],
      },
    });
    assert.equal(
      dockerfileContext(answers, facts).builder.collectstatic,
      'DJANGO_SECRET_KEY=collectstatic-only SECRET_KEY=collectstatic-only DEBUG=False /opt/venv/bin/python manage.py collectstatic --noinput',
    );
  });

  it('collectstatic needs the installed apps and the code: the builder keeps the code, the final stage copies it from there', async () => {
    const answers = await settle({ entry: 'gunicorn shop.wsgi', deps: 'none' });
    const facts = makeFacts({ django: { dir: '', settings: 'shop.settings', staticRoot: true } });
    assert.equal(dockerfileContext(answers, facts).appStage, 'builder');
    assert.equal(dockerfileContext(answers, makeFacts()).appStage, 'source');
  });
});
