import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUESTIONS } from '../src/answers.js';
import { writeFiles } from './support/generate.js';

const BIN = fileURLToPath(new URL('../bin/docker-best.js', import.meta.url));
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

  it("a generator's --help lists only its own answers", () => {
    const help = bin(project(), 'compose', '--help');
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /Usage: docker-best compose \[options\]/);
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
