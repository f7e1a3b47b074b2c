/**
 * `yo docker-best` for a normal user: yo refuses to run as root, so as root the test runs it as nobody, with
 * the generator installed in the project's node_modules the way `npm install generator-docker-best` (or a
 * link to this repository) puts it there.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const YO = join(REPO, 'node_modules', 'yo', 'lib', 'cli.js');
const NOBODY = 65534;

/** A project folder with app.py and the generator installed locally, and a home for yo's settings. */
const project = (): { dir: string; home: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'docker-best-yo-'));
  const home = mkdtempSync(join(tmpdir(), 'docker-best-yo-home-'));
  writeFileSync(join(dir, 'app.py'), 'import os\nPORT = int(os.environ.get("PORT", "8000"))\n');
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(REPO, join(dir, 'node_modules', 'generator-docker-best'), 'dir');
  if (process.getuid?.() === 0) {
    for (const path of [dir, home, join(dir, 'app.py')]) chownSync(path, NOBODY, NOBODY);
    chmodSync(dir, 0o755);
  }
  return { dir, home };
};

const yo = (
  cwd: string,
  home: string,
  ...args: string[]
): { status: number | null; stdout: string; stderr: string } => {
  const asRoot = process.getuid?.() === 0;
  const result = spawnSync(process.execPath, [YO, ...args], {
    cwd,
    encoding: 'utf8',
    input: '',
    timeout: 120_000,
    env: { PATH: process.env.PATH ?? '', HOME: home, NO_UPDATE_NOTIFIER: '1', CI: 'true' },
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

describe('yo docker-best, as a normal user', function () {
  this.timeout(120_000);

  it('writes the whole setup with the detected port, --env included', () => {
    const { dir, home } = project();
    const run = yo(dir, home, 'docker-best', '--defaults', '--env', 'APP_MODE=prod');
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    for (const file of ['Dockerfile', '.dockerignore', 'build.sh', 'compose.yaml', 'README.Docker.md']) {
      assert.ok(readdirSync(dir).includes(file), file);
    }
    assert.match(readFileSync(join(dir, 'compose.yaml'), 'utf8'), /'127\.0\.0\.1:8000:8000'/);
    assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /^ENV APP_MODE="prod"$/m);
  });

  it('runs a sub-generator: yo docker-best:compose', () => {
    const { dir, home } = project();
    const run = yo(dir, home, 'docker-best:compose', '--defaults', '--port', '9000');
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.deepEqual(
      readdirSync(dir)
        .filter((file) => !['app.py', 'node_modules'].includes(file))
        .sort(),
      ['.yo-rc.json', 'compose.yaml'],
    );
    assert.match(readFileSync(join(dir, 'compose.yaml'), 'utf8'), /'127\.0\.0\.1:9000:9000'/);
  });
});
