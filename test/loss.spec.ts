/**
 * Nothing lost: a run that fails, for whatever reason, leaves the folder exactly as it was (every file,
 * its contents, mode and modification time), and a folder nobody may write to gives one clear line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './support/generate.js';
import { snapshot } from './support/snapshot.js';

const BIN = fileURLToPath(new URL('../bin/docker-best.js', import.meta.url));

const bin = (cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', input: '', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

/** stderr is one line of the bin's, no stack trace; returns it. */
const oneLine = (stderr: string): string => {
  assert.equal(stderr.trim().split('\n').length, 1, stderr);
  assert.doesNotMatch(stderr, /\n\s+at /);
  return stderr.trim();
};

/** A folder outside the project, with a file standing for one of the user's own (~/.docker/config.json). */
const elsewhere = (): { dir: string; file: string; text: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'docker-best-elsewhere-'));
  const file = join(dir, 'config.json');
  const text = '{ "auths": { "registry.example": { "auth": "c2VjcmV0" } } }\n';
  writeFileSync(file, text);
  return { dir, file, text };
};

const newProject = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'docker-best-project-'));
  writeFileSync(join(dir, 'app.py'), 'print(1)\n');
  return dir;
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

  describe('symbolic links', () => {
    it('a dangling build.sh link to a path outside the project is refused in one line; nothing is created there', () => {
      const dir = newProject();
      const outside = join(elsewhere().dir, 'build.sh');
      symlinkSync(outside, join(dir, 'build.sh'));
      const before = snapshot(dir);
      const run = bin(dir, '--defaults');
      assert.equal(run.status, 1, run.stderr);
      assert.equal(
        oneLine(run.stderr),
        `docker-best: build.sh leads out of the project through a symbolic link, to ${outside}: nothing was written; remove the link (or point it inside the project) and run again`,
      );
      assert.ok(!existsSync(outside), 'nothing was created outside the project');
      assert.deepEqual(snapshot(dir), before);
    });

    it('a .yo-rc.json that links to a file of the user (~/.docker/config.json) is neither read nor written', () => {
      const dir = newProject();
      const { file, text } = elsewhere();
      symlinkSync(file, join(dir, '.yo-rc.json'));
      const before = snapshot(dir);
      const run = bin(dir, '--defaults');
      assert.equal(run.status, 1, run.stderr);
      assert.match(
        oneLine(run.stderr),
        /^docker-best: \.yo-rc\.json leads out of the project through a symbolic link, to /,
      );
      assert.equal(readFileSync(file, 'utf8'), text);
      assert.deepEqual(snapshot(dir), before);
    });

    it('--force does not write through a Dockerfile link to a file outside the project', () => {
      const dir = newProject();
      assert.equal(bin(dir, '--defaults').status, 0);
      const { file, text } = elsewhere();
      rmSync(join(dir, 'Dockerfile'));
      symlinkSync(file, join(dir, 'Dockerfile'));
      const before = snapshot(dir);
      const run = bin(dir, '--force', '--port', '9000');
      assert.equal(run.status, 1, run.stderr);
      assert.match(oneLine(run.stderr), /^docker-best: Dockerfile leads out of the project through a symbolic link/);
      assert.equal(readFileSync(file, 'utf8'), text);
      assert.deepEqual(snapshot(dir), before);
    });

    it('a folder link out of the project is refused as well', () => {
      const dir = newProject();
      const outside = elsewhere().dir;
      symlinkSync(outside, join(dir, 'pack'));
      const run = bin(dir, 'team', 'pack', '--defaults');
      assert.equal(run.status, 1, run.stderr);
      assert.match(oneLine(run.stderr), /^docker-best: pack\/.* leads out of the project through a symbolic link/);
      assert.deepEqual(readdirSync(outside), ['config.json']);
    });

    it('links that loop are refused in one line, nothing written', () => {
      const loops: [string, string][] = [
        ['Dockerfile', 'Dockerfile'],
        ['build.sh', 'compose.yaml'],
      ];
      for (const [name, to] of loops) {
        const dir = newProject();
        symlinkSync(to, join(dir, name));
        if (to !== name) symlinkSync(name, join(dir, to));
        const before = snapshot(dir);
        const run = bin(dir, '--defaults');
        assert.equal(run.status, 1, run.stderr);
        assert.match(
          oneLine(run.stderr),
          /^docker-best: \S+ cannot be followed to a file: symbolic links that loop \(ELOOP\); nothing was written: fix or remove the link$/,
        );
        assert.deepEqual(snapshot(dir), before);
      }
    });

    it('a link inside the project is followed: the file it leads to is written, the link stays', () => {
      const dir = newProject();
      mkdirSync(join(dir, 'docker'));
      symlinkSync('docker/Dockerfile', join(dir, 'Dockerfile'));
      const run = bin(dir, '--defaults');
      assert.equal(run.status, 0, run.stderr);
      assert.equal(readlinkSync(join(dir, 'Dockerfile')), 'docker/Dockerfile');
      assert.match(readFileSync(join(dir, 'docker', 'Dockerfile'), 'utf8'), /^# syntax=/);
    });
  });

  describe('stored state that is not what Yeoman expects', () => {
    const cases: [string, (dir: string) => void, RegExp][] = [
      [
        'invalid JSON',
        (dir) => writeFileSync(join(dir, '.yo-rc.json'), '{ "generator-docker-best": { "port": "8000", } }\n'),
        /^docker-best: \.yo-rc\.json is not valid JSON \(.*\): fix it, or remove it to have the answers detected and asked again$/,
      ],
      [
        'an object where an answer goes',
        (dir) => writeFileSync(join(dir, '.yo-rc.json'), '{ "generator-docker-best": { "port": { "http": 8000 } } }\n'),
        /^docker-best: "port" in \.yo-rc\.json '\{\\"http\\":8000\}' is an object; an answer is text, as typed for --port: fix it, or remove the key/,
      ],
      [
        'a list of objects',
        (dir) =>
          writeFileSync(
            join(dir, '.yo-rc.json'),
            '{ "generator-docker-best": { "volumes": [{ "path": "/data" }] } }\n',
          ),
        /^docker-best: "volumes" in \.yo-rc\.json .* is a list; an answer is text/,
      ],
      [
        'a misspelt key',
        (dir) => writeFileSync(join(dir, '.yo-rc.json'), '{ "generator-docker-best": { "prot": "8000" } }\n'),
        /^docker-best: "prot" in \.yo-rc\.json '\\"8000\\"' is not a key docker-best knows/,
      ],
      [
        'a list at the top',
        (dir) => writeFileSync(join(dir, '.yo-rc.json'), '[]\n'),
        /^docker-best: \.yo-rc\.json must hold a JSON object/,
      ],
      [
        'a folder',
        (dir) => mkdirSync(join(dir, '.yo-rc.json')),
        /^docker-best: \.yo-rc\.json in .* is a folder: remove it/,
      ],
    ];
    for (const [what, make, message] of cases) {
      it(`.yo-rc.json with ${what}: one line naming the file and what to do, nothing written`, () => {
        const dir = newProject();
        make(dir);
        const before = snapshot(dir);
        const run = bin(dir, '--defaults');
        assert.equal(run.status, 1, run.stderr);
        assert.match(oneLine(run.stderr), message);
        assert.deepEqual(snapshot(dir), before);
      });
    }
  });

  describe('a full disk', function () {
    this.timeout(120_000);

    /**
     * Run the bin in a copy of `project` on a tmpfs that is full, in a mount namespace of its own (unshare), and
     * copy back what the folder holds after the run. The fill file is removed before the copy.
     */
    const onFullDisk = (project: string, args: string[]): { status: number; stderr: string; after: string } => {
      const work = mkdtempSync(join(tmpdir(), 'docker-best-full-'));
      const mountpoint = join(work, 'disk');
      const after = join(work, 'after');
      mkdirSync(mountpoint);
      mkdirSync(after);
      const name = basename(project);
      const script = [
        'set -eu',
        'mount -t tmpfs -o size=1m tmpfs "$DISK"',
        'cp -a "$PROJECT" "$DISK/$NAME"',
        'cd "$DISK/$NAME"',
        'dd if=/dev/zero of="$DISK/fill" bs=4k >/dev/null 2>&1 || true',
        'set +e',
        '"$NODE" "$BIN" "$@" </dev/null 2>"$WORK/stderr" >/dev/null; echo $? >"$WORK/status"',
        'rm -f "$DISK/fill"',
        'cp -a "$DISK/$NAME/." "$AFTER/"',
      ].join('\n');
      const unshare = process.getuid?.() === 0 ? ['-m'] : ['-r', '-m'];
      const result = spawnSync('unshare', [...unshare, 'bash', '-c', script, 'full-disk', ...args], {
        encoding: 'utf8',
        env: {
          ...process.env,
          DISK: mountpoint,
          PROJECT: project,
          NAME: name,
          NODE: process.execPath,
          BIN,
          WORK: work,
          AFTER: after,
        },
      });
      assert.equal(result.status, 0, `the full-disk set-up failed: ${result.stderr}`);
      return {
        status: Number(readFileSync(join(work, 'status'), 'utf8')),
        stderr: readFileSync(join(work, 'stderr'), 'utf8'),
        after,
      };
    };

    it('a re-run that changes every file leaves every file as it was, with one line', () => {
      const dir = newProject();
      assert.equal(bin(dir, '--defaults', '--port', '8000').status, 0);
      const copy = join(mkdtempSync(join(tmpdir(), 'docker-best-before-')), basename(dir));
      cpSync(dir, copy, { recursive: true, preserveTimestamps: true });
      const before = snapshot(copy);
      const run = onFullDisk(copy, ['--port', '9000', '--name', 'other']);
      assert.equal(run.status, 1, run.stderr);
      assert.match(
        oneLine(run.stderr),
        /^docker-best: could not write .*: no space left on the device \(ENOSPC\); nothing was written: every file is as it was$/,
      );
      assert.deepEqual(snapshot(run.after), before);
    });

    it('a first run writes nothing at all, with one line', () => {
      const dir = newProject();
      const before = snapshot(dir);
      const run = onFullDisk(dir, ['--defaults']);
      assert.equal(run.status, 1, run.stderr);
      assert.match(oneLine(run.stderr), /\(ENOSPC\); nothing was written: every file is as it was$/);
      assert.deepEqual(snapshot(run.after), before);
    });
  });
});
