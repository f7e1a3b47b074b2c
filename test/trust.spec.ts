/**
 * Team templates are code (EJS runs JavaScript) and presets bring templates: ones that only a project's
 * .yo-rc.json names came with the project (a clone) and are not run until the user has passed them once on
 * the command line, with the same contents.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/docker-best.js', import.meta.url));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A machine of one's own: a trust file of this test only. */
const machine = (): ((cwd: string, ...args: string[]) => Run) => {
  const trust = join(mkdtempSync(join(tmpdir(), 'docker-best-trust-')), 'trusted.json');
  return (cwd, ...args) => {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      cwd,
      encoding: 'utf8',
      input: '',
      timeout: 60_000,
      env: { ...process.env, DOCKER_BEST_TRUST_FILE: trust },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
};

/** A template that shows it ran: it writes a marker to stderr when rendered. */
const NOISY = "<%_ process.stderr.write('TEMPLATE CODE RAN\\n') _%>\n";

/**
 * A repository as it is cloned: a script, a team template folder of its own, and a .yo-rc.json that names it
 * (and, with `preset`, a preset file too).
 */
const cloned = (options: { preset?: boolean } = {}): string => {
  const dir = mkdtempSync(join(tmpdir(), 'docker-best-cloned-'));
  writeFileSync(join(dir, 'app.py'), 'print(1)\n');
  mkdirSync(join(dir, 'team'));
  const builtIn = fileURLToPath(new URL('../../templates/compose.yaml.ejs', import.meta.url));
  writeFileSync(join(dir, 'team', 'compose.yaml.ejs'), NOISY + readFileSync(builtIn, 'utf8'));
  const stored: Record<string, string> = options.preset ? { preset: 'team.json' } : { templates: 'team' };
  if (options.preset) writeFileSync(join(dir, 'team.json'), JSON.stringify({ uid: '20000', templates: 'team' }));
  writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ 'generator-docker-best': stored }, null, 2));
  return dir;
};

describe('team templates and presets a project names: trusted once, by the user', function () {
  this.timeout(60_000);

  it('templates that only the cloned .yo-rc.json names are not run: one line, nothing written', () => {
    const run = machine();
    const dir = cloned();
    const before = readdirSync(dir).sort();
    const result = run(dir, '--defaults');
    assert.equal(result.status, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /TEMPLATE CODE RAN/);
    assert.match(
      result.stderr,
      /^docker-best: \.yo-rc\.json names the team templates 'team' \(.*\/team\), which you have not passed on the command line: templates run code \(EJS is JavaScript\) and these came with the project; look at them, then pass --templates 'team' once to trust them\n$/,
    );
    assert.deepEqual(readdirSync(dir).sort(), before);
  });

  it('a preset that only the cloned .yo-rc.json names is not used either', () => {
    const run = machine();
    const dir = cloned({ preset: true });
    const result = run(dir, '--defaults');
    assert.equal(result.status, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /TEMPLATE CODE RAN/);
    assert.match(result.stderr, /names the team preset 'team\.json' .* pass --preset 'team\.json' once to trust them/);
  });

  it('passed once on the command line, they are used on later runs without it, announced', () => {
    const run = machine();
    const dir = cloned();
    const first = run(dir, '--defaults', '--templates', 'team');
    assert.equal(first.status, 0, first.stderr);
    const again = run(dir, '--defaults', '--port', '9000');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout + again.stderr, /using the team templates .*\/team, named in \.yo-rc\.json \(trusted/);
    assert.match(readFileSync(join(dir, 'compose.yaml'), 'utf8'), /9000/);
  });

  it('the same pack in another clone is trusted too: trust follows the contents', () => {
    const run = machine();
    const dir = cloned();
    assert.equal(run(dir, '--defaults', '--templates', 'team').status, 0);
    const other = mkdtempSync(join(tmpdir(), 'docker-best-other-clone-'));
    cpSync(dir, other, { recursive: true });
    const result = run(other, '--defaults', '--port', '9000');
    assert.equal(result.status, 0, result.stderr);
  });

  it('templates changed after they were trusted (a pull) are refused again, saying they changed', () => {
    const run = machine();
    const dir = cloned();
    assert.equal(run(dir, '--defaults', '--templates', 'team').status, 0);
    writeFileSync(join(dir, 'team', 'Dockerfile.ejs'), NOISY);
    const result = run(dir, '--defaults');
    assert.equal(result.status, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /TEMPLATE CODE RAN/);
    assert.match(result.stderr, /which changed since you last passed it/);
  });

  it('a trusted preset brings its templates along', () => {
    const run = machine();
    const dir = cloned({ preset: true });
    assert.equal(run(dir, '--defaults', '--preset', 'team.json').status, 0);
    const again = run(dir, '--defaults', '--port', '9000');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /TEMPLATE CODE RAN/);
  });
});
