/**
 * Hostile projects and stored state, property-based: fast-check builds project trees (odd names, links in and
 * out of the project, dangling and looping links, folders where files go, binary, invalid UTF-8 and large
 * files, malformed TOML, JSON and notebooks) and stored state (.yo-rc.json, a preset given with --preset,
 * .yo-resolve), sometimes over a setup an earlier run wrote. The package's bin runs there without a terminal.
 * Each run either
 *
 * - succeeds: every file it wrote parses (Dockerfile with dockerfile-ast, compose.yaml with yaml, build.sh with
 *   bash -n, .yo-rc.json as JSON), it changed no file but the generated ones, and left no temporary file; or
 * - fails with one line (`docker-best: ...`, no stack trace) and the folder exactly as it was: every file byte
 *   for byte, its mode and time, no file more or less.
 *
 * Either way, nothing outside the project changes (a folder standing for the user's own files, which the
 * links point at).
 *
 * Cases: DOCKER_BEST_PROPERTY_PROJECT_RUNS (default 20, about a minute); replay a failure with
 * DOCKER_BEST_PROPERTY_SEED=<seed printed by the suite>.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { ANSWER_NAMES } from '../src/answers.js';
import { parseDockerfile } from '../tools/dockerfile.js';
import { snapshot } from './support/snapshot.js';

const RUNS = Number(process.env.DOCKER_BEST_PROPERTY_PROJECT_RUNS ?? 20);
const SEED =
  process.env.DOCKER_BEST_PROPERTY_SEED !== undefined
    ? Number(process.env.DOCKER_BEST_PROPERTY_SEED)
    : Math.floor(Math.random() * 2 ** 31);

const BIN = fileURLToPath(new URL('../bin/docker-best.js', import.meta.url));

/** The files a run of the app may write, and the generator's state. */
const GENERATED = ['Dockerfile', '.dockerignore', 'build.sh', 'compose.yaml', 'README.Docker.md', '.yo-rc.json'];

// ---------------------------------------------------------------------------------------------------------
// What a project holds

/** A link's target, by what it stands for; OUTSIDE is replaced by the folder that stands for the user's files. */
type LinkTarget = 'outside-file' | 'outside-missing' | 'outside-folder' | 'dangling' | 'loop' | 'inside-file';

type Entry =
  | { readonly kind: 'file'; readonly path: string; readonly content: Content }
  | { readonly kind: 'folder'; readonly path: string }
  | { readonly kind: 'link'; readonly path: string; readonly to: LinkTarget };

const SEGMENTS = [
  'app.py',
  'main.py',
  'server.py',
  'manage.py',
  'wsgi.py',
  '__main__.py',
  '__init__.py',
  'requirements.txt',
  'pyproject.toml',
  'uv.lock',
  'poetry.lock',
  'Procfile',
  '.python-version',
  'runtime.txt',
  'report.ipynb',
  'my notebook.ipynb',
  'src',
  'pkg',
  'notebooks',
  '.env',
  '-rf',
  ' lead',
  'trail ',
  'é.py',
  '漢字.py',
  'new\nline.py',
  'a*b?.py',
  '[x]',
  '$(id).py',
  '`id`.py',
  "quo'te.py",
  `${'x'.repeat(240)}.py`,
  ...GENERATED,
  '.yo-resolve',
];

const segment = fc.constantFrom(...SEGMENTS);
const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));

const notebook = (source: string): string =>
  JSON.stringify({
    cells: [{ cell_type: 'code', source: [source], metadata: {}, outputs: [], execution_count: null }],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  });

/** File contents by name, so that a failing case prints short. */
const SAMPLES: Readonly<Record<string, string>> = {
  'python-script': 'print("hello")\n',
  'python-flask':
    'from flask import Flask\napp = Flask(__name__)\n@app.get("/healthz")\ndef h():\n    return "ok"\nif __name__ == "__main__":\n    app.run(port=5000)\n',
  'python-fastapi': 'from fastapi import FastAPI\napp = FastAPI()\n',
  'python-port': 'import os\nPORT = int(os.environ.get("PORT", "8080"))\nif __name__ == "__main__":\n    pass\n',
  'toml-valid': '[project]\nname = "shop"\ndependencies = ["flask"]\nrequires-python = ">=3.12"\n',
  'toml-cut': '[project\nname = ',
  'toml-wrong-types': '[project]\nname = 42\ndependencies = "flask"\n',
  'toml-future-python': '[project]\nrequires-python = ">=3.99"\n',
  'toml-scripts': '[project.scripts]\nshop = "shop.main:run"\n',
  'toml-long-name': `[project]\nname = "${'a'.repeat(5000)}"\n`,
  'toml-brackets': `${'['.repeat(200)}\n`,
  'toml-unterminated': 'x = """unterminated\n',
  'toml-poetry': '[tool.poetry.dependencies]\npython = "^3.11"\n',
  'notebook-valid': notebook('print(1)\n'),
  'notebook-magics': notebook('%matplotlib inline\nimport pandas\n'),
  'notebook-cut': '{"cells": ',
  'notebook-list': '[]',
  'notebook-wrong-types': '{"cells": "none", "nbformat": 4}',
  'notebook-v3': JSON.stringify({ nbformat: 3, worksheets: [] }),
  'notebook-long': notebook('x = 1\n'.repeat(20_000)),
  empty: '',
  requirements: 'flask==3.0\n-r other.txt\n',
  procfile: 'web: gunicorn app:app\n',
};

/** What a file holds: a sample, random bytes, a sample in invalid UTF-8, or a sample repeated to about 1 MB. */
type Content =
  | { readonly kind: 'sample' | 'invalid-utf8' | 'large'; readonly sample: string }
  | { readonly kind: 'bytes'; readonly seed: number; readonly length: number };

const sampleName = fc.constantFrom(...Object.keys(SAMPLES));
const content: fc.Arbitrary<Content> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('sample' as const), sample: sampleName }), weight: 4 },
  fc.record({ kind: fc.constant('bytes' as const), seed: fc.nat(), length: fc.nat({ max: 4000 }) }),
  fc.record({ kind: fc.constant('invalid-utf8' as const), sample: sampleName }),
  fc.record({ kind: fc.constant('large' as const), sample: sampleName }),
);

const bytesOf = (value: Content): Uint8Array => {
  if (value.kind === 'bytes') {
    let state = value.seed || 1;
    return Uint8Array.from({ length: value.length }, () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state & 0xff;
    });
  }
  const text = SAMPLES[value.sample] ?? '';
  const encoded = new TextEncoder().encode(text);
  if (value.kind === 'sample') return encoded;
  if (value.kind === 'invalid-utf8') return new Uint8Array([0xff, 0xfe, 0xc3, ...encoded, 0x80]);
  return new TextEncoder().encode(text.repeat(Math.ceil(1_000_000 / Math.max(text.length, 1))));
};

const entry: fc.Arbitrary<Entry> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('file' as const), path, content }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('folder' as const), path }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('link' as const),
      // Often a file the generator writes: links there are what a write could go through.
      path: fc.oneof(fc.constantFrom(...GENERATED), path),
      to: fc.constantFrom<LinkTarget>(
        'outside-file',
        'outside-missing',
        'outside-folder',
        'dangling',
        'loop',
        'inside-file',
      ),
    }),
    weight: 2,
  },
);

// ---------------------------------------------------------------------------------------------------------
// Stored state

const storedValue = fc.oneof(
  fc.constantFrom('8000', 'python-debian', 'jupyter', '3.13', '/home/app/data', 'app.py', 'none', '10001', ''),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);

const storedKey = fc.constantFrom(...ANSWER_NAMES, 'explicit', 'fingerprints', 'templates', 'preset', 'colour');

const yoRc: fc.Arbitrary<Stored> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'none' as const }), weight: 4 },
  fc
    .dictionary(storedKey, storedValue, { maxKeys: 4 })
    .map((values) => ({ kind: 'text' as const, text: JSON.stringify({ 'generator-docker-best': values }) })),
  fc
    .constantFrom(
      '{',
      '[]',
      'null',
      '{"generator-docker-best": 1}',
      '\u0000',
      '{"generator-docker-best": {"port": "8000",}}',
    )
    .map((value) => ({ kind: 'text' as const, text: value })),
  fc.constant({ kind: 'link' as const }),
);

const RESOLVE_PATTERNS = [
  'Dockerfile',
  '*',
  '**/*',
  'build.sh',
  '.dockerignore',
  'compose.yaml',
  '**/.*',
  '!Dockerfile',
];
const RESOLVE_WORDS = ['skip', 'force', 'keep', 'diff', 'ignore', 'identical', '', 'conflict', 'create', 'write'];

const yoResolve: fc.Arbitrary<Resolve> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'none' as const }), weight: 4 },
  fc.constant({ kind: 'folder' as const }),
  fc
    .array(
      fc.tuple(
        fc.constantFrom(...RESOLVE_PATTERNS),
        fc.constantFrom(' ', '  ', '\t', '='),
        fc.constantFrom(...RESOLVE_WORDS),
      ),
      { maxLength: 4 },
    )
    .map((lines) => ({ kind: 'text' as const, text: lines.map((parts) => parts.join('')).join('\n') })),
);

const preset: fc.Arbitrary<string | null> = fc.oneof(
  { arbitrary: fc.constant(null), weight: 4 },
  fc.oneof(
    fc
      .dictionary(fc.constantFrom(...ANSWER_NAMES, 'colour'), storedValue, { maxKeys: 3 })
      .map((v) => JSON.stringify(v)),
    fc.constantFrom('{', '[1]', '"text"'),
  ),
);

type Stored = { readonly kind: 'none' } | { readonly kind: 'link' } | { readonly kind: 'text'; readonly text: string };
type Resolve =
  { readonly kind: 'none' } | { readonly kind: 'folder' } | { readonly kind: 'text'; readonly text: string };

interface Case {
  readonly entries: readonly Entry[];
  /** Whether a setup from an earlier run is there first. */
  readonly earlierRun: boolean;
  readonly yoRc: Stored;
  readonly yoResolve: Resolve;
  /** A preset file's text, given with --preset. */
  readonly preset: string | null;
  readonly force: boolean;
}

const testCase: fc.Arbitrary<Case> = fc.record({
  entries: fc.array(entry, { maxLength: 8 }),
  earlierRun: fc.boolean(),
  yoRc,
  yoResolve,
  preset,
  force: fc.boolean(),
});

// ---------------------------------------------------------------------------------------------------------
// Laying a case out on disk

const tryDo = (step: () => void): void => {
  try {
    step();
  } catch {
    // a path taken by an earlier entry (a file where a folder goes): the tree is what it is
  }
};

const write = (file: string, data: Uint8Array | string): void =>
  tryDo(() => {
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file) || isLink(file)) rmSync(file, { recursive: true, force: true });
    writeFileSync(file, data);
  });

const isLink = (file: string): boolean => {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
};

const link = (file: string, to: string): void =>
  tryDo(() => {
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file) || isLink(file)) rmSync(file, { recursive: true, force: true });
    symlinkSync(to, file);
  });

const linkTarget = (to: LinkTarget, file: string, outside: string): string => {
  switch (to) {
    case 'outside-file':
      return join(outside, 'config.json');
    case 'outside-missing':
      return join(outside, 'missing', 'new-file');
    case 'outside-folder':
      return outside;
    case 'dangling':
      return 'no-such-file';
    case 'loop':
      return file;
    case 'inside-file':
      return 'app.py';
  }
};

interface Laid {
  readonly dir: string;
  readonly outside: string;
  readonly args: string[];
}

/** The bin, without a terminal; trust of a preset given on the command line goes to `trust`, never ~/.config. */
const bin = (cwd: string, args: readonly string[], trust: string): { status: number | null; stderr: string } => {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    input: '',
    timeout: 120_000,
    env: { ...process.env, DOCKER_BEST_TRUST_FILE: trust },
  });
  return { status: result.status, stderr: result.stderr };
};

const layOut = (input: Case, trust: string): Laid => {
  const root = mkdtempSync(join(tmpdir(), 'docker-best-hostile-'));
  const dir = join(root, 'project');
  const outside = join(root, 'users-own');
  mkdirSync(dir);
  mkdirSync(outside);
  writeFileSync(join(outside, 'config.json'), '{ "auths": {} }\n');
  writeFileSync(join(dir, 'app.py'), 'print("hello")\n');
  if (input.earlierRun) bin(dir, ['--defaults'], trust);
  for (const item of input.entries) {
    const file = join(dir, item.path);
    if (item.kind === 'file') write(file, bytesOf(item.content));
    else if (item.kind === 'folder') tryDo(() => mkdirSync(file, { recursive: true }));
    else link(file, linkTarget(item.to, file, outside));
  }
  if (input.yoRc.kind === 'text') write(join(dir, '.yo-rc.json'), input.yoRc.text);
  if (input.yoRc.kind === 'link') link(join(dir, '.yo-rc.json'), join(outside, 'config.json'));
  if (input.yoResolve.kind === 'text') write(join(dir, '.yo-resolve'), input.yoResolve.text);
  if (input.yoResolve.kind === 'folder') {
    tryDo(() => rmSync(join(dir, '.yo-resolve'), { recursive: true, force: true }));
    tryDo(() => mkdirSync(join(dir, '.yo-resolve')));
  }
  const args = ['--defaults'];
  if (input.preset !== null) {
    writeFileSync(join(root, 'preset.json'), input.preset);
    args.push('--preset', join(root, 'preset.json'));
  }
  if (input.force) args.push('--force');
  return { dir, outside, args };
};

// ---------------------------------------------------------------------------------------------------------
// What must hold

/** Where writing `name` in `dir` lands, or undefined when it is not a file there. */
const landed = (dir: string, name: string): string | undefined => {
  try {
    const real = realpathSync(join(dir, name));
    return statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
};

const checkParses = (name: string, file: string): void => {
  const content = readFileSync(file, 'utf8');
  if (name === 'Dockerfile') {
    const dockerfile = parseDockerfile(content);
    assert.ok(dockerfile.stages.length > 0, 'the Dockerfile has stages');
  } else if (name === 'compose.yaml') {
    assert.ok(typeof parseYaml(content) === 'object');
  } else if (name === 'build.sh') {
    const syntax = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
    assert.equal(syntax.status, 0, syntax.stderr);
  } else if (name === '.yo-rc.json') {
    JSON.parse(content);
  }
};

/** How the runs ended, printed after the suite: a suite where every run is refused proves little. */
const outcomes = { succeeded: 0, refused: 0, reasons: new Map<string, number>() };

const check = (input: Case): void => {
  const trust = join(mkdtempSync(join(tmpdir(), 'docker-best-trust-')), 'trusted.json');
  const laid = layOut(input, trust);
  const before = snapshot(laid.dir);
  const outsideBefore = snapshot(laid.outside);
  const run = bin(laid.dir, laid.args, trust);
  const after = snapshot(laid.dir);
  const context = `case ${JSON.stringify(input)}\nstderr: ${run.stderr}`;
  assert.deepEqual(snapshot(laid.outside), outsideBefore, `nothing outside the project changes\n${context}`);
  if (run.status !== 0) {
    assert.equal(run.status, 1, context);
    const lines = run.stderr.trimEnd().split('\n');
    const last = lines[lines.length - 1] ?? '';
    assert.match(last, /^docker-best: /, context);
    assert.doesNotMatch(run.stderr, /\n\s+at |ExitPromptError|TypeError|RangeError|SyntaxError: /, context);
    assert.equal(lines.filter((line) => line.startsWith('docker-best: ')).length, 1, context);
    assert.deepEqual(after, before, `a failed run leaves the folder as it was\n${context}`);
    outcomes.refused += 1;
    const reason = last
      .replace(/^docker-best: /, '')
      .replace(/\/tmp\/\S+/g, '<folder>')
      .replace(/'.*$|\(.*$/, '')
      .slice(0, 60);
    outcomes.reasons.set(reason, (outcomes.reasons.get(reason) ?? 0) + 1);
    return;
  }
  const targets = new Map<string, string>();
  for (const name of GENERATED) {
    const file = landed(laid.dir, name);
    if (file !== undefined) targets.set(relative(realpathSync(laid.dir), file), name);
  }
  for (const [path, state] of Object.entries(after)) {
    const was = before[path];
    if (was === state) continue;
    const rel = path.slice(1);
    assert.ok(targets.has(rel), `only generated files change: ${rel}\n${context}`);
    assert.doesNotMatch(rel, /\.docker-best-/, `no temporary file is left: ${rel}\n${context}`);
  }
  for (const path of Object.keys(before)) assert.ok(path in after, `nothing is removed: ${path}\n${context}`);
  outcomes.succeeded += 1;
  for (const [rel, name] of targets) {
    if (before[`/${rel}`] !== after[`/${rel}`]) {
      try {
        checkParses(name, join(realpathSync(laid.dir), rel));
      } catch (error) {
        assert.fail(`${name} (${rel}) does not parse: ${error instanceof Error ? error.message : 'error'}\n${context}`);
      }
    }
  }
};

describe(`hostile projects and stored state: properties (${RUNS} projects, seed ${SEED})`, function () {
  this.timeout(RUNS * 20_000 + 60_000);
  after(() => {
    console.log(`      ${outcomes.succeeded} runs succeeded, ${outcomes.refused} were refused in one line:`);
    for (const [reason, count] of [...outcomes.reasons].sort((a, b) => b[1] - a[1])) {
      console.log(`        ${count} × ${reason}`);
    }
  });

  it('each run succeeds with files that parse and only generated files changed, or fails in one line leaving the folder as it was', () => {
    fc.assert(
      fc.property(testCase, (input) => check(input)),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});
