/**
 * Nothing lost: a run that fails, for whatever reason, leaves the folder exactly as it was (every file,
 * its contents, mode and modification time), and a folder nobody may write to gives one clear line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './support/generate.js';

const BIN = fileURLToPath(new URL('../bin/docker-best.js', import.meta.url));

/** Every file below `dir` with its contents, mode and modification time. */
const snapshot = (dir: string): Record<string, string> => {
  const files: Record<string, string> = {};
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder).sort()) {
      const path = join(folder, entry);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else files[path.slice(dir.length)] = `${stat.mode}:${stat.mtimeMs}:${readFileSync(path, 'base64')}`;
    }
  };
  walk(dir);
  return files;
};

/** A project that already has a setup, a .yo-rc.json, and a user's edit in its Dockerfile. */
const existingProject = async (): Promise<string> => {
  const first = await generate({ options: { defaults: true, port: '8000' } });
  appendFileSync(join(first.dir, 'Dockerfile'), '# our tweak\n');
  return first.dir;
};

const fails = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => assert.fail('the run should fail'),
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );

describe('failed runs lose nothing', () => {
  it('a bad option leaves an existing project exactly as it was', async () => {
    const dir = await existingProject();
    const before = snapshot(dir);
    await fails(generate({ cwd: dir, options: { defaults: true, port: '80; rm -rf /' } }));
    assert.deepEqual(snapshot(dir), before);
  });

  it('a refused answer from .yo-rc.json leaves the project as it was', async () => {
    const dir = await existingProject();
    const config = join(dir, '.yo-rc.json');
    writeFileSync(config, readFileSync(config, 'utf8').replace('"uid": "10001"', '"uid": "1"'));
    const before = snapshot(dir);
    const error = await fails(generate({ cwd: dir, options: { defaults: true } }));
    assert.match(error.message, /"uid" in \.yo-rc\.json '1'/);
    assert.deepEqual(snapshot(dir), before);
  });

  it('Ctrl-C at a prompt (a thrown prompt) leaves a new project untouched', async () => {
    let dir = '';
    const error = await fails(
      generate({
        onDir: (folder) => {
          dir = folder;
        },
        onPrompt: (name) => {
          if (name === 'port') throw new Error('User force closed the prompt with SIGINT');
        },
      }),
    );
    assert.match(error.message, /force closed/);
    assert.deepEqual(readdirSync(dir).sort(), ['app.py', 'requirements.txt']);
  });

  it('Ctrl-C at the last prompt of a re-run leaves the project as it was', async () => {
    const dir = await existingProject();
    const config = join(dir, '.yo-rc.json');
    const stored = JSON.parse(readFileSync(config, 'utf8')) as Record<string, Record<string, string>>;
    delete stored['generator-docker-best']?.env;
    writeFileSync(config, JSON.stringify(stored, null, 2));
    const before = snapshot(dir);
    await fails(
      generate({
        cwd: dir,
        force: false,
        onPrompt: (name) => {
          if (name === 'details') throw new Error('User force closed the prompt with SIGINT');
        },
      }),
    );
    assert.deepEqual(snapshot(dir), before);
  });

  it('a folder this user may not write to gives one clear line and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docker-best-readonly-'));
    writeFileSync(join(dir, 'app.py'), 'print(1)\n');
    // As root, write permission bits do not stop us: run as nobody, in a folder root owns.
    const asRoot = process.getuid?.() === 0;
    chmodSync(dir, asRoot ? 0o755 : 0o555);
    const run = spawnSync(process.execPath, [BIN, '--defaults'], {
      cwd: dir,
      encoding: 'utf8',
      input: '',
      ...(asRoot ? { uid: 65534, gid: 65534, env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent' } } : {}),
    });
    chmodSync(dir, 0o755);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(
      run.stderr,
      `docker-best: cannot write to ${dir}: permission denied (EACCES); nothing was written: run where you may write, or fix the permissions\n`,
    );
    assert.deepEqual(readdirSync(dir), ['app.py']);
  });
});
