/**
 * The transactional commit (src/commit.ts) alone: a failure at any file-system call it makes leaves the
 * folder byte for byte as it was (contents, modes, no extra files or folders), or, when the failure did not
 * matter, exactly as a complete write makes it. Never half of each.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FS_OPS, writeAll, type CommitOps, type FileChange } from '../src/commit.js';
import { isUserError } from '../src/errors.js';
import { snapshot } from './support/snapshot.js';

/** FS_OPS with a failure (`code`) at call number `failAt` (counting every call), and the number of calls made. */
const failing = (failAt: number, code: string): { ops: CommitOps; calls: () => number } => {
  let count = 0;
  const wrap =
    <A extends unknown[]>(call: (...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      count += 1;
      if (count === failAt) throw Object.assign(new Error(`${code}: injected`), { code });
      await call(...args);
    };
  const ops: CommitOps = {
    writeNew: wrap(FS_OPS.writeNew),
    chown: wrap(FS_OPS.chown),
    link: wrap(FS_OPS.link),
    rename: wrap(FS_OPS.rename),
    unlink: wrap(FS_OPS.unlink),
    mkdir: wrap(FS_OPS.mkdir),
    rmdir: wrap(FS_OPS.rmdir),
  };
  return { ops, calls: () => count };
};

/** A project with two files of the user's, one executable, and the changes a run would make. */
const setUp = (): { dir: string; changes: FileChange[] } => {
  const dir = mkdtempSync(join(tmpdir(), 'docker-best-commit-'));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM old\n');
  writeFileSync(join(dir, 'build.sh'), '#!/bin/sh\necho old\n');
  chmodSync(join(dir, 'build.sh'), 0o700);
  mkdirSync(join(dir, 'keep'));
  const changes: FileChange[] = [
    { path: join(dir, 'Dockerfile'), contents: Buffer.from('FROM new\n') },
    { path: join(dir, 'build.sh'), contents: Buffer.from('#!/bin/sh\necho new\n'), mode: 0o755 },
    { path: join(dir, 'compose.yaml'), contents: Buffer.from('services: {}\n') },
    { path: join(dir, 'deploy', 'ci', 'docker.yml'), contents: Buffer.from('on: push\n') },
  ];
  return { dir, changes };
};

describe('the transactional commit', () => {
  it('writes every file with its mode, and keeps the mode of a file that asks for none', async () => {
    const { dir, changes } = setUp();
    chmodSync(join(dir, 'Dockerfile'), 0o640);
    await writeAll(dir, changes);
    const after = snapshot(dir);
    assert.match(after['/Dockerfile'] ?? '', /^33184:/, 'Dockerfile keeps 0640');
    assert.match(after['/build.sh'] ?? '', /^33261:/, 'build.sh is 0755');
    assert.deepEqual(Object.keys(after).sort(), [
      '/Dockerfile',
      '/build.sh',
      '/compose.yaml',
      '/deploy',
      '/deploy/ci',
      '/deploy/ci/docker.yml',
      '/keep',
    ]);
  });

  for (const code of ['ENOSPC', 'EACCES', 'EIO']) {
    it(`${code} at any call: all or nothing, and one line when nothing`, async () => {
      const complete = setUp();
      await writeAll(complete.dir, complete.changes);
      const written = (dir: string): Record<string, string> =>
        Object.fromEntries(
          Object.entries(snapshot(dir)).map(([path, state]) => [path, state.replace(/:[\d.]+:/, ':')]),
        );
      const expected = written(complete.dir);
      const counter = failing(0, code);
      const { dir: countDir, changes: countChanges } = setUp();
      await writeAll(countDir, countChanges, counter.ops);
      const total = counter.calls();
      assert.ok(total >= 8, `the commit makes ${total} calls`);
      for (let failAt = 1; failAt <= total; failAt += 1) {
        const { dir, changes } = setUp();
        const before = snapshot(dir);
        let error: unknown;
        let leftovers: string[] = [];
        try {
          leftovers = await writeAll(dir, changes, failing(failAt, code).ops);
        } catch (caught) {
          error = caught;
        }
        if (error === undefined) {
          // Removing the old version's second name failed after the swap: complete, and that name is reported.
          assert.equal(leftovers.length, 1, `call ${failAt}: one leftover reported`);
          const left = written(dir);
          for (const leftover of leftovers) delete left[leftover.slice(dir.length)];
          assert.deepEqual(left, expected, `call ${failAt}: complete`);
        } else {
          assert.ok(isUserError(error), `call ${failAt}: ${error instanceof Error ? error.message : 'not an Error'}`);
          assert.match(error.message, new RegExp(`\\(${code}\\); nothing was written: every file is as it was$`));
          assert.equal(error.message.split('\n').length, 1);
          assert.deepEqual(snapshot(dir), before, `call ${failAt}: the folder is as it was`);
        }
      }
    });
  }
});
