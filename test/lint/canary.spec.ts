/**
 * The lint suite can fail: each linter, run the way the matrix runs it, reports a defect planted in a copy of
 * generated files, on the right line; the suppression markers are honoured, counted and need a reason. Without
 * this, a tool that silently does nothing (dockerlinter without shellcheck on PATH, say) would pass everything.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../support/generate.js';
import {
  composeSchema,
  dclint,
  dockerfileUtils,
  dockerlinter,
  findSuppressions,
  REPO_ROOT,
  ensureTools,
  INSTALL_TIMEOUT,
  requireTools,
  runScripts,
  shellcheckRuns,
  shellcheckScript,
  suppressionFindings,
  type Finding,
} from '../support/linters.js';

/** Rules found, as `rule@line`. */
const hits = (findings: readonly Finding[]): string[] => findings.map((finding) => `${finding.rule}@${finding.line}`);

describe('lint suite canaries: each linter reports a planted defect', function () {
  this.timeout(60_000);
  let base = '';
  let dir = '';

  before(async function () {
    this.timeout(INSTALL_TIMEOUT);
    await ensureTools();
    const generated = await generate({
      options: {
        defaults: true,
        stack: 'python-debian',
        name: 'canary',
        port: '8000',
        volumes: '/home/app/data,/srv/cache',
        env: 'APP_MODE=prod',
      },
    });
    base = mkdtempSync(join(tmpdir(), 'docker-best-canary-'));
    cpSync(generated.dir, base, { recursive: true });
    generated.result.restore();
    rmSync(generated.dir, { recursive: true, force: true });
  });

  after(() => rmSync(base, { recursive: true, force: true }));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'docker-best-canary-'));
    cpSync(base, dir, { recursive: true });
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Append lines to a generated file; returns the 1-based line number of the first one. */
  const append = (file: string, ...lines: string[]): number => {
    const text = readFileSync(join(dir, file), 'utf8');
    writeFileSync(join(dir, file), `${text}${lines.join('\n')}\n`);
    return text.split('\n').length;
  };

  const insertAfter = (file: string, match: RegExp, line: string): number => {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    const index = lines.findIndex((text) => match.test(text));
    assert.ok(index >= 0, `${file} has a line matching ${String(match)}`);
    lines.splice(index + 1, 0, line);
    writeFileSync(join(dir, file), lines.join('\n'));
    return index + 2;
  };

  it('starts from generated files every linter passes', async () => {
    assert.deepEqual(await dockerlinter(dir), []);
    assert.deepEqual(await shellcheckRuns(dir), []);
    assert.deepEqual(dockerfileUtils(dir), []);
    assert.deepEqual(composeSchema(dir), []);
    assert.deepEqual(dclint(dir), []);
    assert.deepEqual(await shellcheckScript(dir), []);
  });

  it('dockerlinter reports its own rules and shellcheck findings in RUN lines', async () => {
    const line = append('Dockerfile', 'RUN cd /tmp', 'RUN apt-get install -y curl');
    const found = hits(await dockerlinter(dir));
    assert.ok(found.includes(`ER0003@${line}`), found.join(' '));
    assert.ok(found.includes(`SC2164@${line}`), `shellcheck ran on the RUN lines: ${found.join(' ')}`);
    assert.ok(found.includes(`ER0012@${line + 1}`), found.join(' '));
  });

  it("drops exactly dockerlinter's SC2215 on RUN's own --mount flags, and keeps a real SC2215", async () => {
    // dockerlinter passes `--mount=...` to shellcheck as if it were the command: SC2215 on that RUN only.
    const mounted = append('Dockerfile', 'RUN --mount=type=cache,target=/root/.cache/pip cd /tmp');
    const found = hits(await dockerlinter(dir));
    assert.ok(!found.includes(`SC2215@${mounted}`), found.join(' '));
    // The command after the flags is checked by shellcheck on the RUN lines, which leaves RUN's flags out.
    assert.deepEqual(hits(await shellcheckRuns(dir)), [`SC2164@${mounted}`]);
    // A flag used as a command name in the script itself is still a finding.
    const real = append('Dockerfile', 'RUN --version');
    assert.ok(hits(await dockerlinter(dir)).includes(`SC2215@${real}`));
  });

  it('shellcheck reports RUN lines on their own Dockerfile line, continuation lines included', async () => {
    const line = append('Dockerfile', 'RUN echo start \\', '  # a comment the builder drops', ' && cd /tmp');
    assert.deepEqual(hits(await shellcheckRuns(dir)), [`SC2164@${line + 2}`]);
  });

  it('checks RUN lines in the dialect of their shell', async () => {
    const line = append(
      'Dockerfile',
      'RUN [[ -n "$HOME" ]]',
      'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
      'RUN [[ -n "$HOME" ]]',
    );
    assert.deepEqual(hits(await shellcheckRuns(dir)), [`SC3010@${line}`]);
    assert.deepEqual(
      runScripts(readFileSync(join(dir, 'Dockerfile'), 'utf8'))
        .map((script) => script.shell)
        .slice(-2),
      ['/bin/sh', '/bin/bash'],
    );
    // dockerlinter takes one dialect per file: mixed shells are reported, not guessed.
    assert.deepEqual(hits(await dockerlinter(dir)), ['tool-error@0']);
  });

  it('dockerfile-utils reports what it validates', () => {
    const line = append('Dockerfile', 'run echo hello', 'WORKDIR relative');
    assert.deepEqual(hits(dockerfileUtils(dir)).sort(), [
      `CASING_INSTRUCTION@${line}`,
      `WORKDIR_IS_NOT_ABSOLUTE@${line + 1}`,
    ]);
  });

  it('the Compose Specification schema reports an unknown key on its line', () => {
    const line = insertAfter('compose.yaml', /^\s+read_only: true$/, '    read_only_root: true');
    assert.deepEqual(hits(composeSchema(dir)), [`additionalProperties@${line}`]);
  });

  it('dclint reports its rules; the one .dclintrc.yaml turns off stays off', () => {
    writeFileSync(join(dir, 'compose.yaml'), `version: "3.8"\n${readFileSync(join(dir, 'compose.yaml'), 'utf8')}`);
    const line = insertAfter('compose.yaml', /^\s+ports:$/, '      - 127.0.0.1:7000:7000');
    const found = hits(dclint(dir));
    assert.ok(found.includes('no-version-field@1'), found.join(' '));
    assert.ok(found.includes(`require-quotes-in-ports@${line}`), found.join(' '));
    assert.ok(!found.some((hit) => hit.startsWith('require-project-name-field')), found.join(' '));
  });

  it('shellcheck reports build.sh findings at every severity', async () => {
    const line = append('build.sh', 'echo $1', 'x=1');
    const found = hits(await shellcheckScript(dir));
    assert.ok(found.includes(`SC2086@${line}`), `info: ${found.join(' ')}`);
    assert.ok(found.includes(`SC2034@${line + 1}`), `warning: ${found.join(' ')}`);
  });

  it('honours a dockerlinter ignore with a reason, counts it, and flags one without a reason', async () => {
    append('Dockerfile', '# linter ignore=SC2164,ER0003 canary: the folder always exists', 'RUN cd /tmp');
    assert.deepEqual(await dockerlinter(dir), []);
    assert.deepEqual(await shellcheckRuns(dir), []);
    assert.deepEqual(suppressionFindings(dir), []);
    const [suppression, ...more] = findSuppressions(dir);
    assert.deepEqual(more, []);
    assert.deepEqual(suppression?.rules, ['SC2164', 'ER0003']);
    assert.equal(suppression?.reason, 'canary: the folder always exists');

    const line = append('Dockerfile', '# linter ignore=SC2164', 'RUN cd /srv');
    assert.deepEqual(hits(suppressionFindings(dir)), [`suppression-without-reason@${line}`]);
  });

  it('counts shellcheck and dclint suppressions and wants their reasons', async () => {
    append('build.sh', '# shellcheck disable=SC2086 # canary: word splitting wanted here', 'echo $1');
    assert.deepEqual(await shellcheckScript(dir), []);
    insertAfter(
      'compose.yaml',
      /^\s+ports:$/,
      '      - 127.0.0.1:7000:7000 # dclint disable-line require-quotes-in-ports',
    );
    assert.deepEqual(dclint(dir), []);
    assert.deepEqual(
      findSuppressions(dir).map((s) => `${s.file} ${s.tool} ${s.rules.join(',')} ${s.reason}`),
      ['build.sh shellcheck SC2086 canary: word splitting wanted here', 'compose.yaml dclint require-quotes-in-ports '],
    );
    assert.deepEqual(hits(suppressionFindings(dir)), [
      `suppression-without-reason@${findSuppressions(dir)[1]?.line ?? 0}`,
    ]);
    // dclint reads every word after disable-line as a rule: the reason follows `--`.
    const compose = readFileSync(join(dir, 'compose.yaml'), 'utf8');
    writeFileSync(
      join(dir, 'compose.yaml'),
      compose.replace('require-quotes-in-ports', 'require-quotes-in-ports -- canary: quoted by the next tool'),
    );
    assert.deepEqual(dclint(dir), []);
    assert.deepEqual(suppressionFindings(dir), []);
    assert.deepEqual(
      findSuppressions(dir).map((s) => `${s.rules.join(',')}: ${s.reason}`)[1],
      'require-quotes-in-ports: canary: quoted by the next tool',
    );
  });

  it('fails, not passes, when shellcheck is missing', async () => {
    append('Dockerfile', 'RUN cd /tmp');
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      assert.ok(hits(await dockerlinter(dir)).includes('tool-error@0'));
      assert.deepEqual(hits(await shellcheckRuns(dir)), ['tool-error@0']);
      assert.deepEqual(hits(await shellcheckScript(dir)), ['tool-error@0']);
      await assert.rejects(requireTools(), /shellcheck is not installed/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('keeps scripts/install-lint-tools.sh shellcheck-clean', async () => {
    assert.deepEqual(await shellcheckScript(join(REPO_ROOT, 'scripts'), 'install-lint-tools.sh'), []);
  });
});
