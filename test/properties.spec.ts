/**
 * Hostile input, property-based: for every free-text option, thousands of generated strings (newlines,
 * quotes, backslashes, $(), backticks, #, YAML indicators, unicode, very long values, and plausible values
 * with one of those spliced in). For each one, either
 *
 * - validation refuses it with one line naming the option, the value and the rule, or
 * - every generated file parses (dockerfile-ast, yaml, bash -n) with the same instructions, keys and lines
 *   as for a harmless value of the same shape, the value changes only lines that any value of that answer
 *   changes, and it lands exactly where it belongs (exec-form arguments, ENV values, the image name...).
 *
 * A sample also runs through the real generator on disk: refused values write nothing, accepted ones write
 * exactly what the in-process rendering says.
 *
 * Cases per option: DOCKER_BEST_PROPERTY_RUNS (default 1000); on-disk runs: DOCKER_BEST_PROPERTY_DISK_RUNS
 * (default 20); replay a failure with DOCKER_BEST_PROPERTY_SEED=<seed printed by the suite>.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerfileParser, type Env, type Label } from 'dockerfile-ast';
import fc from 'fast-check';
import { parse } from 'yaml';
import type { AnswerName } from '../src/answers.js';
import { PYTHON, pythonLines } from '../src/catalogue.js';
import { convertedScript } from '../src/context/dockerfile.js';
import { volumeNames } from '../src/context/compose.js';
import { detectProject } from '../src/detect/index.js';
import { isUserError, showValue } from '../src/errors.js';
import { STACKS } from '../src/stacks.js';
import type { Answers } from '../src/model.js';
import { listenOn } from '../src/servers.js';
import { formatEnv, formatList } from '../src/validate.js';
import { byKeyword, execArgs, parseDockerfile, runText } from '../tools/dockerfile.js';
import { generate, writeFiles } from './support/generate.js';
import { PROJECT_FILES, renderSetup, settle } from './support/render.js';

const RUNS = Number(process.env.DOCKER_BEST_PROPERTY_RUNS ?? 1000);
const DISK_RUNS = Number(process.env.DOCKER_BEST_PROPERTY_DISK_RUNS ?? 20);
const SEED =
  process.env.DOCKER_BEST_PROPERTY_SEED !== undefined
    ? Number(process.env.DOCKER_BEST_PROPERTY_SEED)
    : Math.floor(Math.random() * 2 ** 31);

// ---------------------------------------------------------------------------------------------------------
// What gets typed

const NASTY = [
  '\n',
  '\r\n',
  '\r',
  '\t',
  '"',
  "'",
  '\\',
  '\\\n',
  '$(id)',
  '`id`',
  '${HOME}',
  '$HOME',
  '#',
  '# comment',
  ': ',
  '- ',
  '? ',
  '&anchor',
  '*alias',
  '!!str',
  '|',
  '>',
  '{',
  '}',
  '[',
  ']',
  ',',
  '%',
  '@',
  '\u0000',
  '\u2028',
  '\u202e',
  'é',
  '漢字',
  '😀',
  ' ',
  ';',
  '&&',
  '||',
  '\nRUN rm -rf /',
  '\nEXPOSE 22',
  '\nservices:',
  '--',
  '=',
  '/',
  '..',
  '*',
  '<%= x %>',
  '%>',
  '\x1b[31m',
  'none',
];

const nasty = fc.constantFrom(...NASTY);
/** Strings built from nasty pieces and arbitrary unicode. */
const hostile = fc
  .array(fc.oneof(nasty, fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ maxLength: 6 })), {
    minLength: 0,
    maxLength: 8,
  })
  .map((parts) => parts.join(''));
const long = fc.string({ minLength: 250, maxLength: 3000 });
/** A plausible value with something nasty spliced in somewhere. */
const spliced = (plausible: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(plausible, nasty, fc.nat()).map(([value, piece, at]) => {
    const index = at % (value.length + 1);
    return `${value.slice(0, index)}${piece}${value.slice(index)}`;
  });
const typed = (plausible: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: plausible, weight: 4 },
    { arbitrary: spliced(plausible), weight: 3 },
    { arbitrary: hostile, weight: 3 },
    { arbitrary: long, weight: 1 },
  );

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
const debianPackage = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9][a-z0-9+.-]{1,12}$/),
    fc.stringMatching(/^(?:[0-9]:)?[0-9][A-Za-z0-9.+~-]{0,8}\*?$/),
  )
  .map(([n, v]) => `${n}=${v}`);
const alpinePackage = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9][a-z0-9+._-]{1,12}$/),
    fc.constantFrom('~=', '=', '~'),
    fc.stringMatching(/^[0-9][A-Za-z0-9._+-]{0,8}$/),
  )
  .map(([n, op, v]) => `${n}${op}${v}`);
const absPath = fc
  .array(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,10}$/), { minLength: 1, maxLength: 4 })
  .map((parts) => `/srv/${parts.join('/')}`);
const list = (item: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.array(item, { minLength: 1, maxLength: 4 }).map((items) => items.join(','));

// ---------------------------------------------------------------------------------------------------------
// Per option: the values, the other options that make it apply, a harmless twin of the same shape, and
// where an accepted value must land.

type Files = Record<string, string>;

interface OptionCase {
  readonly option: AnswerName;
  readonly values: fc.Arbitrary<string>;
  /** Other options, valid, that the value is tried with. */
  readonly context: fc.Arbitrary<Record<string, string>>;
  /** A harmless value with the same shape as the accepted one; salt 0 and 1 give two different ones. */
  readonly twin: (answers: Answers, salt: number) => string;
  /** Where the accepted value must be found, exactly. */
  readonly lands: (answers: Answers, files: Files) => void;
}

const stacks = (...names: (keyof typeof STACKS)[]): fc.Arbitrary<Record<string, string>> =>
  fc.constantFrom(...names).map((stack) => ({ stack }));

const composeService = (files: Files): Record<string, unknown> => {
  const compose = parse(files['compose.yaml'] ?? '') as { services: Record<string, Record<string, unknown>> };
  const [service] = Object.values(compose.services);
  assert.ok(service);
  return service;
};

const runtimeRun = (files: Files, contains: string, stage = 'runtime'): string[] => {
  const dockerfile = parseDockerfile(files.Dockerfile ?? '');
  const run = byKeyword(dockerfile.stage(stage), 'RUN')
    .map(runText)
    .find((text) => text.includes(contains));
  assert.ok(run !== undefined, `a RUN with ${contains} in ${stage}`);
  return run.split(' ');
};

const CASES: readonly OptionCase[] = [
  {
    option: 'name',
    values: typed(
      fc
        .tuple(
          fc.option(fc.constantFrom('registry.example.com/', 'localhost:5000/team/', 'acme/')),
          word,
          fc.option(fc.constantFrom('-api', '.v2', '_x')),
        )
        .map(([prefix, base, suffix]) => `${prefix ?? ''}${base}${suffix ?? ''}`),
    ),
    context: fc.constant({}),
    // The same registry and namespace: they decide the CI file's registry, login and secrets.
    twin: (answers, salt) => `${answers.name.slice(0, answers.name.lastIndexOf('/') + 1)}twin${salt}`,
    lands: (answers, files) => {
      assert.equal(composeService(files).image, `${answers.name}:\${TAG:-latest}`);
      const compose = parse(files['compose.yaml'] ?? '', { version: '1.1', mapAsMap: true }) as Map<unknown, unknown>;
      const services = compose.get('services');
      assert.ok(
        services instanceof Map && typeof [...services.keys()][0] === 'string',
        'the service key stays a string in YAML 1.1',
      );
      const labels = DockerfileParser.parse(files.Dockerfile ?? '')
        .getInstructions()
        .filter((i) => i.getKeyword() === 'LABEL') as Label[];
      const title = labels
        .flatMap((label) => label.getProperties())
        .find((property) => property.getName() === 'org.opencontainers.image.title');
      assert.equal(title?.getValue(), answers.name);
      const line = (files['build.sh'] ?? '').split('\n').find((text) => text.startsWith('default_image='));
      const evaluated = spawnSync('bash', ['-c', `${line ?? ''}\nprintf %s "$default_image"`], { encoding: 'utf8' });
      assert.equal(evaluated.stdout, answers.name, 'build.sh evaluates the name to itself');
    },
  },
  {
    option: 'entry',
    values: fc.oneof(
      typed(fc.array(word, { minLength: 1, maxLength: 3 }).map((parts) => `${parts.join('/')}.py`)),
      typed(fc.array(word, { minLength: 1, maxLength: 3 }).map((parts) => `-m ${parts.join('.')}`)),
      typed(fc.array(word, { minLength: 1, maxLength: 2 }).map((parts) => `${parts.join('/')}.ipynb`)),
    ),
    context: stacks('python-debian', 'python-alpine', 'jupyter'),
    twin: (answers, salt) =>
      answers.entry.kind === 'module'
        ? `-m twin${salt}.main`
        : answers.entry.kind === 'notebook'
          ? // In the same folder: a notebook runs from its own folder, so the folder is part of what it changes.
            answers.entry.path.replace(/[^/]*$/, `twin${salt}.ipynb`)
          : `twin${salt}.py`,
    lands: (answers, files) => {
      const dockerfile = parseDockerfile(files.Dockerfile ?? '');
      const cmd = execArgs(byKeyword(dockerfile.final, 'CMD')[0]!);
      const entry = answers.entry;
      const expected =
        entry.kind === 'module'
          ? ['python', '-m', entry.module]
          : entry.kind === 'command'
            ? answers.port === null
              ? [...entry.argv]
              : listenOn(entry.argv, answers.port)
            : entry.kind === 'notebook'
              ? ['python', convertedScript(entry.path).split('/').pop() ?? '']
              : ['python', entry.path];
      assert.deepEqual(cmd, expected);
      if (entry.kind === 'notebook') {
        // As written: Docker keeps the spaces of a WORKDIR path, runText would fold them.
        const workdirs = byKeyword(dockerfile.final, 'WORKDIR').map((i) => i.getArgumentsContent() ?? '');
        const folder = entry.path.includes('/') ? `/${entry.path.slice(0, entry.path.lastIndexOf('/'))}` : '';
        assert.equal(workdirs[workdirs.length - 1], `/app${folder}`, 'a notebook runs from its own folder');
      }
    },
  },
  {
    option: 'healthpath',
    values: typed(fc.array(word, { maxLength: 3 }).map((parts) => `/${parts.join('/')}`)),
    context: fc.constant({ port: '8000', health: 'http' }),
    twin: (_answers, salt) => `/twin${salt}`,
    lands: (answers, files) => {
      const [health] = byKeyword(parseDockerfile(files.Dockerfile ?? '').final, 'HEALTHCHECK');
      const args = execArgs(health!);
      assert.deepEqual(args.slice(0, 2), ['python', '-c']);
      assert.equal(
        args[2],
        `import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000${answers.healthpath}', timeout=4)`,
      );
    },
  },
  {
    option: 'healthcmd',
    values: typed(
      fc
        .array(fc.stringMatching(/^[A-Za-z0-9._/:=@%+,-]{1,10}$/), { minLength: 1, maxLength: 5 })
        .map((words) => words.join(' ')),
    ),
    context: fc.constant({ health: 'cmd' }),
    twin: (answers, salt) => answers.healthcmd.map((_word, index) => `twin${salt}w${index}`).join(' '),
    lands: (answers, files) => {
      const [health] = byKeyword(parseDockerfile(files.Dockerfile ?? '').final, 'HEALTHCHECK');
      assert.deepEqual(execArgs(health!), answers.healthcmd);
    },
  },
  {
    option: 'volumes',
    values: typed(list(absPath)),
    context: fc.constant({}),
    twin: (answers, salt) => formatList(answers.volumes.map((_path, index) => `/twin/v${salt}x${index}`)),
    lands: (answers, files) => {
      const names = volumeNames(answers.volumes);
      assert.deepEqual(
        composeService(files).volumes ?? [],
        answers.volumes.map((path, index) => `${names[index] ?? ''}:${path}`),
      );
      // docker-compose 1.29 reads YAML 1.1: every volume is declared under its own name, as a string key.
      const compose = parse(files['compose.yaml'] ?? '', { version: '1.1', mapAsMap: true }) as Map<unknown, unknown>;
      const declared = compose.get('volumes');
      assert.deepEqual(declared instanceof Map ? [...declared.keys()] : [], names);
      const words = runtimeRun(files, 'chown');
      for (const path of answers.volumes) assert.ok(words.includes(path), path);
    },
  },
  {
    option: 'packages',
    values: fc.oneof(typed(list(debianPackage)), typed(list(alpinePackage))),
    context: stacks('python-debian', 'python-alpine', 'jupyter'),
    twin: (answers, salt) =>
      formatList(
        answers.packages.map((_pkg, index) =>
          STACKS[answers.stack].family === 'debian' ? `twin${salt}p${index}=1.*` : `twin${salt}p${index}~=1`,
        ),
      ),
    lands: (answers, files) => {
      if (answers.packages.length === 0) {
        const runtime = byKeyword(parseDockerfile(files.Dockerfile ?? '').stage('runtime'), 'RUN').map(runText);
        assert.ok(!runtime.some((text) => /apt-get|apk/.test(text)), 'no package install in the final stage');
        return;
      }
      const words = runtimeRun(files, answers.packages[0] ?? '');
      for (const pkg of answers.packages) assert.equal(words.filter((candidate) => candidate === pkg).length, 1, pkg);
    },
  },
  {
    option: 'buildpackages',
    values: fc.oneof(typed(list(debianPackage)), typed(list(alpinePackage))),
    context: stacks('python-debian', 'python-alpine'),
    twin: (answers, salt) =>
      formatList(
        answers.buildpackages.map((_pkg, index) =>
          STACKS[answers.stack].family === 'debian' ? `twin${salt}b${index}=1.*` : `twin${salt}b${index}~=1`,
        ),
      ),
    lands: (answers, files) => {
      if (answers.buildpackages.length === 0) return;
      const words = runtimeRun(files, answers.buildpackages[0] ?? '', 'builder');
      for (const pkg of answers.buildpackages)
        assert.equal(words.filter((candidate) => candidate === pkg).length, 1, pkg);
    },
  },
  {
    option: 'env',
    values: typed(
      list(
        fc
          .tuple(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/), fc.stringMatching(/^[A-Za-z0-9._/:@%+=~-]{0,12}$/))
          .map(([key, value]) => `${key}=${value}`),
      ),
    ),
    context: fc.constant({}),
    twin: (answers, salt) =>
      formatEnv(answers.env.map((_pair, index) => [`TWIN${salt}_${index}`, `v${salt}`] as const)),
    lands: (answers, files) => {
      const envs = DockerfileParser.parse(files.Dockerfile ?? '')
        .getInstructions()
        .filter((i) => i.getKeyword() === 'ENV') as Env[];
      const pairs = envs
        .flatMap((env) => env.getProperties())
        .map((property) => [property.getName(), property.getValue() ?? ''] as const);
      for (const [key, value] of answers.env)
        assert.deepEqual(
          pairs.filter(([name]) => name === key),
          [[key, value]],
          key,
        );
    },
  },
  {
    option: 'python',
    values: typed(fc.constantFrom(...pythonLines(), '3.10', '3.16', '3')),
    context: fc.constant({}),
    twin: (answers) => answers.python,
    lands: (answers, files) => {
      assert.equal(
        parseDockerfile(files.Dockerfile ?? '').final.image,
        `python:${PYTHON[answers.python]?.version ?? ''}-slim-${answers.release}`,
      );
    },
  },
  {
    option: 'uid',
    values: typed(fc.integer({ min: 0, max: 2 ** 32 }).map(String)),
    context: fc.constant({}),
    twin: (_answers, salt) => String(20000 + salt),
    lands: (answers, files) =>
      assert.equal(
        runText(byKeyword(parseDockerfile(files.Dockerfile ?? '').final, 'USER')[0]!),
        `${answers.uid}:${answers.gid}`,
      ),
  },
  {
    option: 'gid',
    values: typed(fc.integer({ min: 0, max: 2 ** 32 }).map(String)),
    context: fc.constant({}),
    twin: (_answers, salt) => String(30000 + salt),
    lands: (answers, files) =>
      assert.equal(
        runText(byKeyword(parseDockerfile(files.Dockerfile ?? '').final, 'USER')[0]!),
        `${answers.uid}:${answers.gid}`,
      ),
  },
  {
    option: 'port',
    values: typed(fc.oneof(fc.integer({ min: 0, max: 70000 }).map(String), fc.constant('none'))),
    context: fc.constant({}),
    twin: (answers, salt) => (answers.port === null ? 'none' : String(7000 + salt)),
    lands: (answers, files) => {
      const dockerfile = parseDockerfile(files.Dockerfile ?? '');
      assert.deepEqual(
        byKeyword(dockerfile.final, 'EXPOSE').map(runText),
        answers.port === null ? [] : [String(answers.port)],
      );
      assert.deepEqual(
        composeService(files).ports ?? [],
        answers.port === null ? [] : [`127.0.0.1:${answers.port}:${answers.port}`],
      );
    },
  },
];

// ---------------------------------------------------------------------------------------------------------
// The checks

/** A refusal: one line, naming the option and the value as typed (escaped), then the rule. */
const checkRefusal = (option: string, raw: string, message: string): void => {
  assert.doesNotMatch(message, /[\n\r]/, 'one line');
  const prefix = `--${option} ${showValue(raw)}: `;
  assert.ok(message.startsWith(prefix), `"${message}" starts with "${prefix}"`);
  assert.ok(message.length > prefix.length + 10, 'and says what would be accepted');
};

/** Instruction keywords with their flags, per line: the Dockerfile's structure. */
const dockerfileShape = (text: string): string[] =>
  DockerfileParser.parse(text)
    .getInstructions()
    .map(
      (instruction) =>
        `${instruction.getKeyword()} ${runText(instruction)
          .split(' ')
          .filter((word) => word.startsWith('--'))
          .map((flag) => flag.split('=')[0])
          .join(' ')}`,
    );

/** Keys and list lengths of a YAML document, values left out: its structure. */
const yamlShape = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(yamlShape);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).map(([key, item]) => [
      /^[a-z0-9][a-z0-9_.-]*$/.test(key) ? 'key' : key,
      yamlShape(item),
    ]);
  }
  return typeof value;
};

/** The lines of `lines` not in `other`, as multisets; a line continuation is not content. */
const without = (lines: readonly string[], other: readonly string[]): string[] => {
  const content = (line: string): string => line.replace(/\s*\\$/, '');
  const left = other.map(content);
  return lines.filter((line) => {
    const index = left.indexOf(content(line));
    if (index === -1) return true;
    left.splice(index, 1);
    return false;
  });
};

const checkAccepted = (testCase: OptionCase, answers: Answers, files: Files, twins: readonly [Files, Files]): void => {
  const [twin, other] = twins;
  for (const [file, text] of Object.entries(files)) {
    const lines = text.split('\n');
    const twinLines = (twin[file] ?? '').split('\n');
    assert.equal(lines.length, twinLines.length, `${file}: the value added or removed lines`);
    // Lines the value changed (it may also move within a sorted list) are no more than the lines any value
    // of this answer changes: those that differ between two harmless values.
    const changed = without(lines, twinLines);
    const bearing = without(twinLines, (other[file] ?? '').split('\n'));
    assert.ok(
      changed.length <= bearing.length,
      `${file}: the value changed lines no ${testCase.option} belongs in:\n${changed.join('\n')}\n(a value of it changes only:\n${bearing.join('\n')})`,
    );
  }
  assert.deepEqual(
    dockerfileShape(files.Dockerfile ?? ''),
    dockerfileShape(twin.Dockerfile ?? ''),
    'Dockerfile instructions',
  );
  assert.deepEqual(
    yamlShape(parse(files['compose.yaml'] ?? '')),
    yamlShape(parse(twin['compose.yaml'] ?? '')),
    'compose.yaml keys',
  );
  if (files['build.sh'] !== twin['build.sh']) {
    const syntax = spawnSync('bash', ['-n'], { input: files['build.sh'], encoding: 'utf8' });
    assert.equal(syntax.status, 0, `bash -n build.sh: ${syntax.stderr}`);
  }
  testCase.lands(answers, files);
};

/** Settle the options; undefined when refused (after checking the refusal). */
const tryValue = async (
  testCase: OptionCase,
  context: Record<string, string>,
  raw: string,
): Promise<Answers | undefined> => {
  try {
    return await settle({ ...context, [testCase.option]: raw });
  } catch (error) {
    if (!isUserError(error)) throw error;
    checkRefusal(testCase.option, raw, error.message);
    return undefined;
  }
};

const twinsCache = new Map<string, readonly [Files, Files]>();

const twinsFor = async (
  testCase: OptionCase,
  context: Record<string, string>,
  answers: Answers,
): Promise<readonly [Files, Files]> => {
  const values = [testCase.twin(answers, 0), testCase.twin(answers, 1)] as const;
  const key = JSON.stringify([testCase.option, context, values]);
  const cached = twinsCache.get(key);
  if (cached) return cached;
  const rendered = [
    renderSetup(await settle({ ...context, [testCase.option]: values[0] })),
    renderSetup(await settle({ ...context, [testCase.option]: values[1] })),
  ] as const;
  twinsCache.set(key, rendered);
  return rendered;
};

describe(`hostile input: properties (${RUNS} cases per option, seed ${SEED})`, function () {
  this.timeout(600_000);

  before(() => {
    console.log(
      `      property seed ${SEED}: replay with DOCKER_BEST_PROPERTY_SEED=${SEED}; DOCKER_BEST_PROPERTY_RUNS=${RUNS}`,
    );
  });

  for (const testCase of CASES) {
    it(`--${testCase.option}: every value is refused in one line or lands only where it belongs`, async () => {
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(testCase.context, testCase.values, async (context, raw) => {
          const answers = await tryValue(testCase, context, raw);
          if (answers === undefined) return;
          accepted += 1;
          checkAccepted(testCase, answers, renderSetup(answers), await twinsFor(testCase, context, answers));
        }),
        { numRuns: RUNS, seed: SEED },
      );
      assert.ok(accepted > RUNS / 20, `enough accepted values exercise the templates (${accepted} of ${RUNS})`);
    });
  }

  describe(`on disk, through the generator (${DISK_RUNS} values per option)`, () => {
    for (const testCase of CASES) {
      it(`--${testCase.option}: a refused value writes nothing; an accepted one writes what was rendered`, async () => {
        const samples = fc.sample(fc.tuple(testCase.context, testCase.values), { numRuns: DISK_RUNS, seed: SEED });
        for (const [context, raw] of samples) {
          const dir = mkdtempSync(join(tmpdir(), 'docker-best-hostile-'));
          writeFiles(dir, PROJECT_FILES);
          const facts = detectProject(dir);
          const options = { ...context, [testCase.option]: raw };
          const expected = await settle(options, facts).then(
            (answers) => ({ answers }),
            (error: unknown) => ({ error }),
          );
          const run = await generate({ cwd: dir, options: { defaults: true, ...options } }).then(
            () => undefined,
            (error: unknown) => error,
          );
          if ('error' in expected) {
            assert.ok(run instanceof Error && isUserError(run), `refused on disk too: ${JSON.stringify(raw)}`);
            assert.equal(run.message, (expected.error as Error).message);
            assert.deepEqual(readdirSync(dir).sort(), Object.keys(PROJECT_FILES).sort(), 'nothing written');
          } else {
            assert.equal(run, undefined, `accepted on disk too: ${JSON.stringify(raw)}: ${String(run)}`);
            for (const [file, text] of Object.entries(renderSetup(expected.answers, facts))) {
              assert.equal(readFileSync(join(dir, file), 'utf8'), text, file);
            }
          }
        }
      });
    }
  });
});
