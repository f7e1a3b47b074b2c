import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, type Generated } from '../../test/support/generate.js';

/** A `docker` on PATH that records its arguments instead of building, one call per block. */
const fakeDocker = (): { bin: string; log: string } => {
  const bin = mkdtempSync(join(tmpdir(), 'fake-docker-'));
  const log = join(bin, 'calls.log');
  writeFileSync(
    join(bin, 'docker'),
    '#!/usr/bin/env bash\n{ echo "DOCKER_BUILDKIT=${DOCKER_BUILDKIT:-}"; printf \'%s\\n\' "$@"; echo "--"; } >> "$FAKE_DOCKER_LOG"\n',
  );
  chmodSync(join(bin, 'docker'), 0o755);
  return { bin, log };
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  calls: string[][];
}

const git = (cwd: string, ...args: string[]): string => {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
};

/** The environment build.sh runs in: the fake docker first on PATH, and no git repository above /tmp. */
const buildEnv = (docker: { bin: string; log: string }, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  PATH: `${docker.bin}:${process.env.PATH ?? ''}`,
  FAKE_DOCKER_LOG: docker.log,
  GIT_CEILING_DIRECTORIES: tmpdir(),
  ...extra,
});

const runBuild = (dir: string, args: string[] = [], env: Record<string, string> = {}): Run => {
  const docker = fakeDocker();
  const result = spawnSync('./build.sh', args, { cwd: dir, encoding: 'utf8', env: buildEnv(docker, env) });
  let log = '';
  try {
    log = readFileSync(docker.log, 'utf8');
  } catch {
    log = '';
  }
  const calls = log
    .split('--\n')
    .filter((block) => block.trim() !== '')
    .map((block) => block.trimEnd().split('\n'));
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
};

const values = (call: string[], flag: string): string[] =>
  call.flatMap((arg, index) => (arg === flag && call[index + 1] !== undefined ? [call[index + 1] ?? ''] : []));

describe('docker-best:build', () => {
  const fresh = async (): Promise<Generated> =>
    generate({ generator: 'build', options: { defaults: true, name: 'acme/shop' } });

  it('writes build.sh, executable, in bash, that parses', async () => {
    const generated = await fresh();
    assert.equal(generated.mode('build.sh') & 0o111, 0o111);
    assert.equal(generated.read('build.sh').split('\n')[0], '#!/usr/bin/env bash');
    const syntax = spawnSync('bash', ['-n', 'build.sh'], { cwd: generated.dir, encoding: 'utf8' });
    assert.equal(syntax.status, 0, syntax.stderr);
  });

  it('in a clean git checkout tags <name>:<12-character commit> and latest, with BuildKit on', async () => {
    const { dir } = await fresh();
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    const sha = git(dir, 'rev-parse', '--short=12', 'HEAD');
    assert.equal(sha.length, 12);
    const run = runBuild(dir);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.calls.length, 1);
    const [call = []] = run.calls;
    assert.equal(call[0], 'DOCKER_BUILDKIT=1');
    assert.equal(call[1], 'build');
    assert.deepEqual(values(call, '--tag'), [`acme/shop:${sha}`, 'acme/shop:latest']);
    const buildArgs = values(call, '--build-arg');
    assert.ok(buildArgs.includes(`REVISION=${sha}`), buildArgs.join(' '));
    assert.ok(buildArgs.some((arg) => /^CREATED=\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(arg)));
    assert.ok(buildArgs.some((arg) => arg.startsWith('VERSION=')));
    assert.equal(call[call.length - 1], '.');
    assert.match(run.stdout, new RegExp(`acme/shop:${sha}\\n\\s+acme/shop:latest`));
  });

  it('on a dirty tree tags <commit>-dirty and leaves latest alone', async () => {
    const { dir } = await fresh();
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    const sha = git(dir, 'rev-parse', '--short=12', 'HEAD');
    writeFileSync(join(dir, 'app.py'), 'print("changed")\n');
    const run = runBuild(dir);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(values(run.calls[0] ?? [], '--tag'), [`acme/shop:${sha}-dirty`]);
    assert.match(run.stderr, /uncommitted changes/);
  });

  it('outside git tags the build time and says why', async () => {
    const { dir } = await fresh();
    const run = runBuild(dir);
    assert.equal(run.status, 0, run.stderr);
    const tags = values(run.calls[0] ?? [], '--tag');
    assert.equal(tags.length, 2);
    assert.match(tags[0] ?? '', /^acme\/shop:\d{8}-\d{6}$/);
    assert.equal(tags[1], 'acme/shop:latest');
    assert.match(run.stderr, /not in a git repository/);
    assert.ok(values(run.calls[0] ?? [], '--build-arg').includes('REVISION=unknown'));
  });

  it("--netrc passes a private index's credentials as a BuildKit secret, by absolute path", async () => {
    const { dir } = await fresh();
    writeFileSync(join(dir, 'netrc'), 'machine pypi.acme.dev login ci password s3cret\n');
    const run = runBuild(dir, ['--netrc', 'netrc']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(values(run.calls[0] ?? [], '--secret'), [`id=netrc,src=${join(dir, 'netrc')}`]);
    assert.ok(!JSON.stringify(run.calls).includes('s3cret'), 'the file is passed, never its contents');
    const viaEnv = runBuild(dir, [], { BUILD_NETRC: join(dir, 'netrc') });
    assert.deepEqual(values(viaEnv.calls[0] ?? [], '--secret'), [`id=netrc,src=${join(dir, 'netrc')}`]);
    const missing = runBuild(dir, ['--netrc', 'nope']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^build\.sh: --netrc nope: no such readable file$/m);
    assert.equal(missing.calls.length, 0);
  });

  it('puts the git remote into the source label without credentials', async () => {
    const { dir } = await fresh();
    git(dir, 'init', '-q');
    git(dir, 'remote', 'add', 'origin', 'https://deploy:s3cret@git.example.com/acme/shop.git');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    const run = runBuild(dir);
    assert.ok(values(run.calls[0] ?? [], '--build-arg').includes('SOURCE=https://git.example.com/acme/shop.git'));
  });

  it('keeps the token out of the source label however the remote is written', async () => {
    const { dir } = await fresh();
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    const remotes: [string, string][] = [
      ['HTTPS://deploy:TOKEN123@git.example.com/acme/shop.git', 'HTTPS://git.example.com/acme/shop.git'],
      ['Https://TOKEN123@git.example.com/acme/shop.git', 'Https://git.example.com/acme/shop.git'],
      ['https://deploy:TOKEN123@x@git.example.com/acme/shop.git', 'https://git.example.com/acme/shop.git'],
      [
        'https://oauth2:TOKEN123@gitlab.example.com:8443/acme/shop.git',
        'https://gitlab.example.com:8443/acme/shop.git',
      ],
      ['ssh://git:TOKEN123@git.example.com:2222/acme/shop.git', 'ssh://git.example.com:2222/acme/shop.git'],
      ['TOKEN123@git.example.com:acme/shop.git', 'git.example.com:acme/shop.git'],
      ['https://git.example.com/acme/shop@v1.git', 'https://git.example.com/acme/shop@v1.git'],
    ];
    for (const [remote, label] of remotes) {
      spawnSync('git', ['remote', 'remove', 'origin'], { cwd: dir });
      git(dir, 'remote', 'add', 'origin', remote);
      const run = runBuild(dir);
      assert.equal(run.status, 0, run.stderr);
      const sources = values(run.calls[0] ?? [], '--build-arg').filter((arg) => arg.startsWith('SOURCE='));
      assert.deepEqual(sources, [`SOURCE=${label}`], remote);
      assert.ok(!JSON.stringify(run.calls).includes('TOKEN123'), remote);
    }
  });

  describe("in a repository another user owns (git's dubious ownership, as in CI containers)", () => {
    /** A committed project whose files belong to another uid (as root), or that git is told to see so. */
    const foreign = async (): Promise<{ dir: string; sha: string; env: Record<string, string> }> => {
      const { dir } = await fresh();
      git(dir, 'init', '-q');
      git(dir, 'add', '-A');
      git(dir, 'commit', '-qm', 'init');
      const sha = git(dir, 'rev-parse', '--short=12', 'HEAD');
      if (process.getuid?.() === 0) {
        const own = (path: string): void => {
          chownSync(path, 65534, 65534);
          for (const entry of readdirSync(path, { withFileTypes: true })) {
            if (entry.isDirectory()) own(join(path, entry.name));
            else chownSync(join(path, entry.name), 65534, 65534);
          }
        };
        own(dir);
        return { dir, sha, env: {} };
      }
      // Not root: git's own switch for testing this check.
      return { dir, sha, env: { GIT_TEST_ASSUME_DIFFERENT_OWNER: '1' } };
    };

    it('git itself refuses the repository there (the situation is real)', async () => {
      const { dir, env } = await foreign();
      const status = spawnSync('git', ['status'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
      assert.notEqual(status.status, 0);
      assert.match(status.stderr, /dubious ownership/);
    });

    it('a clean tree still tags the commit and latest', async () => {
      const { dir, sha, env } = await foreign();
      const run = runBuild(dir, [], env);
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(values(run.calls[0] ?? [], '--tag'), [`acme/shop:${sha}`, 'acme/shop:latest']);
      assert.doesNotMatch(run.stderr, /not in a git repository/);
    });

    it('a dirty tree tags <commit>-dirty and never moves latest', async () => {
      const { dir, sha, env } = await foreign();
      writeFileSync(join(dir, 'app.py'), 'print("changed")\n');
      const run = runBuild(dir, [], env);
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(values(run.calls[0] ?? [], '--tag'), [`acme/shop:${sha}-dirty`]);
    });
  });

  it('--push pushes every tag it made', async () => {
    const { dir } = await fresh();
    const run = runBuild(dir, ['--push']);
    assert.equal(run.status, 0, run.stderr);
    const tags = values(run.calls[0] ?? [], '--tag');
    const pushes = run.calls.slice(1).map((call) => call.slice(1));
    assert.deepEqual(
      pushes,
      tags.map((tag) => ['push', tag]),
    );
  });

  it('--platform builds through buildx and loads one platform locally', async () => {
    const { dir } = await fresh();
    const run = runBuild(dir, ['--platform', 'linux/arm64']);
    assert.equal(run.status, 0, run.stderr);
    const [call = []] = run.calls;
    assert.deepEqual(call.slice(1, 3), ['buildx', 'build']);
    assert.deepEqual(values(call, '--platform'), ['linux/arm64']);
    assert.ok(call.includes('--load'));
  });

  it('several platforms need --push, and then push through buildx', async () => {
    const { dir } = await fresh();
    const refused = runBuild(dir, ['--platform=linux/amd64,linux/arm64']);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /add --push/);
    assert.equal(refused.calls.length, 0);
    const pushed = runBuild(dir, ['--platform=linux/amd64,linux/arm64', '--push']);
    assert.equal(pushed.status, 0, pushed.stderr);
    assert.ok(pushed.calls[0]?.includes('--push'));
  });

  it('--help explains the tags and options; an unknown option exits 2', async () => {
    const { dir } = await fresh();
    const help = runBuild(dir, ['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: \.\/build\.sh \[--push\] \[--platform LIST\] \[--netrc FILE\] \[--help\]/);
    assert.match(help.stdout, /-dirty/);
    assert.equal(help.calls.length, 0);
    const unknown = runBuild(dir, ['--bogus']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown option: --bogus/);
  });

  it('IMAGE overrides the image name', async () => {
    const { dir } = await fresh();
    const run = runBuild(dir, [], { IMAGE: 'other/name' });
    assert.ok(values(run.calls[0] ?? [], '--tag').every((tag) => tag.startsWith('other/name:')));
  });

  it('runs from any folder: it builds the folder it lives in', async () => {
    const { dir } = await fresh();
    const elsewhere = mkdtempSync(join(tmpdir(), 'elsewhere-'));
    mkdirSync(join(elsewhere, 'x'));
    const docker = fakeDocker();
    const result = spawnSync(join(dir, 'build.sh'), [], {
      cwd: join(elsewhere, 'x'),
      encoding: 'utf8',
      env: buildEnv(docker),
    });
    assert.equal(result.status, 0, result.stderr);
  });
});
