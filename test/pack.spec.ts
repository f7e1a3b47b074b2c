/**
 * The package as users get it: `npm pack`, then installed from the tarball the way the README says, into
 * folders whose paths contain a space, and run on a project. Needs the npm registry (for the package's own
 * dependencies), as `npm ci` does.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SETUP = ['.dockerignore', '.yo-rc.json', 'Dockerfile', 'README.Docker.md', 'build.sh', 'compose.yaml'];

const npm = (args: readonly string[], cwd: string): SpawnSyncReturns<string> =>
  spawnSync('npm', [...args], {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
  });

const must = (what: string, result: SpawnSyncReturns<string>): string => {
  assert.equal(result.status, 0, `${what} failed: ${result.stderr}${result.stdout}`);
  return result.stdout;
};

/** A small project in `dir`. */
const project = (dir: string): string => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'app.py'), 'print("hello")\n');
  return dir;
};

describe('the packed package, installed as users install it', function () {
  this.timeout(600_000);
  let root = '';
  let tarball = '';

  before(() => {
    root = join(mkdtempSync(join(tmpdir(), 'docker-best-pack-')), 'with space');
    mkdirSync(root, { recursive: true });
    const packed =
      must('npm pack', npm(['pack', '--pack-destination', root], REPO))
        .trim()
        .split('\n')
        .pop() ?? '';
    tarball = join(root, packed);
  });

  after(() => rmSync(join(root, '..'), { recursive: true, force: true }));

  it('ships the compiled generators, the bin, the templates and nothing of the tests', () => {
    const listing = must('tar', spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }));
    for (const file of [
      'package/dist/bin/docker-best.js',
      'package/dist/generators/app/index.js',
      'package/templates/Dockerfile.ejs',
    ]) {
      assert.ok(listing.includes(file), file);
    }
    assert.doesNotMatch(listing, /\.spec\.js|package\/test\/|package\/src\/.*\.ts$/m);
  });

  it('npm install -g under a path with a space: the bin writes a whole setup, and --version is the package version', () => {
    const prefix = join(root, 'global prefix');
    must('npm install -g', npm(['install', '-g', '--prefix', prefix, tarball], root));
    const bin = join(prefix, 'bin', 'docker-best');
    const dir = project(join(root, 'my project'));
    must('docker-best --defaults', spawnSync(bin, ['--defaults'], { cwd: dir, encoding: 'utf8', input: '' }));
    assert.deepEqual(readdirSync(dir).sort(), [...SETUP, 'app.py'].sort());
    const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(must('--version', spawnSync(bin, ['--version'], { encoding: 'utf8' })).trim(), version);
  });

  it("npx runs the package's single bin (as `npx generator-docker-best` does once published)", () => {
    const dir = project(join(root, 'npx project'));
    must('npx', npm(['exec', '--yes', `file:${tarball}`, '--', '--defaults'], dir));
    assert.deepEqual(readdirSync(dir).sort(), [...SETUP, 'app.py'].sort());
  });
});
