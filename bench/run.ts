/**
 * npm run bench: what the generated images cost, side by side with a naive setup, measured in one run on the
 * stand-in base images (see README, Engine tests). Prints a Markdown table and writes bench/results.md.
 *
 * - generator: wall time of `docker-best --defaults` on examples/fastapi-service next to a bare
 *   `node -e "import('yeoman-environment')"`;
 * - per project, for the generated setup and for the naive baseline of bench/baseline/<project>/: image size,
 *   size over the base, layers, cold build, rebuild after a one-line source change (and whether the
 *   dependency layer was reused), rebuild after a requirements change, docker stop, build context with and
 *   without .dockerignore; for the web service with real dependencies also the time from `compose up` to the
 *   first answer on a real route. The projects: examples/fastapi-service (FastAPI and uvicorn from the
 *   wheelhouse, on the bookworm stand-in), the service without dependencies of the engine tests
 *   (tools/engine/fixtures/stdlib-service, the defaults), examples/notebook-job (pandas, jupyter stack).
 *
 * Every timing is the median of BENCH_RUNS runs (default 5) with min and max. The projects get what real
 * projects carry: a .git history, a .venv, caches and a .env.
 */
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { CATALOGUE_CHECKED, CONVERTER } from '../src/catalogue.js';
import { BIN, REPO, type RunResult, docker, must, run, sleep } from '../tools/engine/commands.js';
import { compose, ensureEngine, ensureStandins } from '../tools/engine/engine.js';
import { readCompose, readDockerfile } from '../tools/engine/generated.js';
import { httpGet, waitPortsFree } from '../tools/engine/processes.js';
import { STDLIB_SERVICE, example } from '../tools/engine/project.js';
import { ensureWheelhouse, realDependencyArgs } from '../tools/engine/wheelhouse.js';
import { downloadingBase, serveWheels, type WheelIndex } from './index-server.js';

const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
const WORK = join(REPO, 'bench', '.work');

interface Timing {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

const timing = (samples: readonly number[]): Timing => {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
};

const repeat = async (times: number, measure: (index: number) => Promise<number>): Promise<Timing> => {
  const samples: number[] = [];
  for (let index = 0; index < times; index += 1) samples.push(await measure(index));
  return timing(samples);
};

const seconds = (ms: number): string => (ms < 1000 ? `${(ms / 1000).toFixed(3)} s` : `${(ms / 1000).toFixed(2)} s`);
const showTiming = (value: Timing): string => `${seconds(value.median)} (${seconds(value.min)}–${seconds(value.max)})`;
const megabytes = (bytes: number): string =>
  bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
const ratio = (ours: number, baseline: number): string => {
  if (baseline === 0) return 'n/a';
  const value = ours / baseline;
  return `${value >= 0.1 ? value.toFixed(2) : value.toPrecision(2)}×`;
};

const log = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`);
};

// ---------------------------------------------------------------------------------------------------------
// Generator

const generatorTimes = async (): Promise<{ bin: Timing; bare: Timing }> => {
  const runs = Math.max(RUNS, 7);
  const bin = await repeat(runs, async (index) => {
    const dir = join(WORK, `generator-${index}`);
    rmSync(dir, { recursive: true, force: true });
    cpSync(example(DEFAULT_EXAMPLE), dir, { recursive: true });
    const result = await must('docker-best --defaults', process.execPath, [BIN, '--defaults'], { cwd: dir });
    return result.ms;
  });
  const bare = await repeat(runs, async () => {
    const result = await must('bare import', process.execPath, ['-e', "import('yeoman-environment')"], { cwd: REPO });
    return result.ms;
  });
  return { bin, bare };
};

// ---------------------------------------------------------------------------------------------------------
// Images

/** The bandwidth of the bench's package index, in MB/s (BENCH_DOWNLOAD_MBPS). */
const DOWNLOAD_MBPS = Number(process.env.BENCH_DOWNLOAD_MBPS ?? 10);
/** The round trip of each request to it, in ms (BENCH_LATENCY_MS): a CDN edge nearby, as PyPI's is. */
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);

let indexServer: Promise<WheelIndex> | undefined;
/** The bench's package index over HTTP, started once. */
const wheelIndex = (): Promise<WheelIndex> => {
  indexServer ??= ensureWheelhouse().then((wheelhouse) =>
    serveWheels(wheelhouse.dir, { bytesPerSecond: DOWNLOAD_MBPS * 1e6, latencyMs: LATENCY_MS }),
  );
  return indexServer;
};

/** The example `npm run example` shows, and the one the generator is timed on. */
const DEFAULT_EXAMPLE = 'fastapi-service';

interface Project {
  /** Its heading in the report. */
  readonly title: string;
  /** The folder copied (examples/<name> or the stdlib fixture); `bench/baseline/<baseline>/` holds the naive setup. */
  readonly source: string;
  readonly baseline: string;
  /** Options for `docker-best --defaults`. */
  readonly args: readonly string[];
  /** The file a one-line source change edits, and how. */
  readonly edit: string;
  /** The naive setup's base image; by default the generated Dockerfile's (read from it). */
  readonly baselineBase?: string;
  /** For a web service: the route whose first answer `compose up` is timed to. */
  readonly route?: string;
  /** Builds download their wheels from the bench's index (bench/index-server.ts) instead of the base image. */
  readonly downloads?: boolean;
}

interface Variant {
  readonly project: Project;
  readonly kind: 'generated' | 'baseline';
  /** The prepared copy. */
  readonly dir: string;
  /** What compose.yaml runs: the image every build is tagged with. */
  readonly image: string;
  readonly base: string;
  /** Further `docker build` arguments. */
  readonly buildArgs: readonly string[];
}

interface Figures {
  readonly size: number;
  readonly added: number;
  readonly layers: number;
  readonly cold: Timing;
  readonly rebuildSource: Timing;
  /** Whether the dependency install came from the cache; undefined when the setup has no such step. */
  readonly dependencyLayerReused: boolean | undefined;
  readonly rebuildRequirements: Timing;
  /** Per requirements rebuild, what pip asked the bench's index for (downloading projects only). */
  readonly indexTraffic: { readonly requests: number; readonly wheels: number } | undefined;
  readonly stop: Timing;
  /** From `compose up -d` to the first answer below 500 on the project's route (web services). */
  readonly firstAnswer: Timing | undefined;
  readonly context: number;
  readonly contextWithoutIgnore: number;
}

/** A copy of the project with what real projects carry besides their code, and its setup. */
const prepare = async (project: Project, kind: Variant['kind'], generatedBase = ''): Promise<Variant> => {
  const dir = join(WORK, `${project.baseline}-${kind}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(project.source, dir, { recursive: true });
  let base = project.baselineBase ?? generatedBase;
  const buildArgs: string[] = [];
  if (kind === 'generated') {
    await must('docker-best --defaults', process.execPath, [BIN, '--defaults', ...project.args], { cwd: dir });
    const dockerfile = join(dir, 'Dockerfile');
    // No registry here: BuildKit would pull the syntax frontend.
    const text = readFileSync(dockerfile, 'utf8').replace(/^# syntax=.*\n/, '');
    writeFileSync(dockerfile, text);
    base = readDockerfile(text).base;
    if (project.downloads === true) {
      // The same base, downloading: tagged with a release name of its own, which the build is given.
      const release = /^ARG DEBIAN_RELEASE=(\S+)$/m.exec(text)?.[1];
      if (release === undefined) throw new Error('the generated Dockerfile has no ARG DEBIAN_RELEASE');
      const downloading = `${base}-downloads`;
      await downloadingBase(base, downloading, await wheelIndex());
      base = downloading;
      buildArgs.push('--build-arg', `DEBIAN_RELEASE=${release}-downloads`);
    }
  } else {
    cpSync(join(REPO, 'bench', 'baseline', project.baseline), dir, { recursive: true });
  }
  writeFileSync(join(dir, '.env'), 'DATABASE_PASSWORD=not-for-images\n');
  mkdirSync(join(dir, '__pycache__'), { recursive: true });
  writeFileSync(join(dir, '__pycache__', 'app.cpython-313.pyc'), Buffer.alloc(64 * 1024, 1));
  await must('python3 -m venv .venv', 'python3', ['-m', 'venv', '.venv'], { cwd: dir });
  await must('git init', 'git', ['init', '-q'], { cwd: dir });
  await must('git add', 'git', ['add', '-A', '--', '.', ':!.venv', ':!.env'], { cwd: dir });
  await must(
    'git commit',
    'git',
    ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-qm', 'bench'],
    { cwd: dir },
  );
  const composeFile = join(dir, 'compose.yaml');
  const image = existsSync(composeFile)
    ? `${readCompose(readFileSync(composeFile, 'utf8')).repository}:latest`
    : `bench-${project.baseline}:${kind}`;
  return { project, kind, dir, image, base, buildArgs };
};

const build = async (variant: Variant): Promise<RunResult> =>
  must(
    `building ${variant.image}`,
    'docker',
    [
      'build',
      '--progress=plain',
      '--build-arg',
      `BASE_IMAGE=${variant.base}`,
      ...variant.buildArgs,
      '-t',
      variant.image,
      '.',
    ],
    { cwd: variant.dir, timeoutMs: 20 * 60_000 },
  );

const inspect = async (image: string, format: string): Promise<string> =>
  (await must(`inspecting ${image}`, 'docker', ['image', 'inspect', '--format', format, image])).stdout.trim();

/** The size BuildKit reports for the build context it transferred, in bytes. */
const contextBytes = (output: string): number => {
  const sizes = [...output.matchAll(/transferring context: ([\d.]+)([kMG]?B)/g)].map(([, value, unit]) => {
    const scale = unit === 'kB' ? 1e3 : unit === 'MB' ? 1e6 : unit === 'GB' ? 1e9 : 1;
    return Number(value) * scale;
  });
  return sizes.length === 0 ? 0 : Math.max(...sizes);
};

/** Whether the RUN that installs the dependencies came from the cache; undefined when there is none. */
const dependencyStepCached = (output: string): boolean | undefined => {
  const step = /#(\d+) \[[^\]]*\] RUN (?:--mount=\S+\s+)*(?:pip|uv|poetry|python -c "import tomllib)[^\n]*/.exec(
    output,
  );
  if (!step?.[1]) return undefined;
  return new RegExp(`#${step[1]} CACHED`).test(output);
};

const stopTime = async (variant: Variant): Promise<Timing> =>
  repeat(RUNS, async () => {
    // The notebook job ends in a moment: keep a Python process running in its image instead of the job.
    const command =
      variant.project.baseline === 'jupyter'
        ? [variant.kind === 'generated' ? 'python' : 'python3', '-c', 'import time; time.sleep(600)']
        : [];
    const started = await must('docker run', 'docker', ['run', '-d', '--rm', variant.image, ...command]);
    const id = started.stdout.trim();
    await sleep(1500);
    const stopped = await must('docker stop', 'docker', ['stop', id]);
    return stopped.ms;
  });

/** `compose up -d` with the variant's compose.yaml, then GET the route until it answers below 500. */
const firstAnswer = async (variant: Variant, route: string): Promise<Timing> => {
  const [program = 'docker-compose', ...prefix] = await compose();
  const composeFile = join(variant.dir, 'compose.yaml');
  const { ports } = readCompose(readFileSync(composeFile, 'utf8'));
  const project = `bench${process.pid}${variant.kind}`;
  const composeArgs = [...prefix, '-p', project, '-f', composeFile];
  return repeat(RUNS, async () => {
    await waitPortsFree(ports);
    const started = performance.now();
    await must('compose up', program, [...composeArgs, 'up', '-d'], { cwd: variant.dir });
    try {
      for (;;) {
        const answer = await httpGet(`http://127.0.0.1:${ports[0] ?? 0}${route}`, 2000).catch(() => undefined);
        if (answer !== undefined && answer.status < 500) return performance.now() - started;
        if (performance.now() - started > 120_000) throw new Error(`${variant.image}: no answer on ${route} in 120 s`);
        await sleep(50);
      }
    } finally {
      await run(program, [...composeArgs, 'down', '-v', '--timeout', '1'], { cwd: variant.dir });
    }
  });
};

const measure = async (variant: Variant): Promise<Figures> => {
  const name = `${variant.project.baseline} ${variant.kind}`;
  const requirements = join(variant.dir, 'requirements.txt');
  const source = join(variant.dir, variant.project.edit);

  log(`${name}: ${RUNS} cold builds`);
  let lastCold: RunResult | undefined;
  const cold = await repeat(RUNS, async () => {
    await docker(['image', 'rm', '-f', variant.image]);
    await must('docker builder prune', 'docker', ['builder', 'prune', '-af']);
    lastCold = await build(variant);
    return lastCold.ms;
  });
  const context = contextBytes(lastCold?.output ?? '');

  const size = Number(await inspect(variant.image, '{{.Size}}'));
  const baseSize = Number(await inspect(variant.base, '{{.Size}}'));
  const layers = Number(await inspect(variant.image, '{{len .RootFS.Layers}}'));

  log(`${name}: rebuilds after a source change`);
  let reused: boolean | undefined = true;
  const rebuildSource = await repeat(RUNS, async (index) => {
    if (source.endsWith('.ipynb')) {
      const notebook = JSON.parse(readFileSync(source, 'utf8')) as { cells: { source: string[] }[] };
      notebook.cells[0]?.source.push(`\nEdit ${index}.`);
      writeFileSync(source, `${JSON.stringify(notebook, null, 1)}\n`);
    } else {
      appendFileSync(source, `# edit ${index}\n`);
    }
    const result = await build(variant);
    const cached = dependencyStepCached(result.output);
    reused = cached === undefined || reused === undefined ? undefined : reused && cached;
    return result.ms;
  });

  log(`${name}: rebuilds after a requirements change`);
  const index = variant.project.downloads === true ? await wheelIndex() : undefined;
  const servedBefore = index?.served();
  const rebuildRequirements = await repeat(RUNS, async (change) => {
    appendFileSync(requirements, `# pinned requirement change ${change}\n`);
    return (await build(variant)).ms;
  });
  const servedAfter = index?.served();
  const indexTraffic =
    servedBefore === undefined || servedAfter === undefined
      ? undefined
      : {
          requests: (servedAfter.requests - servedBefore.requests) / RUNS,
          wheels: (servedAfter.wheels - servedBefore.wheels) / RUNS,
        };

  log(`${name}: docker stop`);
  const stop = await stopTime(variant);

  const { route } = variant.project;
  if (route !== undefined) log(`${name}: compose up to the first answer on ${route}`);
  const first = route === undefined ? undefined : await firstAnswer(variant, route);

  let contextWithoutIgnore = context;
  if (existsSync(join(variant.dir, '.dockerignore'))) {
    renameSync(join(variant.dir, '.dockerignore'), join(variant.dir, 'dockerignore.off'));
    contextWithoutIgnore = contextBytes((await build(variant)).output);
    renameSync(join(variant.dir, 'dockerignore.off'), join(variant.dir, '.dockerignore'));
  }

  return {
    size,
    added: size - baseSize,
    layers,
    cold,
    rebuildSource,
    dependencyLayerReused: reused,
    rebuildRequirements,
    indexTraffic,
    stop,
    firstAnswer: first,
    context,
    contextWithoutIgnore,
  };
};

// ---------------------------------------------------------------------------------------------------------
// Report

const reusedText = (reused: boolean | undefined): string =>
  reused === undefined ? 'no install step' : reused ? 'yes' : 'no';

const timingRow = (figure: string, ours: Timing, baseline: Timing): [string, string, string, string] => [
  figure,
  showTiming(ours),
  showTiming(baseline),
  ratio(ours.median, baseline.median),
];

const projectTable = (title: string, ours: Figures, baseline: Figures): string => {
  const rows: [string, string, string, string][] = [
    ['final image size', megabytes(ours.size), megabytes(baseline.size), ratio(ours.size, baseline.size)],
    [
      'size added over its base image',
      megabytes(ours.added),
      megabytes(baseline.added),
      ratio(ours.added, baseline.added),
    ],
    ['layers', String(ours.layers), String(baseline.layers), ratio(ours.layers, baseline.layers)],
    timingRow('cold build', ours.cold, baseline.cold),
    timingRow('rebuild after a one-line source change', ours.rebuildSource, baseline.rebuildSource),
    [
      'dependency layer reused on that rebuild',
      reusedText(ours.dependencyLayerReused),
      reusedText(baseline.dependencyLayerReused),
      '',
    ],
    timingRow('rebuild after a requirements change', ours.rebuildRequirements, baseline.rebuildRequirements),
    ...(ours.indexTraffic && baseline.indexTraffic
      ? [
          [
            'requests to the index on that rebuild (wheels among them)',
            `${String(ours.indexTraffic.requests)} (${String(ours.indexTraffic.wheels)})`,
            `${String(baseline.indexTraffic.requests)} (${String(baseline.indexTraffic.wheels)})`,
            ratio(ours.indexTraffic.requests, baseline.indexTraffic.requests),
          ] satisfies [string, string, string, string],
        ]
      : []),
    ...(ours.firstAnswer && baseline.firstAnswer
      ? [timingRow('`compose up` to the first answer', ours.firstAnswer, baseline.firstAnswer)]
      : []),
    timingRow('`docker stop`', ours.stop, baseline.stop),
    ['build context sent', megabytes(ours.context), megabytes(baseline.context), ratio(ours.context, baseline.context)],
    [
      'build context without the generated .dockerignore',
      megabytes(ours.contextWithoutIgnore),
      '',
      ratio(ours.context, ours.contextWithoutIgnore),
    ],
  ];
  return [
    `### ${title}`,
    '',
    '| figure | generated | naive baseline | generated / baseline |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
};

const main = async (): Promise<void> => {
  mkdirSync(WORK, { recursive: true });
  log(`engine: ${await ensureEngine()}`);
  await ensureStandins();
  const version = (
    await must('docker version', 'docker', ['version', '--format', '{{.Server.Version}}'])
  ).stdout.trim();

  log('generator timings');
  const generator = await generatorTimes();

  const bookworm = realDependencyArgs();
  const projects: Project[] = [
    {
      title:
        'web service with real dependencies (examples/fastapi-service: FastAPI, uvicorn; python-debian on bookworm)',
      source: example('fastapi-service'),
      baseline: 'fastapi-service',
      // The entry detection finds in this example, given so that the figures measure the image, not detection.
      args: [...bookworm, '--entry', 'uvicorn main:app'],
      edit: 'main.py',
      route: '/notes',
    },
    {
      title: `the same, its wheels downloaded from a package index on the host (${String(DOWNLOAD_MBPS)} MB/s, ${String(LATENCY_MS)} ms a request)`,
      source: example('fastapi-service'),
      baseline: 'fastapi-service',
      args: [...bookworm, '--entry', 'uvicorn main:app'],
      edit: 'main.py',
      downloads: true,
    },
    {
      title: 'service without dependencies (python-debian, the defaults)',
      source: STDLIB_SERVICE,
      baseline: 'python-debian',
      args: [],
      edit: 'app.py',
    },
    {
      title: 'notebook job with pandas (examples/notebook-job: jupyter on bookworm)',
      source: example('notebook-job'),
      baseline: 'jupyter',
      args: bookworm,
      edit: 'notebooks/report.ipynb',
      baselineBase: `${CONVERTER.image}:${CONVERTER.tag}`,
    },
  ];
  // BENCH_ONLY=<words>: only the projects whose title contains them (while working on one figure).
  const only = process.env.BENCH_ONLY;
  const chosen = only === undefined ? projects : projects.filter((project) => project.title.includes(only));
  const sections: string[] = [];
  const images: string[] = [];
  const failures: string[] = [];
  for (const project of chosen) {
    log(`${project.baseline}: preparing`);
    try {
      const ours = await prepare(project, 'generated');
      const naive = await prepare(project, 'baseline', ours.base);
      images.push(ours.image, naive.image);
      sections.push(projectTable(project.title, await measure(ours), await measure(naive)), '');
    } catch (error) {
      // One project that cannot be measured (a build that fails) is reported, and the others still are.
      const message = error instanceof Error ? error.message : String(error);
      log(`${project.baseline}: not measured: ${message}`);
      failures.push(project.baseline);
      const lines = message.split('\n').slice(-40).join('\n');
      sections.push(`### ${project.title}`, '', 'Not measured: the run failed.', '', '```text', lines, '```', '');
    }
  }

  const report = [
    '# Benchmark: generated setup vs a naive one',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench\` on ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB,`,
    `Docker ${version}, BuildKit; version catalogue of ${CATALOGUE_CHECKED}. Timings: median of ${RUNS} runs (min–max).`,
    'Base images are the stand-ins the engine tests build from Debian packages (no registry is reachable here),',
    'so absolute sizes differ from the official images; the ratios compare like with like. The bookworm stand-ins',
    'carry the wheelhouse the dependencies install from (no package index is reachable from a build), so their',
    'final images carry it too; compare the sizes added over the base. The naive baselines are',
    '`bench/baseline/*/`: one stage, `COPY . .` before installing, no init, no `.dockerignore`, root; the',
    'notebook baseline runs in the converter image. Projects carry a `.git`, a `.venv`, caches and a `.env`.',
    "The FastAPI example is generated with `--entry 'uvicorn main:app'` (what detection finds in it), the others",
    'with `--defaults` and the Python and release of the wheelhouse only.',
    '',
    'Downloads: the stand-ins carry their wheels, so in the first section nothing is downloaded and the',
    "generated setup's pip cache mount (which keeps every wheel not changed) cannot pay off: on a requirements",
    'change both install everything again, and the generated setup also compiles its code and copies the venv',
    'into the final stage. The second section serves the same wheels from a package index on the host, as',
    'PyPI serves them (bench/index-server.ts): a page per project, then the wheel, each request answered',
    `${String(LATENCY_MS)} ms late (a nearby CDN edge's round trip; BENCH_LATENCY_MS), each wheel at ${String(DOWNLOAD_MBPS)} MB/s`,
    "(BENCH_DOWNLOAD_MBPS). Project pages are revalidated on every build (ETag, 304), as pip does once PyPI's",
    'ten minutes of freshness have passed; wheels never change, so a pip cache keeps them. A cold build pays',
    "for the tini stage's `apt-get update` from the Debian mirror, which the naive setup (no init) does not have.",
    '',
    '### generator',
    '',
    '| figure | time |',
    '| --- | --- |',
    `| \`docker-best --defaults\` on examples/${DEFAULT_EXAMPLE} | ${showTiming(generator.bin)} |`,
    `| bare \`node -e "import('yeoman-environment')"\` | ${showTiming(generator.bare)} |`,
    `| ratio | ${ratio(generator.bin.median, generator.bare.median)} |`,
    '',
    ...sections,
  ].join('\n');

  // A partial run (BENCH_ONLY) does not replace the full results.
  writeFileSync(only === undefined ? join(REPO, 'bench', 'results.md') : join(WORK, 'results.md'), report);
  process.stdout.write(report);
  for (const image of images) await docker(['image', 'rm', '-f', image]);
  if (indexServer !== undefined) await (await indexServer).close();
  if (failures.length > 0) {
    log(`not measured: ${failures.join(', ')} (see bench/results.md)`);
    process.exitCode = 1;
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
