import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './support/generate.js';

const BIN = fileURLToPath(new URL('../bin/docker-best.js', import.meta.url));
const EDIT = '# our own tweak\n';

const bin = (cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', input: '', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

/** A project set up with --defaults, then the user's own edit to its Dockerfile. */
const editedProject = (folder?: string): string => {
  const dir = folder ?? mkdtempSync(join(tmpdir(), 'docker-best-conflict-'));
  mkdirSync(dir, { recursive: true });
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
        /^docker-best: Dockerfile \(changed since the generator wrote it\), compose\.yaml \(changed since the generator wrote it\) differ from what the generator writes, and there is no terminal to ask: keep your version with a line "<file> skip" in \.yo-resolve, overwrite with --force/,
      );
      assert.equal(run.stderr.trim().split('\n').length, 1);
      assert.deepEqual(mtimes(dir, files), before, 'nothing was written, not even .yo-rc.json');
      assert.ok(readFileSync(join(dir, 'Dockerfile'), 'utf8').endsWith(EDIT));
    });

    it('says of a hand-written Dockerfile that the generator never wrote it', () => {
      const dir = mkdtempSync(join(tmpdir(), 'docker-best-conflict-'));
      writeFileSync(join(dir, 'app.py'), 'print(1)\n');
      writeFileSync(join(dir, 'Dockerfile'), 'FROM python:3.12-slim\n');
      const run = bin(dir, '--defaults');
      assert.equal(run.status, 1);
      assert.match(
        run.stderr,
        /^docker-best: Dockerfile \(not written by the generator\) differs from what the generator writes, and /,
      );
      assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), 'FROM python:3.12-slim\n');
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

  describe('.yo-resolve means what it means to Yeoman (its own reading)', () => {
    /** Every file of `dir` with its contents and mode, to prove a run wrote nothing. */
    const contents = (dir: string): Record<string, string> =>
      Object.fromEntries(
        readdirSync(dir)
          .sort()
          .map((name) => {
            const stat = statSync(join(dir, name));
            return [
              name,
              stat.isFile() ? `${stat.mode}:${stat.mtimeMs}:${readFileSync(join(dir, name), 'base64')}` : 'folder',
            ];
          }),
      );
    const oneLine = (stderr: string): string => {
      assert.equal(stderr.trim().split('\n').length, 1, stderr);
      assert.doesNotMatch(stderr, /\n\s+at |ExitPromptError/);
      return stderr.trim();
    };

    it('"Dockerfile keep", a word Yeoman does not know (and would overwrite with), is refused naming the line', () => {
      const dir = editedProject();
      writeFileSync(join(dir, '.yo-resolve'), '# ours\nDockerfile keep\n');
      const before = contents(dir);
      const run = bin(dir, '--port', '9000');
      assert.equal(run.status, 1, run.stderr);
      assert.match(
        oneLine(run.stderr),
        /^docker-best: .*\.yo-resolve:2 'Dockerfile keep': 'keep' is not an action Yeoman knows, and Yeoman would overwrite the file: write "skip" to keep your version, or "force" to overwrite it$/,
      );
      assert.deepEqual(contents(dir), before);
    });

    it('"Dockerfile force" overwrites the edit, as Yeoman does', () => {
      const dir = editedProject();
      writeFileSync(join(dir, '.yo-resolve'), 'Dockerfile force\n');
      const run = bin(dir, '--port', '9000');
      assert.equal(run.status, 0, run.stderr);
      assert.ok(!readFileSync(join(dir, 'Dockerfile'), 'utf8').includes(EDIT));
    });

    it('"* skip" does not cover dotfiles for Yeoman: an edited .dockerignore stops an unattended run in one line', () => {
      const dir = editedProject();
      appendFileSync(join(dir, '.dockerignore'), EDIT);
      writeFileSync(join(dir, '.yo-resolve'), '* skip\n');
      const before = contents(dir);
      const run = bin(dir, '--port', '9000');
      assert.equal(run.status, 1, run.stderr);
      assert.match(
        oneLine(run.stderr),
        /^docker-best: \.dockerignore \(changed since the generator wrote it\) differs from what the generator writes/,
      );
      assert.deepEqual(contents(dir), before);
    });

    it('"**/.* skip" covers them, and the rest is written', () => {
      const dir = editedProject();
      appendFileSync(join(dir, '.dockerignore'), EDIT);
      writeFileSync(join(dir, '.yo-resolve'), '* skip\n**/.* skip\n');
      const run = bin(dir, '--port', '9000');
      assert.equal(run.status, 0, run.stderr);
      assert.ok(readFileSync(join(dir, '.dockerignore'), 'utf8').endsWith(EDIT));
      assert.ok(readFileSync(join(dir, 'Dockerfile'), 'utf8').endsWith(EDIT));
    });

    it("in a folder whose path has [ ], where Yeoman's patterns miss, the run stops in one line saying so", () => {
      const dir = editedProject(join(mkdtempSync(join(tmpdir(), 'docker-best-brackets-')), 'shop[1]'));
      writeFileSync(join(dir, '.yo-resolve'), 'Dockerfile skip\n');
      const before = contents(dir);
      const run = bin(dir, '--port', '9000');
      assert.equal(run.status, 1, run.stderr);
      assert.match(
        oneLine(run.stderr),
        /^docker-best: Dockerfile \(changed since the generator wrote it\) differs .* glob characters such as \[ \]/,
      );
      assert.deepEqual(contents(dir), before);
    });

    it('a file that .yo-resolve says to skip is kept even when only the answers changed it', () => {
      const dir = mkdtempSync(join(tmpdir(), 'docker-best-skip-'));
      writeFileSync(join(dir, 'app.py'), 'print(1)\n');
      assert.equal(bin(dir, '--defaults', '--port', '8000').status, 0);
      writeFileSync(join(dir, '.yo-resolve'), 'compose.yaml skip\n');
      const compose = readFileSync(join(dir, 'compose.yaml'), 'utf8');
      const run = bin(dir, '--port', '9000');
      assert.equal(run.status, 0, run.stderr);
      assert.equal(readFileSync(join(dir, 'compose.yaml'), 'utf8'), compose);
      assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /EXPOSE 9000/);
    });

    it('a .yo-resolve that is a folder gives one line, and nothing is written', () => {
      const dir = editedProject();
      mkdirSync(join(dir, '.yo-resolve'));
      const before = contents(dir);
      const run = bin(dir, '--port', '9000');
      assert.equal(run.status, 1, run.stderr);
      assert.match(oneLine(run.stderr), /^docker-best: \.yo-resolve in .* is a folder: Yeoman reads it as a file/);
      assert.deepEqual(contents(dir), before);
    });

    it('a .yo-resolve or .yo-rc.json this user cannot read gives one line, and nothing is written', () => {
      for (const file of ['.yo-resolve', '.yo-rc.json']) {
        const dir = editedProject();
        if (file === '.yo-resolve') writeFileSync(join(dir, file), 'Dockerfile skip\n');
        // As root, permission bits do not stop reading: run as nobody, in a folder nobody owns.
        const asRoot = process.getuid?.() === 0;
        if (asRoot) {
          for (const name of readdirSync(dir)) chownSync(join(dir, name), 65534, 65534);
          chownSync(dir, 65534, 65534);
          chownSync(join(dir, file), 0, 0);
        }
        chmodSync(join(dir, file), asRoot ? 0o600 : 0o000);
        const before = contents(dir);
        const result = spawnSync(process.execPath, [BIN, '--port', '9000'], {
          cwd: dir,
          encoding: 'utf8',
          input: '',
          ...(asRoot ? { uid: 65534, gid: 65534, env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent' } } : {}),
        });
        assert.equal(result.status, 1, result.stderr);
        assert.match(
          oneLine(result.stderr),
          new RegExp(
            `^docker-best: ${file.replace('.', '\\.')} in .* cannot be read \\(EACCES\\): fix its permissions, or remove it$`,
          ),
        );
        assert.deepEqual(contents(dir), before);
        chmodSync(join(dir, file), 0o644);
      }
    });

    it('a folder where a file goes gives one line and writes nothing, with or without --force', () => {
      for (const force of [[], ['--force']]) {
        const dir = mkdtempSync(join(tmpdir(), 'docker-best-folder-'));
        writeFileSync(join(dir, 'app.py'), 'print(1)\n');
        mkdirSync(join(dir, 'build.sh'));
        const run = bin(dir, '--defaults', ...force);
        assert.equal(run.status, 1, run.stderr);
        assert.match(
          oneLine(run.stderr),
          /^docker-best: build\.sh in .* is a folder, where the generator writes a file: nothing was written/,
        );
        assert.deepEqual(readdirSync(dir).sort(), ['app.py', 'build.sh']);
      }
    });
  });
});
