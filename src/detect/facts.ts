/**
 * What detection tells about a project: the facts the answers model takes its defaults from, and the render
 * contexts their install and run decisions. Each detected value carries the reason it was chosen, shown in
 * the prompts' summary and in README.Docker.md.
 */
import type { LockManager } from '../model.js';
import type { Pyproject } from './pyproject.js';

/** A detected value and why: `{ value: 8000, why: 'gunicorn binds 0.0.0.0:8000 in Procfile' }`. */
export interface Detected<T> {
  readonly value: T;
  readonly why: string;
}

/** A command to run once, outside the serving container (a Procfile `release:` step, Django migrations). */
export interface OneOff {
  /** Exec-form words, as `docker compose run --rm <service> ...` takes them. */
  readonly argv: readonly string[];
  readonly why: string;
}

/** A Django project: what the build and the docs need. */
export interface DjangoFacts {
  /** Folder of manage.py, relative POSIX ('' for the top). */
  readonly dir: string;
  /** DJANGO_SETTINGS_MODULE, e.g. `mysite.settings`: the one the server's module names, else manage.py's. */
  readonly settings: string;
  /**
   * Set when the server's module (wsgi.py, asgi.py) names other settings than manage.py does: the image sets
   * DJANGO_SETTINGS_MODULE to it, so that manage.py commands use the settings the server runs with.
   */
  readonly settingsEnv?: string;
  /** Settings set STATIC_ROOT (not only under a condition): collectstatic runs at build time. */
  readonly staticRoot: boolean;
  /**
   * Environment variables the settings read with no default, with a value of the right shape that lets
   * collectstatic import them at build time (`DEBUG=False`, `DATABASE_URL=sqlite://:memory:`).
   */
  readonly collectstaticEnv?: readonly { readonly key: string; readonly value: string }[];
}

/** A requirements file and every file it pulls in (`-r`, `-c`), in the order pip reads them. */
export interface RequirementsFile {
  /** The file pip is given, relative POSIX. */
  readonly file: string;
  /** It and every file it includes, relative POSIX, each once. */
  readonly closure: readonly string[];
  /** Some line has `--hash`: pip then requires hashes for every requirement. */
  readonly hashes: boolean;
}

/** How the project's dependencies are declared and locked. */
export interface DependencyFacts {
  /** The `--deps` text detection suggests (`uv`, `poetry`, `requirements.txt`, `pip`, `none`, ...). */
  readonly detected: Detected<string>;
  /**
   * Why no way of installing the dependencies is offered as the default although the project has some: they
   * are locked or declared one folder down (`backend/uv.lock`: run docker-best there), or a Pipfile has no lock.
   * `--defaults` stops with this line; a prompt shows it before it asks.
   */
  readonly unusable?: string;
  /** Requirements files found (top-level `requirements*.txt`, `requirements/*.txt`), most likely first. */
  readonly requirements: readonly RequirementsFile[];
  /** The lock files present, by manager. */
  readonly locks: Readonly<Partial<Record<LockManager, string>>>;
  /**
   * Why a lock cannot be used (malformed, its manifest missing, a pdm.lock pdm cannot export, a Pipfile without
   * its lock), by manager, with what fixes it.
   */
  readonly lockErrors: Readonly<Partial<Record<LockManager, string>>>;
  /** Requirements files that install a local path (`-e .`): they can only install after the source. */
  readonly localReferences: readonly string[];
  /**
   * Packages a lock installs from a folder or file of the project other than the project itself and uv
   * workspace members (uv `{ path | directory | editable = "packages/x" }`, Poetry's directory dependencies),
   * by manager: they are there only once the source is copied, so the install before the source skips them.
   */
  readonly localPackages: Readonly<Partial<Record<LockManager, readonly string[]>>>;
  /**
   * Packages a lock fetches from git, by manager (src/detect/deps.ts gitLockedNames): pip cannot check a hash of
   * a git checkout, so an export of that lock installs without `--require-hashes`.
   */
  readonly gitPackages: Readonly<Partial<Record<LockManager, readonly string[]>>>;
  /**
   * The project itself installs (`pip install .`): a setup.py, or a build backend with a package to build (and
   * not Poetry's `package-mode = false` or uv's `package = false`). One answer for the install and the entry.
   */
  readonly installable: boolean;
  readonly setupPy: boolean;
  readonly setupCfg: boolean;
  /** Normalised (PEP 503) names of every package the project declares or locks. */
  readonly declared: readonly string[];
  /** What the user must know whichever way the dependencies install (a Pipfile without its lock, ...). */
  readonly warnings: readonly string[];
  /**
   * What the user must know only when the dependencies install a given way, by `--deps` text: two locks at once,
   * packages that need a system library, git sources, packages with no wheel.
   */
  readonly byChoice: Readonly<Record<string, readonly string[]>>;
}

export interface ProjectFacts {
  /** The project folder's name. */
  readonly folderName: string;
  /** The project's own name (`[project] name`, Poetry's `name`). */
  readonly projectName?: string;
  /** Relative POSIX paths of the project's files (bounded listing: src/detect/files.ts). */
  readonly paths: readonly string[];
  /** Any Python source (not counting notebooks). */
  readonly hasPython: boolean;
  /**
   * The project is notebooks (at most a few helper modules beside them, and no app of its own): the jupyter
   * stack is the default.
   */
  readonly notebookProject: boolean;
  /** Notebooks, relative POSIX paths, sorted, checkpoints excluded. */
  readonly notebooks: readonly string[];
  /** The notebook a jupyter image runs: the first with code cells. */
  readonly notebookEntry?: Detected<string>;
  /** What a Python image runs, as `--entry` takes it: a script, `-m module`, or a command line. */
  readonly entry?: Detected<string>;
  /** The port the detected entry listens on. */
  readonly port?: Detected<number>;
  /** A health route the app serves. */
  readonly healthpath?: Detected<string>;
  /** The Python line of the catalogue the project asks for. */
  readonly python?: Detected<string>;
  readonly django?: DjangoFacts;
  /** Commands to run once (migrations, release steps), documented, never baked into the serving command. */
  readonly oneOffs: readonly OneOff[];
  /** The project has a `.env` at the top: compose passes it at run time. */
  readonly dotenv: boolean;
  /** Compose files the project already has (`docker-compose.yml`, `compose.yml`, ...). */
  readonly composeFiles: readonly string[];
  readonly dependencies: DependencyFacts;
  readonly pyproject?: Pyproject;
  /**
   * What detection could not read, or had to choose between, one line each, for the detected answers (the
   * dependencies' `byChoice` lines of the detected `--deps` among them).
   */
  readonly warnings: readonly string[];
}

/** Whether the project has the file `path` (relative POSIX). */
export const hasFile = (facts: Pick<ProjectFacts, 'paths'>, path: string): boolean => facts.paths.includes(path);
