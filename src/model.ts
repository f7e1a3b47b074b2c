/**
 * The answers' types: what every generator, context and test speaks. A leaf module: it imports nothing, so
 * validation (src/validate.ts), the answers model (src/answers.ts) and the render contexts all depend on it
 * and not on each other.
 */
import type { Stack } from './stacks.js';

/** A parse result: the value, or the rule the raw text broke (one line, shown to the user). */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly rule: string };

/** What the container runs. */
export type Entry =
  /** A Python script, relative to the project: `python app.py`. */
  | { readonly kind: 'script'; readonly path: string }
  /** A module: `python -m pkg.main`. */
  | { readonly kind: 'module'; readonly module: string }
  /** A notebook (jupyter stack), converted to a script at build time. */
  | { readonly kind: 'notebook'; readonly path: string }
  /** A command line, split into exec-form words without a shell: `gunicorn shop.wsgi`. */
  | { readonly kind: 'command'; readonly argv: readonly string[] };

/** http: a GET of a path on the port; tcp: a connect to the port; cmd: a command; none. */
export type Health = 'http' | 'tcp' | 'cmd' | 'none';
export const HEALTH_KINDS: readonly Health[] = ['http', 'tcp', 'cmd', 'none'];

export type EnvPair = readonly [key: string, value: string];

/** The managers whose lock file the dependencies install from. */
export type LockManager = 'uv' | 'poetry' | 'pdm' | 'pipenv';

/** How the dependencies install (`--deps`). */
export type Deps =
  /** From the manager's lock file. */
  | { readonly kind: LockManager }
  /** With pip, from a requirements file and what it includes. */
  | { readonly kind: 'requirements'; readonly file: string }
  /** With pip, from pyproject.toml / setup.cfg / setup.py: the declared dependencies, then the project. */
  | { readonly kind: 'pip' }
  | { readonly kind: 'none' };

/** The answers the generators work from, parsed and typed. */
export interface Answers {
  stack: Stack;
  name: string;
  python: string;
  release: string;
  entry: Entry;
  deps: Deps;
  port: number | null;
  health: Health;
  healthpath: string;
  healthcmd: readonly string[];
  volumes: readonly string[];
  packages: readonly string[];
  buildpackages: readonly string[];
  uid: number;
  gid: number;
  env: readonly EnvPair[];
}
