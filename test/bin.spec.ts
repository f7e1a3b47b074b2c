import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUESTIONS } from '../src/answers.js';
import { writeFiles } from './support/generate.js';

const BIN = fileURLToPath(new URL('../bin/docker-best.js', import.meta.url));
const PACKAGE = fileURLToPath(new URL('../../package.json', import.meta.url));
/** The web service without dependencies of the engine harness (the former examples/web-service). */
const STDLIB_SERVICE = fileURLToPath(new URL('../../tools/engine/fixtures/stdlib-service/', import.meta.url));

/** Run the bin the way CI does: no terminal, stdin closed. */
const bin = (cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', input: '', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

const project = (files: Record<string, string> = { 'app.py': 'print(1)\n' }): string => {
  const dir = mkdtempSync(join(tmpdir(), 'docker-best-bin-'));
  writeFiles(dir, files);
  return dir;
};

/**
 * The bin in a terminal (script(1) gives it one), with `keys` typed (printf syntax) `wait` seconds after it
 * starts, and `after` seconds more for it to finish; what it printed is stdout.
 */
const inTerminal = (
  dir: string,
  typing: { readonly wait: number; readonly keys: string; readonly after: number },
  ...args: string[]
): SpawnSyncReturns<string> =>
  spawnSync(
    'bash',
    [
      '-c',
      `(sleep ${String(typing.wait)}; printf '${typing.keys}'; sleep ${String(typing.after)}) | ` +
        `script -qfec "${[process.execPath, BIN, ...args].join(' ')}" /dev/null`,
    ],
    { cwd: dir, encoding: 'utf8', timeout: 60_000 },
  );

describe('the docker-best bin', () => {
  it('--help lists every option of the answers model, --defaults and the generators', () => {
    const help = bin(project(), '--help');
    assert.equal(help.status, 0, help.stderr);
    for (const question of QUESTIONS)
      assert.match(help.stdout, new RegExp(`--${question.name} <value>`), question.name);
    assert.match(help.stdout, /--defaults/);
    assert.match(help.stdout, /--force/);
    for (const generator of ['dockerfile', 'dockerignore', 'build', 'compose', 'docs']) {
      assert.match(help.stdout, new RegExp(`^  ${generator}\\s+writes only`, 'm'));
    }
  });

  it("--help shows examples and none of Yeoman's internal options", () => {
    const help = bin(project(), '--help');
    assert.match(help.stdout, /^Examples:$/m);
    assert.match(help.stdout, /npx generator-docker-best --defaults/);
    for (const internal of [
      '--skip-cache',
      '--local-config-only',
      '--bail',
      '--ask-answered',
      '--cwd',
      '--whitespace',
    ]) {
      assert.ok(!help.stdout.includes(internal), internal);
    }
  });

  it('--version prints the package version', () => {
    const run = bin(project(), '--version');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), (JSON.parse(readFileSync(PACKAGE, 'utf8')) as { version: string }).version);
  });

  it('an unknown option exits 1 with one line pointing at --help, writing nothing', () => {
    const dir = project();
    const run = bin(dir, '--frobnicate');
    assert.equal(run.status, 1);
    assert.equal(run.stderr, "docker-best: unknown option '--frobnicate' (see --help)\n");
    assert.deepEqual(readdirSync(dir), ['app.py']);
  });

  it('Ctrl-C at a prompt in a terminal exits 130 with one line and writes nothing', () => {
    const dir = project();
    // Ctrl-C is typed once the first question is up.
    const typed = inTerminal(dir, { wait: 4, keys: '\\003', after: 1 });
    assert.equal(typed.status, 130, typed.stdout);
    assert.match(typed.stdout, /Which stack\?/, 'the question was up');
    assert.match(typed.stdout, /docker-best: interrupted: nothing was written/);
    assert.doesNotMatch(typed.stdout, /ExitPromptError|An error occured|\n\s+at /);
    assert.deepEqual(readdirSync(dir), ['app.py']);
  });

  it("a file you changed, in a terminal: Yeoman's overwrite question is asked and answered, and the file is replaced", () => {
    const dir = project();
    const first = bin(dir, '--defaults');
    assert.equal(first.status, 0, first.stderr);
    const generated = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    writeFileSync(join(dir, 'Dockerfile'), `${generated}# my change\n`);
    // `y` answers the question once it is up.
    const typed = inTerminal(dir, { wait: 5, keys: 'y\\r', after: 3 }, '--defaults');
    assert.equal(typed.status, 0, typed.stdout);
    assert.match(typed.stdout, /Overwrite Dockerfile\?/, 'the question was up');
    assert.doesNotMatch(typed.stdout, /TypeError|private member|\n\s+at /);
    assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), generated);
  });

  it('ends a run with the next steps: build, run, the README', () => {
    const run = bin(project(), '--defaults');
    assert.equal(run.status, 0, run.stderr);
    const output = `${run.stdout}${run.stderr}`;
    assert.match(output, /^Next:$/m);
    assert.match(output, /^ {2}\.\/build\.sh /m);
    assert.match(output, /^ {2}docker compose up -d /m);
    assert.match(output, /^ {2}README\.Docker\.md /m);
    assert.match(output, /^\s+create \.yo-rc\.json$/m, 'a first run creates .yo-rc.json, it does not force it');
    assert.doesNotMatch(output, /force/);
  });

  it("a generator's --help lists only its own answers", () => {
    const help = bin(project(), 'compose', '--help');
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /Usage: npx generator-docker-best compose \[options\]/);
    for (const name of ['stack', 'name', 'port', 'volumes']) assert.match(help.stdout, new RegExp(`--${name} <value>`));
    assert.doesNotMatch(help.stdout, /--packages|--uid/);
  });

  it('without a terminal and without --defaults it fails naming the missing answers, writing nothing', () => {
    const dir = project();
    const run = bin(dir);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^docker-best: no terminal to ask on, and no answer for --stack, --name, /);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.deepEqual(readdirSync(dir), ['app.py']);
  });

  it('a bad option exits 1 with one line naming the option, the value and the rule, writing nothing', () => {
    const dir = project();
    const run = bin(dir, '--defaults', '--uid', '0');
    assert.equal(run.status, 1);
    assert.equal(run.stderr, "docker-best: --uid '0': must be a whole number from 1000 to 2147483647\n");
    assert.deepEqual(readdirSync(dir), ['app.py']);
  });

  it('--debug adds the stack trace', () => {
    const run = bin(project(), '--defaults', '--uid', '0', '--debug');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /UserError: --uid '0'[\s\S]*\n\s+at /);
  });

  it('--env is passed through as the answer, not swallowed by Yeoman', () => {
    const dir = project();
    const run = bin(dir, '--defaults', '--env', 'APP_MODE=prod');
    assert.equal(run.status, 0, run.stderr);
    assert.match(spawnSync('cat', ['Dockerfile'], { cwd: dir, encoding: 'utf8' }).stdout, /ENV APP_MODE="prod"/);
  });

  it('--defaults on a web service writes the setup with the detected port and healthcheck', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docker-best-example-'));
    cpSync(STDLIB_SERVICE, dir, { recursive: true });
    const run = bin(dir, '--defaults');
    assert.equal(run.status, 0, run.stderr);
    for (const file of ['Dockerfile', '.dockerignore', 'build.sh', 'compose.yaml', 'README.Docker.md']) {
      assert.ok(statSync(join(dir, file)).isFile(), file);
    }
    const compose = spawnSync('cat', ['compose.yaml'], { cwd: dir, encoding: 'utf8' }).stdout;
    assert.match(compose, /127\.0\.0\.1:8000:8000/);
  });

  it('a generator as first argument writes only its file (and .yo-rc.json)', () => {
    const dir = project();
    const run = bin(dir, 'dockerignore');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(readdirSync(dir).sort(), ['.dockerignore', '.yo-rc.json', 'app.py']);
  });
});
