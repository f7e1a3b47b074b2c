/**
 * What a lock installs for the image, and what detection says when the dependencies cannot be installed from
 * where the generator runs: on projects shaped like the real ones these cases were found on (lines copied from
 * their pyproject.toml and locks).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { DEBIAN, DEBIAN_LIBRARIES, TOOLS } from '../../src/catalogue.js';
import { detectionSummary } from '../../src/summary.js';
import { parsePackages } from '../../src/validate.js';
import { generate, refusedRun } from '../support/generate.js';
import { detect } from '../support/project-dirs.js';
import { depsFiles, POETRY_BUILD_SYSTEM } from '../support/projects.js';

/** A `[[package]]` table of a Poetry 1.5-1.8 lock (lock-version 2.0): no `groups`, no `category`. */
const poetryPackage = (name: string, version: string, dependencies: readonly string[] = [], extras = ''): string =>
  [
    '[[package]]',
    `name = "${name}"`,
    `version = "${version}"`,
    'description = ""',
    'optional = false',
    'python-versions = ">=3.8"',
    'files = [',
    `    {file = "${name.replace(/-/g, '_')}-${version}-py3-none-any.whl", hash = "sha256:0000"},`,
    ']',
    '',
    ...(dependencies.length > 0 ? ['[package.dependencies]', ...dependencies, ''] : []),
    ...(extras === '' ? [] : ['[package.extras]', extras, '']),
  ].join('\n');

const POETRY_LOCK_2_0 = '[metadata]\nlock-version = "2.0"\npython-versions = "^3.10"\ncontent-hash = "0000"\n';

/** full-stack-fastapi-template's backend before uv (Poetry 1.8): fastapi[standard], a dev group with coverage. */
const fullStackPoetry = (): Record<string, string> => ({
  'pyproject.toml': [
    '[tool.poetry]',
    'name = "app"',
    'version = "0.1.0"',
    'description = ""',
    'authors = ["Admin <admin@example.com>"]',
    '',
    '[tool.poetry.dependencies]',
    'python = "^3.10"',
    'fastapi = {extras = ["standard"], version = "^0.114.2"}',
    'tenacity = "^8.2.3"',
    '# Optional, as private-gpt declares its back ends',
    'torch = {version ="^2.4.1", optional = true}',
    '',
    '[tool.poetry.group.dev.dependencies]',
    'pytest = "^7.4.3"',
    'coverage = "^7.4.3"',
    '',
    '[tool.poetry.extras]',
    'rerank = ["torch"]',
    '',
    ...POETRY_BUILD_SYSTEM,
  ].join('\n'),
  'poetry.lock': [
    poetryPackage('coverage', '7.6.0'),
    poetryPackage(
      'fastapi',
      '0.114.2',
      [
        'email-validator = {version = ">=2.0.0", optional = true, markers = "extra == \\"standard\\""}',
        'starlette = ">=0.37.2,<0.39.0"',
        'uvicorn = {version = ">=0.12.0", extras = ["standard"], optional = true, markers = "extra == \\"standard\\""}',
      ],
      'standard = ["email-validator (>=2.0.0)", "uvicorn[standard] (>=0.12.0)"]',
    ),
    poetryPackage('email-validator', '2.2.0'),
    poetryPackage('httptools', '0.6.1'),
    poetryPackage('iniconfig', '2.0.0'),
    poetryPackage('pytest', '7.4.4', ['iniconfig = "*"']),
    poetryPackage('starlette', '0.38.5'),
    poetryPackage('tenacity', '8.5.0'),
    poetryPackage('torch', '2.4.1'),
    poetryPackage(
      'uvicorn',
      '0.24.0.post1',
      ['click = ">=7.0"', 'httptools = {version = ">=0.5.0", optional = true, markers = "extra == \\"standard\\""}'],
      'standard = ["httptools (>=0.5.0)"]',
    ),
    poetryPackage('click', '8.1.7'),
    POETRY_LOCK_2_0,
  ].join('\n'),
});

describe('detection: what a lock installs for the image', () => {
  it('a Poetry 1.8 lock (no groups): dev and optional packages do not count as installed, what fastapi[standard] brings does', () => {
    const { declared } = detect(fullStackPoetry()).dependencies;
    for (const name of ['fastapi', 'starlette', 'uvicorn', 'httptools', 'click', 'email-validator', 'tenacity']) {
      assert.ok(declared.includes(name), `${name} is installed: ${declared.join(' ')}`);
    }
    for (const name of ['pytest', 'iniconfig', 'coverage', 'torch']) {
      assert.ok(!declared.includes(name), `${name} is not installed: ${declared.join(' ')}`);
    }
  });

  it('a uv workspace whose root is no project (full-stack-fastapi-template): its member is a root, fastapi[standard] brings uvicorn, no second pin of it', async () => {
    const files = {
      'pyproject.toml':
        '[dependency-groups]\ndev = ["prek>=0.4.11,<1.0.0"]\n\n[tool.uv.workspace]\nmembers = ["backend"]\n',
      'uv.lock': [
        'version = 1',
        'revision = 3',
        'requires-python = ">=3.14, <4.0"',
        '',
        '[manifest]',
        'members = [',
        '    "app",',
        ']',
        '',
        '[manifest.dependency-groups]',
        'dev = [{ name = "prek", specifier = ">=0.4.11,<1.0.0" }]',
        '',
        '[[package]]',
        'name = "app"',
        'version = "0.1.0"',
        'source = { editable = "backend" }',
        'dependencies = [',
        '    { name = "fastapi", extra = ["standard"] },',
        '    { name = "tenacity" },',
        ']',
        '',
        '[package.dev-dependencies]',
        'dev = [{ name = "coverage" }]',
        '',
        ...[
          ['fastapi', '0.141.1', '{ name = "starlette" }'],
          ['fastapi-cli', '0.0.32', '{ name = "uvicorn", extra = ["standard"] }'],
          ['starlette', '0.50.0', ''],
          ['tenacity', '9.1.2', ''],
          ['coverage', '7.10.0', ''],
          ['prek', '0.4.11', ''],
          ['uvicorn', '0.49.0', '{ name = "click" }, { name = "h11" }'],
          ['click', '8.3.0', ''],
          ['h11', '0.16.0', ''],
          ['uvloop', '0.22.1', ''],
        ].flatMap(([name = '', version = '', dependencies = '']) => [
          '[[package]]',
          `name = "${name}"`,
          `version = "${version}"`,
          'source = { registry = "https://pypi.org/simple" }',
          ...(dependencies === '' ? [] : [`dependencies = [${dependencies}]`]),
          ...(name === 'fastapi'
            ? [
                '',
                '[package.optional-dependencies]',
                'standard = [',
                '    { name = "fastapi-cli", extra = ["standard"] },',
                '    { name = "uvicorn", extra = ["standard"] },',
                ']',
              ]
            : name === 'uvicorn'
              ? ['', '[package.optional-dependencies]', 'standard = [{ name = "uvloop" }]']
              : []),
          '',
        ]),
      ].join('\n'),
      'backend/pyproject.toml':
        '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["fastapi[standard]>=0.141.1,<1.0.0", "tenacity<10.0.0,>=8.2.3"]\n',
      'backend/app/__init__.py': '',
      'backend/app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
    };
    const { declared } = detect(files).dependencies;
    for (const name of ['app', 'fastapi', 'fastapi-cli', 'uvicorn', 'uvloop', 'click', 'starlette', 'tenacity']) {
      assert.ok(declared.includes(name), `${name} is installed: ${declared.join(' ')}`);
    }
    for (const name of ['coverage', 'prek']) {
      assert.ok(!declared.includes(name), `${name} is a dev package: ${declared.join(' ')}`);
    }
    const run = await generate({ options: { defaults: true }, files });
    assert.match(run.read('Dockerfile'), /CMD \["uvicorn", .*"--app-dir", "backend", "app\.main:app"\]/);
    assert.doesNotMatch(run.read('Dockerfile'), /uvicorn==/);
    assert.doesNotMatch(run.read('README.Docker.md'), /does not declare/);
  });
});

/** A FastAPI app in backend/, as full-stack-fastapi-template and arq-ui keep it. */
const BACKEND_APP = {
  'backend/app/__init__.py': '',
  'backend/app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
  'frontend/package.json': '{"name": "frontend"}\n',
};

/** The folder holds only the project's own files: the run wrote nothing. */
const assertNothingWritten = (dir: string, files: Readonly<Record<string, string>>): void => {
  const topLevel = new Set(Object.keys(files).map((file) => file.split('/')[0]));
  assert.deepEqual(readdirSync(dir).sort(), [...topLevel].sort());
};

describe('detection: dependencies the generator cannot install from where it runs', () => {
  const backendPyproject =
    '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["fastapi[standard]>=0.114.2"]\n';
  const nested: readonly { readonly lock: string; readonly files: Record<string, string> }[] = [
    {
      lock: 'backend/uv.lock',
      files: {
        'backend/pyproject.toml': backendPyproject,
        'backend/uv.lock': depsFiles('uv')['uv.lock'] ?? '',
      },
    },
    {
      lock: 'backend/poetry.lock',
      files: {
        'backend/pyproject.toml': fullStackPoetry()['pyproject.toml'] ?? '',
        'backend/poetry.lock': POETRY_LOCK_2_0,
      },
    },
    {
      lock: 'backend/pdm.lock',
      files: { 'backend/pyproject.toml': backendPyproject, 'backend/pdm.lock': depsFiles('pdm')['pdm.lock'] ?? '' },
    },
    {
      lock: 'backend/Pipfile.lock',
      files: {
        'backend/Pipfile': depsFiles('pipenv').Pipfile ?? '',
        'backend/Pipfile.lock': depsFiles('pipenv')['Pipfile.lock'] ?? '',
      },
    },
  ];
  for (const { lock, files } of nested) {
    it(`${lock}, run at the top: one line that says to run it in backend/, and nothing written`, async () => {
      const project = { ...BACKEND_APP, ...files };
      const { message, dir } = await refusedRun({ options: { defaults: true }, files: project });
      assert.equal(
        message,
        `--deps is needed: ${lock} locks the dependencies: run docker-best in backend/ (or pass --deps none to build without them)`,
      );
      assertNothingWritten(dir, project);
    });
  }

  it('backend/pyproject.toml without a lock: the same line, as it declares the dependencies', async () => {
    const project = { ...BACKEND_APP, 'backend/pyproject.toml': backendPyproject };
    const { message } = await refusedRun({ options: { defaults: true }, files: project });
    assert.match(
      message,
      /^--deps is needed: backend\/pyproject\.toml declares the dependencies: run docker-best in backend\//,
    );
  });

  it("--deps none builds without them, as asked; a lock under docs/ or examples/ is not the app's", async () => {
    const project = { ...BACKEND_APP, 'backend/pyproject.toml': backendPyproject, 'backend/uv.lock': '' };
    const run = await generate({ options: { defaults: true, deps: 'none' }, files: project });
    assert.ok(run.exists('Dockerfile'));
    const examples = detect({ ...BACKEND_APP, 'examples/uv.lock': '', 'docs/pyproject.toml': '' });
    assert.equal(examples.dependencies.unusable, undefined);
  });

  it('an interactive run shows the line before it asks how the dependencies install, and offers no default', () => {
    const facts = detect({ ...BACKEND_APP, 'backend/pyproject.toml': backendPyproject, 'backend/uv.lock': '' });
    assert.ok(
      detectionSummary(facts).includes(
        '  warning: backend/uv.lock locks the dependencies: run docker-best in backend/ (or pass --deps none to build without them)',
      ),
      detectionSummary(facts).join('\n'),
    );
    assert.ok(!detectionSummary(facts, 'none').some((line) => line.includes('backend/uv.lock')));
  });

  /** flask_project_template: a Pipfile, no Pipfile.lock. */
  const PIPFILE_ONLY = {
    Pipfile:
      '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n[packages]\nflask = "*"\nflask-sqlalchemy = "*"\n\n[dev-packages]\npytest = "*"\n\n[requires]\npython_version = "3.8"\n',
    'wsgi.py': "from app import create_app  # noqa\n\napp = create_app('production')\n",
    'app/__init__.py':
      'from flask import Flask\n\n\ndef create_app(config_name=None):\n    app = Flask("app")\n    return app\n',
  };

  it('a Pipfile without Pipfile.lock: one line that says to lock it, nothing written', async () => {
    const { message, dir } = await refusedRun({ options: { defaults: true }, files: PIPFILE_ONLY });
    assert.equal(
      message,
      '--deps is needed: Pipfile has no Pipfile.lock: run `pipenv lock` and commit it (or pass --deps none to build without them)',
    );
    assertNothingWritten(dir, PIPFILE_ONLY);
    const asked = await refusedRun({ options: { defaults: true, deps: 'pipenv' }, files: PIPFILE_ONLY });
    assert.equal(
      asked.message,
      "--deps 'pipenv': Pipfile has no Pipfile.lock: run `pipenv lock` and commit it, or pass one of none",
    );
  });

  it('a Pipfile without Pipfile.lock beside a requirements.txt: requirements.txt installs, with a warning', () => {
    const facts = detect({ ...PIPFILE_ONLY, 'requirements.txt': 'flask==3.1.0\n' });
    assert.equal(facts.dependencies.detected.value, 'requirements.txt');
    assert.ok(
      facts.warnings.some((warning) =>
        warning.startsWith('Pipfile has no Pipfile.lock: run `pipenv lock` and commit it'),
      ),
      facts.warnings.join('\n'),
    );
  });

  /** A pdm.lock pdm 2.10 wrote (hotelhub, tachyondecay, Garagem): strategy without inherit_metadata. */
  const pdmLock = (metadata: string): string =>
    `# This file is @generated by PDM.\n\n[metadata]\n${metadata}content_hash = "sha256:0000"\n\n[[package]]\nname = "flask"\nversion = "3.0.0"\nrequires_python = ">=3.8"\nsummary = ""\n`;
  for (const [label, metadata] of [
    [
      'strategy = ["cross_platform"] (pdm 2.8-2.10)',
      'groups = ["default", "dev"]\nstrategy = ["cross_platform"]\nlock_version = "4.4.1"\n',
    ],
    ['no strategy (lock_version 4.3)', 'groups = ["default"]\nlock_version = "4.3"\n'],
  ] as const) {
    it(`a pdm.lock with ${label}, which pdm export refuses: one line saying how to re-lock, or which file to pass`, async () => {
      const files = {
        ...depsFiles('pdm'),
        'pdm.lock': pdmLock(metadata),
        'requirements.txt': 'flask==3.0.0\n',
        'app.py': 'from flask import Flask\n\napp = Flask(__name__)\n',
      };
      const { message, dir } = await refusedRun({ options: { defaults: true }, files });
      assert.equal(
        message,
        `--deps is needed: pdm.lock was locked without the inherit_metadata strategy, which pdm ${TOOLS.pdm.version} needs to export it: re-lock it with \`pdm lock --strategy inherit_metadata\`, or pass one of requirements.txt, pip, none`,
      );
      assertNothingWritten(dir, files);
      const run = await generate({ options: { defaults: true, deps: 'requirements.txt' }, files });
      assert.match(run.read('Dockerfile'), /-r requirements\.txt/);
    });
  }
});

describe('detection: what the run says follows the --deps it uses', () => {
  /** lnbits: uv.lock and poetry.lock both there. */
  const bothLocks = (): Record<string, string> => ({
    ...depsFiles('poetry'),
    'uv.lock': depsFiles('uv')['uv.lock'] ?? '',
  });

  it('uv.lock and poetry.lock with --deps poetry: the summary says poetry, and that poetry.lock is used', () => {
    const facts = detect(bothLocks());
    const summary = detectionSummary(facts, 'poetry');
    assert.ok(
      summary.some((line) => /^ {2}deps {4}poetry {2}\(given\)$/.test(line)),
      summary.join('\n'),
    );
    assert.ok(
      summary.includes(
        '  warning: poetry.lock and uv.lock are both here: using poetry.lock; pass --deps uv to use the other',
      ),
      summary.join('\n'),
    );
    assert.ok(!summary.some((line) => line.includes('using uv.lock')), summary.join('\n'));
    const detected = detectionSummary(facts);
    assert.ok(
      detected.some((line) => /^ {2}deps {4}uv {2}\(uv\.lock locks/.test(line)),
      detected.join('\n'),
    );
    assert.ok(
      detected.some((line) => line.includes('using uv.lock; pass --deps poetry')),
      detected.join('\n'),
    );
  });
});

describe('detection: the tool version the project asks for', () => {
  const withToolTable = (manager: 'uv' | 'poetry', table: string): Record<string, string> => {
    const files = depsFiles(manager);
    return { ...files, 'pyproject.toml': `${files['pyproject.toml'] ?? ''}\n${table}\n` };
  };

  it("saleor-like [tool.uv] required-version the catalogue's uv is not: a warning naming both and the Dockerfile ARG", () => {
    const facts = detect(withToolTable('uv', '[tool.uv]\nrequired-version = ">=99.0"'));
    const warning = facts.warnings.find((line) => line.includes('required-version'));
    assert.ok(warning !== undefined, facts.warnings.join('\n'));
    assert.ok(warning.includes(`uv >=99.0`) && warning.includes(`uv ${TOOLS.uv.version}`), warning);
    assert.ok(warning.includes('ARG UV_VERSION'), warning);
  });

  it("a requirement the pins meet (paperless's uv >=0.9.0, Poetry >=2.0): nothing said", () => {
    const uv = detect(withToolTable('uv', '[tool.uv]\nrequired-version = ">=0.9.0"'));
    assert.ok(!uv.warnings.some((line) => line.includes('required-version')), uv.warnings.join('\n'));
    const poetry = detect(withToolTable('poetry', '[tool.poetry]\nrequires-poetry = ">=2.0"'));
    assert.ok(!poetry.warnings.some((line) => line.includes('requires-poetry')), poetry.warnings.join('\n'));
    const tooNew = detect(withToolTable('poetry', '[tool.poetry]\nrequires-poetry = ">=9.0"'));
    assert.ok(
      tooNew.warnings.some(
        (line) => line.includes(`requires-poetry`) && line.includes(`poetry==${TOOLS.poetry.version}`),
      ),
      tooNew.warnings.join('\n'),
    );
  });
});

describe('detection: system libraries the packages of a lock need', () => {
  it("named packages of a lock's main set get their hint: python-ldap (mealie), python-magic, weasyprint (pybdsite)", () => {
    const uvLock = (names: readonly string[]): string =>
      [
        'version = 1\nrevision = 3\nrequires-python = ">=3.12"\n',
        `[[package]]\nname = "site"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [${names.map((name) => `{ name = "${name}" }`).join(', ')}]\n`,
        ...names.map(
          (name) =>
            `[[package]]\nname = "${name}"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }\nwheels = [{ url = "https://files.pythonhosted.org/${name.replace(/-/g, '_')}-1.0-py3-none-any.whl", hash = "sha256:0000" }]\n`,
        ),
      ].join('\n');
    const facts = detect({
      'pyproject.toml':
        '[project]\nname = "site"\nversion = "0.1.0"\ndependencies = ["weasyprint>=67.0", "python-magic"]\n',
      'uv.lock': uvLock(['weasyprint', 'python-magic']),
    });
    const hint = (pattern: RegExp): void => {
      assert.equal(facts.warnings.filter((warning) => pattern.test(warning)).length, 1, facts.warnings.join('\n'));
    };
    hint(
      /^weasyprint loads Pango when imported, which slim images lack: pass --packages libpango-1\.0-0=1\.56\.\*,libpangoft2-1\.0-0=1\.56\.\*,libharfbuzz-subset0=10\.\* \(bookworm: /,
    );
    hint(
      /^python-magic loads libmagic when imported, .*--packages libmagic1t64=1:5\.\* \(bookworm: libmagic1=1:5\.\*\)$/,
    );

    const mealie = detect({
      ...fullStackPoetry(),
      'pyproject.toml': (fullStackPoetry()['pyproject.toml'] ?? '').replace(
        'tenacity = "^8.2.3"',
        'tenacity = "^8.2.3"\npython-ldap = "^3.4.3"',
      ),
      'poetry.lock': (fullStackPoetry()['poetry.lock'] ?? '').replace(
        POETRY_LOCK_2_0,
        `${poetryPackage('python-ldap', '3.4.4')}\n${POETRY_LOCK_2_0}`,
      ),
    });
    assert.ok(
      mealie.warnings.some((warning) =>
        /^python-ldap has no Linux wheel on PyPI: .*--buildpackages build-essential=12\.\*,libldap-dev=2\.6\.\*,libsasl2-dev=2\.1\.\*/.test(
          warning,
        ),
      ),
      mealie.warnings.join('\n'),
    );
  });

  it('every library the hints name is pinned for every Debian release, in the form --packages takes', () => {
    for (const [library, pins] of Object.entries(DEBIAN_LIBRARIES)) {
      assert.deepEqual(Object.keys(pins).sort(), Object.keys(DEBIAN).sort(), library);
      for (const pin of Object.values(pins)) {
        assert.ok(parsePackages(pin, { stack: 'python-debian' }).ok, `${library}: ${pin}`);
      }
    }
  });
});
