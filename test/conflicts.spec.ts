import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { globToRegExp } from '../src/conflicts.js';
import { generate } from './support/generate.js';

const BIN = fileURLToPath(new URL('../bin/docker-best.js', import.meta.url));
const EDIT = '# our own tweak\n';

const bin = (cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', input: '', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

/** A project set up with --defaults, then the user's own edit to its Dockerfile. */
const editedProject = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'docker-best-conflict-'));
  writeFileSync(join(dir, 'app.py'), 'print(1)\n');
  const first = bin(dir, '--defaults', '--port', '8000');
  assert.equal(first.status, 0, first.stderr);
  appendFileSync(join(dir, 'Dockerfile'), EDIT);
  return dir;
};

const mtimes = (dir: string, files: string[]): number[] => files.map((file) => statSync(join(dir, file)).mtimeMs);

describe('re-runs over changed files', () => {
  describe("in a terminal (Yeoman's conflict prompt)", () => {
    it('asks before overwriting a changed Dockerfile; "do not overwrite" keeps the edit', async () => {
      const dir = editedProject();
      const generated = await generate({ cwd: dir, force: false, answers: { action: 'skip' } });
      assert.deepEqual(
        generated.result.askedQuestions.map((question) => question.name),
        ['action'],
        'one question: overwrite Dockerfile?',
      );
      assert.ok(readFileSync(join(dir, 'Dockerfile'), 'utf8').endsWith(EDIT));
    });

    it('"overwrite" replaces it', async () => {
      const dir = editedProject();
      await generate({ cwd: dir, force: false, answers: { action: 'write' } });
      assert.ok(!readFileSync(join(dir, 'Dockerfile'), 'utf8').includes(EDIT));
    });
  });

  describe('without a terminal', () => {
    it('stops with one line naming the changed file, writing nothing', () => {
      const dir = editedProject();
      appendFileSync(join(dir, 'compose.yaml'), EDIT);
      const files = ['Dockerfile', 'compose.yaml', 'build.sh', '.yo-rc.json'];
      const before = mtimes(dir, files);
      const run = bin(dir, '--port', '9000');
      assert.equal(run.status, 1);
      assert.match(
        run.stderr,
        /^docker-best: Dockerfile, compose\.yaml differ from what the generator writes \(changed by you\?\) and there is no terminal to ask: keep your version with a line "<file> skip" in \.yo-resolve, overwrite with --force/,
      );
      assert.equal(run.stderr.trim().split('\n').length, 1);
      assert.deepEqual(mtimes(dir, files), before, 'nothing was written, not even .yo-rc.json');
      assert.ok(readFileSync(join(dir, 'Dockerfile'), 'utf8').endsWith(EDIT));
    });

    it('keeps a file that .yo-resolve says to skip, and writes the rest', () => {
      const dir = editedProject();
      writeFileSync(join(dir, '.yo-resolve'), 'Dockerfile skip\n');
      const run = bin(dir, '--port', '9000');
      assert.equal(run.status, 0, run.stderr);
      assert.ok(readFileSync(join(dir, 'Dockerfile'), 'utf8').endsWith(EDIT));
      assert.match(readFileSync(join(dir, 'compose.yaml'), 'utf8'), /127\.0\.0\.1:9000:9000/);
    });

    it('a changed answer regenerates the files nobody edited, without asking', () => {
      const dir = mkdtempSync(join(tmpdir(), 'docker-best-regenerate-'));
      writeFileSync(join(dir, 'app.py'), 'print(1)\n');
      assert.equal(bin(dir, '--defaults', '--port', '8000').status, 0);
      const run = bin(dir, '--port', '9000');
      assert.equal(run.status, 0, run.stderr);
      assert.match(readFileSync(join(dir, 'compose.yaml'), 'utf8'), /127\.0\.0\.1:9000:9000/);
      assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /EXPOSE 9000/);
    });

    it('--force overwrites', () => {
      const dir = editedProject();
      const run = bin(dir, '--force');
      assert.equal(run.status, 0, run.stderr);
      assert.ok(!readFileSync(join(dir, 'Dockerfile'), 'utf8').includes(EDIT));
    });

    it('reports unchanged files as identical and leaves them alone', () => {
      const dir = mkdtempSync(join(tmpdir(), 'docker-best-identical-'));
      writeFileSync(join(dir, 'app.py'), 'print(1)\n');
      assert.equal(bin(dir, '--defaults').status, 0);
      const files = ['Dockerfile', '.dockerignore', 'build.sh', 'compose.yaml', 'README.Docker.md', '.yo-rc.json'];
      const before = mtimes(dir, files);
      const run = bin(dir);
      assert.equal(run.status, 0, run.stderr);
      for (const file of files.slice(0, 5))
        assert.match(run.stdout + run.stderr, new RegExp(`identical ${file.replace('.', '\\.')}`));
      assert.deepEqual(mtimes(dir, files), before);
    });
  });

  it('.yo-resolve patterns match like globs: ** across folders, * and ? within one', () => {
    assert.ok(globToRegExp('Dockerfile').test('Dockerfile'));
    assert.ok(!globToRegExp('Dockerfile').test('sub/Dockerfile'));
    assert.ok(globToRegExp('**/*.yaml').test('compose.yaml'));
    assert.ok(globToRegExp('**/*.yaml').test('deploy/compose.yaml'));
    assert.ok(!globToRegExp('*.yaml').test('deploy/compose.yaml'));
    assert.ok(globToRegExp('build.s?').test('build.sh'));
    assert.ok(!globToRegExp('README.Docker.md').test('READMEXDocker.md'));
  });
});
