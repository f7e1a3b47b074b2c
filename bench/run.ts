/**
 * npm run bench: what the generated images cost, side by side with a naive setup, measured in one run on the
 * stand-in base images (see README, Engine tests). Prints a Markdown table and writes bench/results.md.
 *
 * - generator: wall time of `docker-best --defaults` on the web-service example next to a bare
 *   `node -e "import('yeoman-environment')"`;
 * - per stack (python-debian on examples/web-service, jupyter on examples/notebook-job), for the generated
 *   setup and for the naive baseline of bench/baseline/<stack>/Dockerfile: image size, size over the base,
 *   layers, cold build, rebuild after a one-line source change (and whether the dependency layer was
 *   reused), rebuild after a requirements change, docker stop, build context with and without .dockerignore.
 *
 * Every timing is the median of BENCH_RUNS runs (default 5) with min and max. The projects get what real
 * projects carry: a .git history, a .venv, caches and a .env.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { CATALOGUE_CHECKED, CONVERTER, DEBIAN, PYTHON, newestPython, pythonImage } from '../src/catalogue.js';
import { docker, ensureEngine, ensureStandins, must, REPO, sleep, type RunResult } from '../tools/engine/harness.js';

const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
const WORK = join(REPO, 'bench', '.work');
const BIN = join(REPO, 'dist', 'bin', 'docker-best.js');

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
    cpSync(join(REPO, 'examples', 'web-service'), dir, { recursive: true });
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

interface Variant {
  readonly stack: 'python-debian' | 'jupyter';
  readonly kind: 'generated' | 'baseline';
  readonly example: string;
  /** The file a one-line source change edits. */
  readonly source: string;
  readonly image: string;
  readonly base: string;
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
  readonly stop: Timing;
  readonly context: number;
  readonly contextWithoutIgnore: number;
}

const pythonBase = (): string => {
  const line = PYTHON[newestPython()];
  const [release] = Object.keys(DEBIAN);
  if (!line || release === undefined) throw new Error('empty catalogue');
  return pythonImage('debian', line.version, release);
};

/** A copy of the example with what real projects carry besides their code. */
const prepareProject = async (variant: Variant): Promise<string> => {
  const dir = join(WORK, `${variant.stack}-${variant.kind}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(REPO, 'examples', variant.example), dir, { recursive: true });
  if (variant.kind === 'generated') {
    await must('docker-best --defaults', process.execPath, [BIN, '--defaults'], { cwd: dir });
    const dockerfile = join(dir, 'Dockerfile');
    // No registry here: BuildKit would pull the syntax frontend.
    writeFileSync(dockerfile, readFileSync(dockerfile, 'utf8').replace(/^# syntax=.*\n/, ''));
  } else {
    cpSync(join(REPO, 'bench', 'baseline', variant.stack, 'Dockerfile'), join(dir, 'Dockerfile'));
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
    {
      cwd: dir,
    },
  );
  return dir;
};

const build = async (variant: Variant, dir: string): Promise<RunResult> =>
  must(
    `building ${variant.image}`,
    'docker',
    ['build', '--progress=plain', '--build-arg', `BASE_IMAGE=${variant.base}`, '-t', variant.image, '.'],
    {
      cwd: dir,
      timeoutMs: 20 * 60_000,
    },
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
  const step = /#(\d+) \[[^\]]*\] RUN (?:pip|python -c "import tomllib)[^\n]*/.exec(output);
  if (!step?.[1]) return undefined;
  return new RegExp(`#${step[1]} CACHED`).test(output);
};

const stopTime = async (variant: Variant): Promise<Timing> =>
  repeat(RUNS, async () => {
    // The notebook job ends in a moment: keep a Python process running in its image instead of the job.
    const command =
      variant.stack === 'jupyter'
        ? [variant.kind === 'generated' ? 'python' : 'python3', '-c', 'import time; time.sleep(600)']
        : [];
    const started = await must('docker run', 'docker', ['run', '-d', '--rm', variant.image, ...command]);
    const id = started.stdout.trim();
    await sleep(1500);
    const stopped = await must('docker stop', 'docker', ['stop', id]);
    return stopped.ms;
  });

const measure = async (variant: Variant): Promise<Figures> => {
  log(`${variant.stack} ${variant.kind}: preparing`);
  const dir = await prepareProject(variant);
  const requirements = join(dir, 'requirements.txt');
  const source = join(dir, variant.source);

  log(`${variant.stack} ${variant.kind}: ${RUNS} cold builds`);
  let lastCold: RunResult | undefined;
  const cold = await repeat(RUNS, async () => {
    await docker(['image', 'rm', '-f', variant.image]);
    await must('docker builder prune', 'docker', ['builder', 'prune', '-af']);
    lastCold = await build(variant, dir);
    return lastCold.ms;
  });
  const context = contextBytes(lastCold?.output ?? '');

  const size = Number(await inspect(variant.image, '{{.Size}}'));
  const baseSize = Number(await inspect(variant.base, '{{.Size}}'));
  const layers = Number(await inspect(variant.image, '{{len .RootFS.Layers}}'));

  log(`${variant.stack} ${variant.kind}: rebuilds after a source change`);
  let reused: boolean | undefined = true;
  const rebuildSource = await repeat(RUNS, async (index) => {
    if (variant.source.endsWith('.ipynb')) {
      const notebook = JSON.parse(readFileSync(source, 'utf8')) as { cells: { source: string[] }[] };
      notebook.cells[0]?.source.push(`\nEdit ${index}.`);
      writeFileSync(source, `${JSON.stringify(notebook, null, 1)}\n`);
    } else {
      appendFileSync(source, `# edit ${index}\n`);
    }
    const result = await build(variant, dir);
    const cached = dependencyStepCached(result.output);
    reused = cached === undefined || reused === undefined ? undefined : reused && cached;
    return result.ms;
  });

  log(`${variant.stack} ${variant.kind}: rebuilds after a requirements change`);
  const rebuildRequirements = await repeat(RUNS, async (index) => {
    appendFileSync(requirements, `# pinned requirement change ${index}\n`);
    return (await build(variant, dir)).ms;
  });

  log(`${variant.stack} ${variant.kind}: docker stop`);
  const stop = await stopTime(variant);

  let contextWithoutIgnore = context;
  if (existsSync(join(dir, '.dockerignore'))) {
    renameSync(join(dir, '.dockerignore'), join(dir, 'dockerignore.off'));
    contextWithoutIgnore = contextBytes((await build(variant, dir)).output);
    renameSync(join(dir, 'dockerignore.off'), join(dir, '.dockerignore'));
  }

  return {
    size,
    added: size - baseSize,
    layers,
    cold,
    rebuildSource,
    dependencyLayerReused: reused,
    rebuildRequirements,
    stop,
    context,
    contextWithoutIgnore,
  };
};

// ---------------------------------------------------------------------------------------------------------
// Report

const reusedText = (reused: boolean | undefined): string =>
  reused === undefined ? 'no install step' : reused ? 'yes' : 'no';

const stackTable = (stack: string, ours: Figures, baseline: Figures): string => {
  const rows: [string, string, string, string][] = [
    ['final image size', megabytes(ours.size), megabytes(baseline.size), ratio(ours.size, baseline.size)],
    [
      'size added over its base image',
      megabytes(ours.added),
      megabytes(baseline.added),
      ratio(ours.added, baseline.added),
    ],
    ['layers', String(ours.layers), String(baseline.layers), ratio(ours.layers, baseline.layers)],
    ['cold build', showTiming(ours.cold), showTiming(baseline.cold), ratio(ours.cold.median, baseline.cold.median)],
    [
      'rebuild after a one-line source change',
      showTiming(ours.rebuildSource),
      showTiming(baseline.rebuildSource),
      ratio(ours.rebuildSource.median, baseline.rebuildSource.median),
    ],
    [
      'dependency layer reused on that rebuild',
      reusedText(ours.dependencyLayerReused),
      reusedText(baseline.dependencyLayerReused),
      '',
    ],
    [
      'rebuild after a requirements change',
      showTiming(ours.rebuildRequirements),
      showTiming(baseline.rebuildRequirements),
      ratio(ours.rebuildRequirements.median, baseline.rebuildRequirements.median),
    ],
    ['`docker stop`', showTiming(ours.stop), showTiming(baseline.stop), ratio(ours.stop.median, baseline.stop.median)],
    ['build context sent', megabytes(ours.context), megabytes(baseline.context), ratio(ours.context, baseline.context)],
    [
      'build context without the generated .dockerignore',
      megabytes(ours.contextWithoutIgnore),
      '',
      ratio(ours.context, ours.contextWithoutIgnore),
    ],
  ];
  return [
    `### ${stack}`,
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

  const variants: Variant[] = [
    {
      stack: 'python-debian',
      kind: 'generated',
      example: 'web-service',
      source: 'app.py',
      image: 'bench-web:generated',
      base: pythonBase(),
    },
    {
      stack: 'python-debian',
      kind: 'baseline',
      example: 'web-service',
      source: 'app.py',
      image: 'bench-web:baseline',
      base: pythonBase(),
    },
    {
      stack: 'jupyter',
      kind: 'generated',
      example: 'notebook-job',
      source: 'report.ipynb',
      image: 'bench-notebook:generated',
      base: pythonBase(),
    },
    {
      stack: 'jupyter',
      kind: 'baseline',
      example: 'notebook-job',
      source: 'report.ipynb',
      image: 'bench-notebook:baseline',
      base: `${CONVERTER.image}:${CONVERTER.tag}`,
    },
  ];
  const figures = new Map<string, Figures>();
  for (const variant of variants) figures.set(`${variant.stack}/${variant.kind}`, await measure(variant));
  const get = (key: string): Figures => {
    const found = figures.get(key);
    if (!found) throw new Error(`no figures for ${key}`);
    return found;
  };

  const report = [
    '# Benchmark: generated setup vs a naive one',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench\` on ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB,`,
    `Docker ${version}, BuildKit; version catalogue of ${CATALOGUE_CHECKED}. Timings: median of ${RUNS} runs (min–max).`,
    'Base images are the stand-ins the engine tests build from Debian packages (no registry is reachable here),',
    `so absolute sizes differ from the official images; the ratios compare like with like. The naive baselines are`,
    '`bench/baseline/*/Dockerfile`: one stage, `COPY . .` before installing, no init, no `.dockerignore`, root; the',
    'notebook baseline runs in the converter image. Projects carry a `.git`, a `.venv`, caches and a `.env`.',
    '',
    '### generator',
    '',
    '| figure | time |',
    '| --- | --- |',
    `| \`docker-best --defaults\` on examples/web-service | ${showTiming(generator.bin)} |`,
    `| bare \`node -e "import('yeoman-environment')"\` | ${showTiming(generator.bare)} |`,
    `| ratio | ${ratio(generator.bin.median, generator.bare.median)} |`,
    '',
    stackTable('python-debian (examples/web-service)', get('python-debian/generated'), get('python-debian/baseline')),
    '',
    stackTable('jupyter (examples/notebook-job)', get('jupyter/generated'), get('jupyter/baseline')),
    '',
  ].join('\n');

  writeFileSync(join(REPO, 'bench', 'results.md'), report);
  process.stdout.write(report);
  for (const variant of variants) await docker(['image', 'rm', '-f', variant.image]);
};

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
