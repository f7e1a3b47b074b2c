/**
 * The version catalogue: every version and pin the generated files use, in one place, with the date it was
 * checked. Templates never name a version; they get it from the render context built from this file.
 *
 * To refresh: check the official `python` image tags (docker-library/official-images, library/python), the
 * `tini` package in Debian (packages.debian.org) and Alpine (pkgs.alpinelinux.org), and the Jupyter Docker
 * Stacks tags on quay.io; update the entries and `checked`, then run the tests.
 */

export const CATALOGUE_CHECKED = '2026-11-28';

/** Base OS families the generated images build on. */
export type OsFamily = 'debian' | 'alpine';

export interface PythonLine {
  /** Full patch version of the official image, e.g. `3.15.0`. */
  readonly version: string;
  /** Debian codenames with a `python:<version>-slim-<codename>` image, newest first. */
  readonly debian: readonly string[];
  /** Alpine branches with a `python:<version>-alpine<branch>` image, newest first. */
  readonly alpine: readonly string[];
}

/** Python lines by `X.Y`, newest first. The first entry is the default. */
export const PYTHON: Readonly<Record<string, PythonLine>> = {
  '3.15': { version: '3.15.0', debian: ['trixie'], alpine: ['3.24', '3.23'] },
  '3.14': { version: '3.14.8', debian: ['trixie', 'bookworm'], alpine: ['3.24', '3.23'] },
  '3.13': { version: '3.13.14', debian: ['trixie', 'bookworm'], alpine: ['3.24', '3.23'] },
  '3.12': { version: '3.12.13', debian: ['trixie', 'bookworm'], alpine: ['3.24', '3.23'] },
  // Security fixes until 2027-10; many locks (pipenv, Poetry 1.x, pdm) were made for it, with binary pins that
  // have no wheel for 3.12 or later.
  '3.11': { version: '3.11.16', debian: ['trixie', 'bookworm'], alpine: ['3.24', '3.23'] },
};

export interface OsRelease {
  /** Version pin for tini in the package manager's syntax (`=` for apt, `~=` for apk is added by the context). */
  readonly tini: string;
  /** Human name, for docs. */
  readonly label: string;
}

/** Debian releases by codename, newest first. `tini` is pinned as `tini=<pin>`. */
export const DEBIAN: Readonly<Record<string, OsRelease>> = {
  trixie: { tini: '0.19.*', label: 'Debian 13 (trixie)' },
  bookworm: { tini: '0.19.*', label: 'Debian 12 (bookworm)' },
};

/**
 * The compiler package detection names in its advice (`--buildpackages ...`) when a dependency must build from
 * source: Debian's build-essential, 12.9 on bookworm and 12.12 on trixie.
 */
export const COMPILER_PACKAGE = 'build-essential=12.*';

/**
 * System libraries detection names in its advice (`--packages`, `--buildpackages`) for Python packages that
 * build against them or load them when imported, as each Debian release of DEBIAN has them, pinned as the
 * options take them. Trixie renamed some for its 64-bit time_t transition (libmagic1 is libmagic1t64 there,
 * libglib2.0-0 is libglib2.0-0t64: the old names are only virtual, which apt will not install by version).
 * Checked 2026-11-29 with `apt-cache show` against trixie's and bookworm's main archives.
 */
export const DEBIAN_LIBRARIES = {
  /** PostgreSQL's client library, to build psycopg2 and to run it. */
  'libpq-dev': { trixie: 'libpq-dev=17.*', bookworm: 'libpq-dev=15.*' },
  libpq5: { trixie: 'libpq5=17.*', bookworm: 'libpq5=15.*' },
  /** MariaDB's client library, to build mysqlclient (found with pkg-config) and to run it. */
  'default-libmysqlclient-dev': {
    trixie: 'default-libmysqlclient-dev=1.1.*',
    bookworm: 'default-libmysqlclient-dev=1.1.*',
  },
  'pkg-config': { trixie: 'pkg-config=1.8.*', bookworm: 'pkg-config=1.8.*' },
  libmariadb3: { trixie: 'libmariadb3=1:11.8.*', bookworm: 'libmariadb3=1:10.11.*' },
  /** OpenLDAP and SASL headers, to build python-ldap (libldap2-dev is only virtual on trixie). */
  'libldap-dev': { trixie: 'libldap-dev=2.6.*', bookworm: 'libldap-dev=2.5.*' },
  'libsasl2-dev': { trixie: 'libsasl2-dev=2.1.*', bookworm: 'libsasl2-dev=2.1.*' },
  /** libGL and GLib, which opencv-python loads. */
  libgl1: { trixie: 'libgl1=1.7.*', bookworm: 'libgl1=1.6.*' },
  libglib: { trixie: 'libglib2.0-0t64=2.84.*', bookworm: 'libglib2.0-0=2.74.*' },
  /** libmagic, which python-magic loads. */
  libmagic: { trixie: 'libmagic1t64=1:5.*', bookworm: 'libmagic1=1:5.*' },
  /** Pango and HarfBuzz's subsetter, which WeasyPrint loads (its install docs: doc.courtbouillon.org/weasyprint). */
  'libpango-1.0-0': { trixie: 'libpango-1.0-0=1.56.*', bookworm: 'libpango-1.0-0=1.50.*' },
  'libpangoft2-1.0-0': { trixie: 'libpangoft2-1.0-0=1.56.*', bookworm: 'libpangoft2-1.0-0=1.50.*' },
  'libharfbuzz-subset0': { trixie: 'libharfbuzz-subset0=10.*', bookworm: 'libharfbuzz-subset0=6.*' },
} as const satisfies Readonly<Record<string, Readonly<Record<string, string>>>>;

export type DebianLibrary = keyof typeof DEBIAN_LIBRARIES;

/** Alpine branches, newest first. `tini` is pinned as `tini~=<pin>`. */
export const ALPINE: Readonly<Record<string, OsRelease>> = {
  '3.24': { tini: '0.19', label: 'Alpine 3.24' },
  '3.23': { tini: '0.19', label: 'Alpine 3.23' },
};

/**
 * The notebook converter: a Jupyter Docker Stacks image that has `jupyter nbconvert`. It runs only in the
 * converter stage; nothing of it reaches the final image.
 */
export const CONVERTER = {
  image: 'quay.io/jupyter/base-notebook',
  tag: '2026-10-05',
} as const;

/**
 * Production servers installed into the virtualenv when the project runs under one it does not declare
 * (`gunicorn shop.wsgi` with no gunicorn in requirements.txt). README.Docker.md says when this happens.
 * Keys are the PyPI names of `src/servers.ts`; a server without a pin here is never installed for the user.
 */
export const SERVER_PINS: Readonly<Record<string, string>> = {
  gunicorn: '26.2.0',
  uvicorn: '0.54.0',
};

/**
 * Dependency managers, each installed in the builder stage only, at a pinned version, following its own
 * documented container recipe:
 * - uv: the official image by full tag, `COPY --from` its binaries, `uv sync --locked --no-install-project
 *   --no-dev` with the lock bind-mounted and a cache mount, then the project after the source
 *   (https://docs.astral.sh/uv/guides/integration/docker/); a workspace `--frozen --no-install-workspace` first
 *   (the guide's "Intermediate layers in workspaces"). Packages the lock takes from a path of the project are
 *   skipped by `--no-install-local` (uv >= 0.8.14; its CLI reference: "Useful in Docker builds to cache heavy
 *   third-party dependencies first and layer local packages separately",
 *   https://docs.astral.sh/uv/reference/cli/#uv-sync--no-install-local), with `--frozen` as for a workspace.
 * - Poetry: installed with pip into its own virtualenv, `poetry install --only main --no-root --no-directory`
 *   into the active /opt/venv with the lock bind-mounted, then `poetry install --only main` after the source
 *   (the FAQ's recipe, https://python-poetry.org/docs/faq/#poetry-busts-my-docker-cache-because-it-requires-me-to-copy-my-source-files-in-before-installing-3rd-party-dependencies;
 *   `--no-directory` since Poetry 1.5; https://python-poetry.org/docs/#ci-recommendations,
 *   https://python-poetry.org/docs/configuration/).
 * - pdm: `pdm export --prod` of the lock with hashes, installed by pip with --require-hashes
 *   (https://pdm-project.org/latest/usage/advanced/#use-pdm-in-a-multi-stage-dockerfile, export variant).
 * - pipenv: `pipenv requirements --hash` of Pipfile.lock (default packages), installed by pip with
 *   --require-hashes (https://pipenv.pypa.io/en/latest/docker.html, requirements variant).
 * The versions are releases known to exist; none of these tools is reachable from the machine that wrote
 * this catalogue, so check them against PyPI and ghcr.io when you refresh it.
 */
export const TOOLS = {
  uv: { image: 'ghcr.io/astral-sh/uv', version: '0.13.0' },
  poetry: { version: '2.2.1' },
  pdm: { version: '2.26.1' },
  pipenv: { version: '2025.0.4' },
} as const;

/** Resource limits written into compose.yaml. */
export const COMPOSE_LIMITS = {
  memory: '512m',
  pids: 256,
  cpus: '1.0',
} as const;

export const pythonLines = (): string[] => Object.keys(PYTHON);

export const newestPython = (): string => {
  const [first] = pythonLines();
  if (first === undefined) throw new Error('the version catalogue lists no Python line');
  return first;
};

/** Releases of `family` that have an image for Python `line`, newest first. */
export const releasesFor = (family: OsFamily, line: string): readonly string[] => {
  const entry = PYTHON[line];
  if (!entry) return [];
  return family === 'debian' ? entry.debian : entry.alpine;
};

/**
 * The official image for a Python version on a release: `python:3.15.0-slim-trixie`, `python:3.15.0-alpine3.24`.
 * The Dockerfile passes ARG references (`${PYTHON_VERSION}`) for the parts it pins in ARGs.
 */
export const pythonImage = (family: OsFamily, version: string, release: string): string =>
  family === 'debian' ? `python:${version}-slim-${release}` : `python:${version}-alpine${release}`;

export const osRelease = (family: OsFamily, release: string): OsRelease | undefined =>
  family === 'debian' ? DEBIAN[release] : ALPINE[release];

/**
 * debugpy, installed by the development override (compose.dev.yaml) when --debugport is given; checked
 * 2026-11-29 (PyPI: debugpy).
 */
export const DEBUGPY = { package: 'debugpy', version: '1.8.22', checked: '2026-11-29' } as const;

/**
 * The GitHub Actions the CI workflow uses, pinned by full version (their release tags on GitHub), checked
 * 2026-11-29.
 */
export const GITHUB_ACTIONS = {
  checked: '2026-11-29',
  checkout: 'actions/checkout@v7.0.1',
  setupQemu: 'docker/setup-qemu-action@v4.2.0',
  setupBuildx: 'docker/setup-buildx-action@v4.3.0',
  login: 'docker/login-action@v4.1.0',
  metadata: 'docker/metadata-action@v6.2.0',
  buildPush: 'docker/build-push-action@v7.3.0',
  /** The runner image, by version rather than `ubuntu-latest`. */
  runner: 'ubuntu-24.04',
} as const;

/**
 * The images the GitLab CI job runs: the Docker CLI with buildx, its Docker-in-Docker service, and the QEMU
 * installer for the arm64 half of the build; checked 2026-11-29 (docker-library/docker, tonistiigi/binfmt).
 */
export const GITLAB_IMAGES = {
  checked: '2026-11-29',
  docker: 'docker:29.7.2',
  dind: 'docker:29.7.2-dind',
  binfmt: 'tonistiigi/binfmt:qemu-v10.2.3-68',
} as const;

/** The platforms CI builds for. */
export const CI_PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
