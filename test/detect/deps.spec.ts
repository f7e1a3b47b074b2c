/**
 * What a lock installs for the image, and what detection says when the dependencies cannot be installed from
 * where the generator runs: on projects shaped like the real ones these cases were found on (lines copied from
 * their pyproject.toml and locks).
 */
import assert from 'node:assert/strict';
import { detect } from '../support/project-dirs.js';

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
    '[build-system]',
    'requires = ["poetry-core"]',
    'build-backend = "poetry.core.masonry.api"',
    '',
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

  it('a uv workspace whose root is no project (full-stack-fastapi-template): its member is a root, fastapi[standard] brings uvicorn', () => {
    const facts = detect({
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
    });
    const { declared } = facts.dependencies;
    for (const name of ['app', 'fastapi', 'fastapi-cli', 'uvicorn', 'uvloop', 'click', 'starlette', 'tenacity']) {
      assert.ok(declared.includes(name), `${name} is installed: ${declared.join(' ')}`);
    }
    for (const name of ['coverage', 'prek']) {
      assert.ok(!declared.includes(name), `${name} is a dev package: ${declared.join(' ')}`);
    }
  });
});
