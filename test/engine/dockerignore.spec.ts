/**
 * The generated .dockerignore on a real engine: a probe project holding secrets and clutter at the top and in
 * subfolders, plus what a build needs, is sent to BuildKit as the context of a probe Dockerfile
 * (`FROM scratch`, `COPY . /ctx`) whose result is exported to a folder. The files listed there are exactly
 * what reached the engine: every needed file, and no secret.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { BIN, docker, must } from '../../tools/engine/commands.js';
import { requireEngine } from '../../tools/engine/engine.js';
import { CLUTTER, NEEDED, SECRETS } from '../support/context-files.js';

/** Every file below `dir`, relative, sorted. */
const listFiles = (dir: string, root = dir): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? listFiles(join(dir, entry.name), root) : [relative(root, join(dir, entry.name))],
    )
    .sort();

describe('engine: what the generated .dockerignore lets into the build context', function () {
  this.timeout(5 * 60_000);
  let work = '';
  let arrived: string[] = [];

  before(async function () {
    await requireEngine(this);
    work = mkdtempSync(join(tmpdir(), 'docker-best-context-'));
    const project = join(work, 'probe');
    for (const file of [...SECRETS, ...CLUTTER, ...NEEDED]) {
      mkdirSync(dirname(join(project, file)), { recursive: true });
      writeFileSync(join(project, file), `${file}: do-not-ship\n`);
    }
    await must('docker-best dockerignore', process.execPath, [BIN, 'dockerignore', '--defaults'], { cwd: project });
    // The probe's own Dockerfile lives outside the context, so that nothing but the project is in it.
    const probe = join(work, 'probe.Dockerfile');
    writeFileSync(probe, 'FROM scratch\nCOPY . /ctx\n');
    const out = join(work, 'out');
    const built = await docker(['build', '--file', probe, '--output', `type=local,dest=${out}`, project], {
      env: { DOCKER_BUILDKIT: '1' },
    });
    assert.equal(built.code, 0, built.output);
    arrived = listFiles(join(out, 'ctx'));
  });

  after(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('no secret reaches the engine, in any folder', () => {
    assert.deepEqual(
      arrived.filter((file) => (SECRETS as readonly string[]).includes(file)),
      [],
    );
  });

  it('exactly what the build needs gets in: manifests, lock files, source, data, notebooks, README and LICENSE', () => {
    assert.deepEqual(arrived, [...NEEDED].sort());
  });
});
