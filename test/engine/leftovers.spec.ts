/**
 * What a killed test run leaves on the engine (its containers come back with the daemon and hold their
 * ports: the CI run of 2026-11-29 failed on one) is removed when the harness starts a daemon: the
 * containers, networks and volumes of test projects (dbt<10 hex>), and nothing of anyone else. Checked on the
 * running engine through `ensure-engine.sh --remove-leftovers` with a project name of this test's own, so no
 * other run sharing the engine is touched. DOCKER_BEST_SKIP_ENGINE=1 skips this explicitly.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYTHON, pythonImage } from '../../src/catalogue.js';
import { SCRIPTS, docker, must, run } from '../../tools/engine/commands.js';
import { requireEngine } from '../../tools/engine/engine.js';

describe('engine: what a killed test run left behind', function () {
  this.timeout(5 * 60_000);
  const leftover = `dbt${randomBytes(5).toString('hex')}`;
  const bystander = `keep${randomBytes(5).toString('hex')}`;
  const image = (): string => {
    const [line] = Object.values(PYTHON);
    if (line === undefined) throw new Error('the catalogue has no Python line');
    return pythonImage('debian', line.version, line.debian[0] ?? '');
  };
  /** A stopped container of a compose project, with its network and volume, as compose names them. */
  const makeProject = async (project: string): Promise<void> => {
    await must('docker network create', 'docker', ['network', 'create', `${project}_default`]);
    await must('docker volume create', 'docker', ['volume', 'create', `${project}_data`]);
    await must('docker create', 'docker', [
      'create',
      '--name',
      `${project}_app_1`,
      '--label',
      `com.docker.compose.project=${project}`,
      '--restart',
      'unless-stopped',
      '--network',
      `${project}_default`,
      '-v',
      `${project}_data:/data`,
      image(),
      'true',
    ]);
  };
  const exists = async (kind: 'container' | 'network' | 'volume', name: string): Promise<boolean> =>
    (await docker([kind, 'inspect', name])).code === 0;

  before(async function () {
    await requireEngine(this);
    await makeProject(leftover);
    await makeProject(bystander);
  });

  after(async function () {
    for (const project of [leftover, bystander]) {
      await docker(['rm', '-f', `${project}_app_1`]);
      await docker(['network', 'rm', `${project}_default`]);
      await docker(['volume', 'rm', `${project}_data`]);
    }
  });

  it("removes a test project's container, network and volume, and leaves another project's alone", async () => {
    const removed = await run('bash', [join(SCRIPTS, 'ensure-engine.sh'), '--remove-leftovers', leftover]);
    assert.equal(removed.code, 0, removed.output);
    assert.match(removed.stderr, /removing 1 container\(s\) left by an earlier test run/);
    assert.equal(await exists('container', `${leftover}_app_1`), false);
    assert.equal(await exists('network', `${leftover}_default`), false);
    assert.equal(await exists('volume', `${leftover}_data`), false);
    assert.equal(await exists('container', `${bystander}_app_1`), true);
    assert.equal(await exists('network', `${bystander}_default`), true);
    assert.equal(await exists('volume', `${bystander}_data`), true);
  });

  it('the pattern a daemon start uses matches test projects only', () => {
    const pattern =
      /^LEFTOVER_PROJECTS='(.*)'$/m.exec(readFileSync(join(SCRIPTS, 'ensure-engine.sh'), 'utf8'))?.[1] ?? '';
    const matches = new RegExp(`^${pattern}$`);
    assert.ok(matches.test(leftover), pattern);
    assert.ok(!matches.test(bystander) && !matches.test('myapp') && !matches.test('dbtshop'), pattern);
  });
});
