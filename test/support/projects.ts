/**
 * Small projects for each way dependencies are declared and locked, shaped like what the tools write
 * (uv.lock, poetry.lock, pdm.lock, Pipfile.lock, requirements files with includes and hashes, pyproject.toml,
 * setup.cfg, setup.py). Used by the Dockerfile specs and the lint matrix.
 */

export const DEPS_PROJECTS = [
  'requirements',
  'includes',
  'pyproject',
  'setup-cfg',
  'setup-py',
  'uv',
  'poetry',
  'pdm',
  'pipenv',
  'bare',
] as const;
export type DepsProject = (typeof DEPS_PROJECTS)[number];

/** pyproject.toml's build-system of a Poetry project, as lines (poetry-core's backend). */
export const POETRY_BUILD_SYSTEM: readonly string[] = [
  '[build-system]',
  'requires = ["poetry-core"]',
  'build-backend = "poetry.core.masonry.api"',
  '',
];

const PYPROJECT = (backend: 'hatchling' | 'poetry' | 'pdm'): string =>
  [
    '[project]',
    'name = "shop"',
    'version = "1.0.0"',
    'requires-python = ">=3.12"',
    'dependencies = ["flask>=3.1", "requests>=2.32"]',
    '',
    '[build-system]',
    backend === 'hatchling'
      ? 'requires = ["hatchling"]\nbuild-backend = "hatchling.build"'
      : backend === 'poetry'
        ? 'requires = ["poetry-core>=2.0"]\nbuild-backend = "poetry.core.masonry.api"'
        : 'requires = ["pdm-backend"]\nbuild-backend = "pdm.backend"',
    '',
  ].join('\n');

const LOCKED_PACKAGE = (lines: readonly string[]): string =>
  [
    '[[package]]',
    'name = "flask"',
    'version = "3.1.3"',
    ...lines,
    '',
    '[[package]]',
    'name = "requests"',
    'version = "2.32.3"',
    ...lines,
    '',
  ].join('\n');

/** The package a pyproject.toml named "shop" builds: without it, the project itself cannot be installed. */
const SHOP_PACKAGE = { 'shop/__init__.py': '' };

const HASH = 'sha256:f4bcbefc124291925f1a26446da31a5178f9483862233b23c0c96a20701f670c';

/** The files of a project whose dependencies are declared the `kind` way. */
export const depsFiles = (kind: DepsProject): Record<string, string> => {
  switch (kind) {
    case 'requirements':
      return { 'requirements.txt': 'flask==3.1.3\nrequests==2.32.3\n' };
    case 'includes':
      return {
        'requirements/base.txt': '-c constraints.txt\nflask\n',
        'requirements/constraints.txt': 'flask==3.1.3\n',
        'requirements/production.txt': `-r base.txt\nrequests==2.32.3 \\\n    --hash=${HASH}\n`,
        'requirements/dev.txt': '-r base.txt\npytest==8.4.0\n',
      };
    case 'pyproject':
      return { 'pyproject.toml': PYPROJECT('hatchling'), 'README.md': '# shop\n', ...SHOP_PACKAGE };
    case 'setup-cfg':
      return {
        'setup.cfg':
          '[metadata]\nname = shop\nversion = 1.0.0\n\n[options]\npackages = find:\ninstall_requires =\n    flask>=3.1\n    requests>=2.32\n',
        'setup.py': 'from setuptools import setup\n\nsetup()\n',
      };
    case 'setup-py':
      return {
        'setup.py':
          'from setuptools import find_packages, setup\n\nsetup(name="shop", version="1.0.0", packages=find_packages(), install_requires=["flask>=3.1"])\n',
      };
    case 'uv':
      return {
        'pyproject.toml': PYPROJECT('hatchling'),
        'README.md': '# shop\n',
        ...SHOP_PACKAGE,
        'uv.lock': `version = 1\nrevision = 3\nrequires-python = ">=3.12"\n\n${LOCKED_PACKAGE(['source = { registry = "https://pypi.org/simple" }'])}`,
      };
    case 'poetry':
      return {
        'pyproject.toml': PYPROJECT('poetry'),
        'README.md': '# shop\n',
        ...SHOP_PACKAGE,
        'poetry.lock': `${LOCKED_PACKAGE(['description = ""', 'optional = false', 'python-versions = ">=3.9"', 'groups = ["main"]'])}\n[metadata]\nlock-version = "2.1"\npython-versions = ">=3.12"\ncontent-hash = "0000"\n`,
      };
    case 'pdm':
      return {
        'pyproject.toml': PYPROJECT('pdm'),
        'README.md': '# shop\n',
        ...SHOP_PACKAGE,
        'pdm.lock': `[metadata]\ngroups = ["default"]\nstrategy = ["inherit_metadata"]\nlock_version = "4.5.0"\ncontent_hash = "sha256:0000"\n\n${LOCKED_PACKAGE(['requires_python = ">=3.9"', 'groups = ["default"]'])}`,
      };
    case 'pipenv':
      return {
        Pipfile:
          '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n[packages]\nflask = "==3.1.3"\nrequests = "*"\n\n[dev-packages]\npytest = "*"\n',
        'Pipfile.lock': `${JSON.stringify(
          {
            _meta: { hash: { sha256: '0000' }, 'pipfile-spec': 6, requires: {}, sources: [] },
            default: {
              flask: { hashes: [HASH], index: 'pypi', version: '==3.1.3' },
              requests: { hashes: [HASH], index: 'pypi', version: '==2.32.3' },
            },
            develop: { pytest: { hashes: [HASH], version: '==8.4.0' } },
          },
          null,
          4,
        )}\n`,
      };
    case 'bare':
      return {};
  }
};
