/**
 * The combinations the lint suite generates, built from the stacks and the version catalogue so that a new
 * stack, Python line or OS release joins the matrix by itself.
 *
 * Design:
 * - a core in full: every stack x workload (service with a port and an http healthcheck, a server command
 *   line with a tcp check (not for notebooks), worker with a `cmd` healthcheck, batch job with none) x extra packages (none, --packages and --buildpackages) x volumes (one,
 *   several) x --env (none, some);
 * - the other factors (Python line, OS release, project layout, entry kind, image name, user ids) and a
 *   volume-less variant are laid over it greedily so that every pair of levels of any two factors that can
 *   occur together occurs in at least one combination (a pairwise covering design); rows are added until
 *   that holds.
 */
import { ALPINE, DEBIAN, pythonLines, releasesFor } from '../../src/catalogue.js';
import { STACK_NAMES, STACKS, type Stack } from '../../src/stacks.js';
import { DEPS_PROJECTS, depsFiles } from '../support/projects.js';

/** service: a script with an http check; server: a command line under a server, tcp check; worker; batch. */
export const WORKLOADS = ['service', 'server', 'worker', 'batch'] as const;
export const PACKAGES = ['none', 'some'] as const;
export const VOLUMES = ['one', 'several', 'none'] as const;
export const ENV = ['none', 'some'] as const;
/** How the project declares its dependencies (test/support/projects.ts), or `both` requirements and pyproject. */
export const PROJECTS = [...DEPS_PROJECTS, 'both'] as const;
export const ENTRIES = ['top', 'nested'] as const;
export const NAMES = ['plain', 'registry'] as const;
export const IDS = ['default', 'custom'] as const;

export interface Combination {
  readonly stack: Stack;
  readonly python: string;
  readonly release: string;
  readonly workload: (typeof WORKLOADS)[number];
  readonly packages: (typeof PACKAGES)[number];
  readonly volumes: (typeof VOLUMES)[number];
  readonly env: (typeof ENV)[number];
  /** Which dependency manifests the project has: they decide the install RUN lines. */
  readonly project: (typeof PROJECTS)[number];
  /** Python stacks: `app.py` or `-m pkg.main`; jupyter: a notebook at the top or in a folder. */
  readonly entry: (typeof ENTRIES)[number];
  readonly name: (typeof NAMES)[number];
  readonly ids: (typeof IDS)[number];
}

export type Factor = keyof Combination;

/** Every release of either family in the catalogue: a stack takes those of its own family. */
const RELEASES = [...Object.keys(DEBIAN), ...Object.keys(ALPINE)];

/** The levels of every factor, in a fixed order. */
export const LEVELS: { readonly [F in Factor]: readonly Combination[F][] } = {
  stack: STACK_NAMES,
  python: pythonLines(),
  release: RELEASES,
  workload: WORKLOADS,
  packages: PACKAGES,
  volumes: VOLUMES,
  env: ENV,
  project: PROJECTS,
  entry: ENTRIES,
  name: NAMES,
  ids: IDS,
};

export const FACTORS = Object.keys(LEVELS) as Factor[];

/** The factors the core takes in full, and the levels it uses. */
const CORE: { readonly [F in Factor]?: readonly Combination[F][] } = {
  stack: STACK_NAMES,
  workload: WORKLOADS,
  packages: PACKAGES,
  volumes: ['one', 'several'],
  env: ENV,
};

/** A combination the generator accepts: the release has an image for that stack and Python line. */
export const isValid = (combination: Partial<Combination>): boolean => {
  const { stack, python, release } = combination;
  // A notebook image runs its notebook, never a server command.
  if (combination.workload === 'server' && stack !== undefined && STACKS[stack].notebook) return false;
  if (stack === undefined || release === undefined) return true;
  const family = STACKS[stack].family;
  const ofFamily = family === 'debian' ? Object.keys(DEBIAN) : Object.keys(ALPINE);
  if (!ofFamily.includes(release)) return false;
  return python === undefined || releasesFor(family, python).includes(release);
};

type Row = Partial<Record<Factor, string>>;

/** Every assignment of `factors` (in order) extending `base`. */
const expand = (base: Row, factors: readonly Factor[]): Row[] =>
  factors.reduce<Row[]>(
    (rows, factor) => rows.flatMap((row) => LEVELS[factor].map((level) => ({ ...row, [factor]: level }))),
    [base],
  );

const pairKey = (a: Factor, x: string, b: Factor, y: string): string => `${a}=${x}|${b}=${y}`;

const pairsOf = (row: Row): string[] => {
  const keys: string[] = [];
  FACTORS.forEach((a, i) => {
    FACTORS.slice(i + 1).forEach((b) => {
      const x = row[a];
      const y = row[b];
      if (x !== undefined && y !== undefined) keys.push(pairKey(a, x, b, y));
    });
  });
  return keys;
};

const asCombination = (row: Row): Combination => row as unknown as Combination;

/** Every combination the factors allow (a few thousand; only the design and its check walk it). */
export const allValid = (): Combination[] => expand({}, FACTORS).map(asCombination).filter(isValid);

/** The pairs of levels that occur together in at least one valid combination. */
export const validPairs = (): Set<string> => new Set(allValid().flatMap((combination) => pairsOf(combination)));

export const pairsCovered = (combinations: readonly Combination[]): Set<string> =>
  new Set(combinations.flatMap((combination) => pairsOf(combination)));

/** How often each level has been used so far, to spread levels once every pair is covered. */
type Uses = Map<string, number>;

const usesOf = (uses: Uses, row: Combination): number =>
  FACTORS.reduce((sum, factor) => sum + (uses.get(`${factor}=${row[factor]}`) ?? 0), 0);

/**
 * Greedy completion: the levels of the free factors that cover the most pairs not yet covered; among equals,
 * the least used levels, so that the rows after full coverage still vary.
 */
const complete = (seed: Row, covered: Set<string>, uses: Uses, candidates: readonly Combination[]): Combination => {
  let best: Combination | undefined;
  let bestScore = -1;
  let bestUses = Infinity;
  for (const candidate of candidates) {
    if (FACTORS.some((factor) => seed[factor] !== undefined && seed[factor] !== candidate[factor])) continue;
    const score = pairsOf(candidate).filter((key) => !covered.has(key)).length;
    const used = usesOf(uses, candidate);
    if (score > bestScore || (score === bestScore && used < bestUses)) {
      best = candidate;
      bestScore = score;
      bestUses = used;
    }
  }
  if (best === undefined) throw new Error(`no valid combination extends ${JSON.stringify(seed)}`);
  for (const key of pairsOf(best)) covered.add(key);
  for (const factor of FACTORS) uses.set(`${factor}=${best[factor]}`, (uses.get(`${factor}=${best[factor]}`) ?? 0) + 1);
  return best;
};

/** The matrix: the core in full, completed pairwise, plus rows until every valid pair is covered. */
export const buildMatrix = (): Combination[] => {
  const candidates = allValid();
  const wanted = validPairs();
  const covered = new Set<string>();
  const uses: Uses = new Map();
  const coreFactors = FACTORS.filter((factor) => CORE[factor] !== undefined);
  const seeds = coreFactors.reduce<Row[]>(
    (rows, factor) => rows.flatMap((row) => (CORE[factor] ?? []).map((level) => ({ ...row, [factor]: level }))),
    [{}],
  );
  const rows = seeds
    .filter((seed) => isValid(seed as Partial<Combination>))
    .map((seed) => complete(seed, covered, uses, candidates));
  while ([...wanted].some((key) => !covered.has(key))) {
    const missing = [...wanted].find((key) => !covered.has(key)) ?? '';
    // Seed the new row with the first missing pair so that each added row closes at least it.
    const seed: Row = {};
    for (const part of missing.split('|')) {
      const [factor, level] = part.split('=') as [Factor, string];
      seed[factor] = level;
    }
    rows.push(complete(seed, covered, uses, candidates));
  }
  return rows;
};

/** A one-line name for the combination, used as the test title. */
export const describeCombination = (c: Combination): string =>
  `${c.stack} py${c.python}/${c.release} ${c.workload} packages=${c.packages} volumes=${c.volumes} env=${c.env} ` +
  `project=${c.project} entry=${c.entry} name=${c.name} ids=${c.ids} ci=${ciFor(c)} debug=${debugFor(c)}`;

// ---------------------------------------------------------------------------------------------------------
// Options and project files for a combination

const PINNED: Readonly<Record<'debian' | 'alpine', { packages: string; buildpackages: string }>> = {
  debian: { packages: 'libpq5=15.*,libxml2=2.9.*', buildpackages: 'gcc=4:12.*,libpq-dev=15.*' },
  alpine: { packages: 'libpq~=17,libxml2~=2.13', buildpackages: 'gcc~=14,postgresql17-dev~=17' },
};

const NOTEBOOK = `${JSON.stringify(
  {
    cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['print("report")\n'] }],
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
    nbformat: 4,
    nbformat_minor: 5,
  },
  null,
  1,
)}\n`;

/**
 * The CI file and the debugger port ride on core factors rather than being factors of their own (which
 * would multiply the design's search six times): the CI file follows the workload, the debug port the env
 * level. The core takes every stack x workload x env, so each stack meets every CI kind and both debug levels.
 */
export const ciFor = (c: Combination): 'github' | 'gitlab' | 'none' =>
  c.workload === 'service' ? 'github' : c.workload === 'worker' ? 'gitlab' : 'none';
export const debugFor = (c: Combination): 'none' | 'port' => (c.env === 'some' ? 'port' : 'none');

/** The options a user would pass for this combination (all strings, as on the command line). */
export const optionsFor = (c: Combination): Record<string, string | boolean> => {
  const family = STACKS[c.stack].family;
  const notebook = STACKS[c.stack].notebook;
  const entry = notebook
    ? c.entry === 'top'
      ? 'report.ipynb'
      : 'notebooks/report.ipynb'
    : c.workload === 'server'
      ? c.entry === 'top'
        ? 'gunicorn app:app'
        : 'uvicorn pkg.main:app'
      : c.entry === 'top'
        ? 'app.py'
        : '-m pkg.main';
  const workload: Record<string, string> =
    c.workload === 'service'
      ? { port: '8000', health: 'http', healthpath: '/healthz?full=1' }
      : c.workload === 'server'
        ? { health: 'tcp' }
        : c.workload === 'worker'
          ? { port: 'none', health: 'cmd', healthcmd: 'python -m healthcheck --timeout=3' }
          : { port: 'none', health: 'none' };
  return {
    defaults: true,
    stack: c.stack,
    name: c.name === 'plain' ? 'lint-app' : 'registry.example.com:5000/team/lint_app',
    python: c.python,
    release: c.release,
    entry,
    ...workload,
    volumes: { one: '/home/app/data', several: '/home/app/data,/srv/uploads,/var/cache/app', none: 'none' }[c.volumes],
    packages: c.packages === 'some' ? PINNED[family].packages : 'none',
    buildpackages: c.packages === 'some' ? PINNED[family].buildpackages : 'none',
    ...(c.ids === 'custom' ? { uid: '1000', gid: '2147483647' } : {}),
    env: c.env === 'some' ? 'APP_MODE=production,LOG_LEVEL=info,DATA_URL=file:/srv/uploads,OPTS=a=1+b~2' : 'none',
    ci: ciFor(c),
    debugport: debugFor(c) === 'port' ? '5678' : 'none',
  };
};

/** The project the generator runs in. */
export const filesFor = (c: Combination): Record<string, string> => {
  const files: Record<string, string> = {};
  if (STACKS[c.stack].notebook) {
    files[c.entry === 'top' ? 'report.ipynb' : 'notebooks/report.ipynb'] = NOTEBOOK;
  } else if (c.entry === 'top') {
    files['app.py'] = 'print("hello")\n';
  } else {
    files['pkg/__init__.py'] = '';
    files['pkg/main.py'] = 'print("hello")\n';
  }
  // A project that sets environment defaults usually keeps its local values in a .env: compose.yaml passes it.
  if (c.env === 'some') files['.env'] = 'LOG_LEVEL=debug\n';
  if (c.project === 'both') return { ...files, ...depsFiles('requirements'), ...depsFiles('pyproject') };
  return { ...files, ...depsFiles(c.project) };
};
