/**
 * Files a Python project may hold, by what must become of them in a build context: the generated
 * .dockerignore's spec matches them with Docker's rules, and the engine test sends them to a real engine.
 */

/** Secrets and local state a project may hold, at the top and in subfolders: none may reach the context. */
export const SECRETS = [
  '.env',
  '.env.local',
  '.envrc',
  'config/.env',
  'src/pkg/.env.local',
  'dev.env',
  'config/prod.env',
  'certs/server.key',
  'deploy/tls/server.pem',
  'keys/client.p12',
  'keys/client.pfx',
  'id_rsa',
  'id_rsa.pub',
  'ops/id_ecdsa',
  'ops/id_dsa',
  '.ssh/id_ed25519',
  'home/.ssh/config',
  '.aws/credentials',
  'infra/.aws/config',
  '.netrc',
  'tools/.netrc',
  '.npmrc',
  'web/.npmrc',
  '.pypirc',
  '.pgpass',
  '.git-credentials',
  'credentials.json',
  'deploy/credentials-prod.json',
  '.docker/config.json',
  '.kube/config',
  '.gnupg/private-keys-v1.d/key',
] as const;

/** Build and editor state that only slows the context down or leaks history. */
export const CLUTTER = [
  '.git/config',
  'vendor/lib/.git/HEAD',
  '.venv/bin/python',
  'venv/pyvenv.cfg',
  'services/api/.venv/pyvenv.cfg',
  'node_modules/left-pad/index.js',
  'web/node_modules/left-pad/index.js',
  'src/pkg/__pycache__/mod.cpython-313.pyc',
  'src/pkg/mod.pyc',
  'src/shop.egg-info/PKG-INFO',
  'notebooks/.ipynb_checkpoints/report-checkpoint.ipynb',
  '.pytest_cache/v/cache',
  'src/.mypy_cache/3.13/x.json',
  '.idea/workspace.xml',
  'src/.vscode/settings.json',
  'src/pkg/.DS_Store',
  'src/pkg/mod.py.swp',
  'src/pkg/mod.py~',
] as const;

/** What builds need: manifests, lock files, the source, data files, notebooks, README and LICENSE. */
export const NEEDED = [
  'README.md',
  'LICENSE',
  'pyproject.toml',
  'requirements.txt',
  'requirements/base.txt',
  'uv.lock',
  'poetry.lock',
  '.python-version',
  'app.py',
  'src/pkg/__init__.py',
  'src/pkg/env.py',
  'src/pkg/keys.py',
  'src/pkg/data/settings.json',
  'src/pkg/templates/index.html',
  'notebooks/report.ipynb',
  'environment.yml',
] as const;
