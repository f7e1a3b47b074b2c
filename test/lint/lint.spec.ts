/**
 * Issue #3: every combination the generator can produce passes the external linters with zero findings
 * (dockerlinter, dockerfile-utils, the Compose Specification schema, dclint, shellcheck). A finding fails its
 * combination with file:line, tool, rule and message, the options that produced it and a command line that
 * reproduces it. Inline suppressions are counted and printed, and their number is capped.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { STACK_NAMES, STACKS } from '../../src/stacks.js';
import { ALPINE, DEBIAN, newestPython, pythonLines } from '../../src/catalogue.js';
import { generate } from '../support/generate.js';
import {
  dclintConfig,
  findSuppressions,
  formatFinding,
  lintGenerated,
  ensureTools,
  INSTALL_TIMEOUT,
  type Suppression,
} from '../support/linters.js';
import {
  buildMatrix,
  describeCombination,
  filesFor,
  isValid,
  optionsFor,
  PACKAGES,
  pairsCovered,
  validPairs,
  WORKLOADS,
  type Combination,
} from './matrix.js';

/** At most this many distinct suppressions across all generated files: each one is a linter overruled. */
export const MAX_SUPPRESSIONS = 3;

const MATRIX = buildMatrix();

const shellQuote = (value: string): string => (/^[A-Za-z0-9_./:=,@%+-]+$/.test(value) ? value : `'${value}'`);

/** The command line that reproduces a combination in a folder holding its project files. */
const commandLine = (options: Readonly<Record<string, string | boolean>>): string =>
  [
    'npx docker-best',
    ...Object.entries(options).map(([key, value]) =>
      value === true ? `--${key}` : `--${key} ${shellQuote(String(value))}`,
    ),
  ].join(' ');

describe('lint matrix design', () => {
  it(`has at least 60 combinations (has ${MATRIX.length})`, () => {
    assert.ok(MATRIX.length >= 60);
  });

  it('has every stack x workload x packages combination that can occur', () => {
    for (const stack of STACK_NAMES) {
      for (const workload of WORKLOADS) {
        for (const packages of PACKAGES) {
          if (!isValid({ stack, workload, packages })) continue;
          assert.ok(
            MATRIX.some((c) => c.stack === stack && c.workload === workload && c.packages === packages),
            `${stack} ${workload} packages=${packages}`,
          );
        }
      }
    }
  });

  it('covers every pair of factor levels that can occur together', () => {
    const covered = pairsCovered(MATRIX);
    const missing = [...validPairs()].filter((pair) => !covered.has(pair));
    assert.deepEqual(missing, []);
  });

  it('takes the newest and the oldest Python line and every OS release of each stack', () => {
    const lines = pythonLines();
    assert.ok(MATRIX.some((c) => c.python === newestPython()));
    assert.ok(MATRIX.some((c) => c.python === lines[lines.length - 1]));
    for (const stack of STACK_NAMES) {
      const releases = Object.keys(STACKS[stack].family === 'debian' ? DEBIAN : ALPINE);
      assert.ok(releases.length >= 2, `${stack} has two releases in the catalogue`);
      for (const release of releases) {
        assert.ok(
          MATRIX.some((c) => c.stack === stack && c.release === release),
          `${stack} on ${release}`,
        );
      }
    }
  });
});

describe('lint: every generated combination is clean', function () {
  this.timeout(120_000);
  const suppressions = new Map<string, Suppression>();
  let linted = 0;

  before(async function () {
    this.timeout(INSTALL_TIMEOUT);
    const version = await ensureTools();
    console.log(`      shellcheck ${version}; ${MATRIX.length} combinations`);
  });

  after(() => {
    const off = dclintConfig().off;
    console.log(`      ${linted} combinations linted`);
    console.log(`      dclint rules off in .dclintrc.yaml: ${off.length}`);
    for (const { rule, reason } of off) console.log(`        ${rule}: ${reason}`);
    console.log(`      inline suppressions in the generated files: ${suppressions.size}`);
    for (const suppression of suppressions.values()) {
      console.log(
        `        ${suppression.file}: ${suppression.tool} ${suppression.rules.join(',')}: ${suppression.reason}`,
      );
    }
  });

  const lintOne = async (combination: Combination): Promise<void> => {
    const options = optionsFor(combination);
    const files = filesFor(combination);
    const generated = await generate({ options, files });
    try {
      const findings = await lintGenerated(generated.dir);
      for (const suppression of findSuppressions(generated.dir)) {
        suppressions.set(`${suppression.file}\n${suppression.text}`, suppression);
      }
      linted += 1;
      if (findings.length > 0) {
        assert.fail(
          [
            `${findings.length} lint finding(s) for ${describeCombination(combination)}:`,
            ...findings.map((finding) => `  ${formatFinding(finding)}`),
            `options: ${JSON.stringify(options)}`,
            `project files: ${Object.keys(files).join(', ') || 'none'}`,
            `reproduce: ${commandLine(options)}`,
          ].join('\n'),
        );
      }
    } finally {
      generated.result.restore();
      rmSync(generated.dir, { recursive: true, force: true });
    }
  };

  for (const combination of MATRIX) {
    it(describeCombination(combination), () => lintOne(combination));
  }

  it(`has at most ${MAX_SUPPRESSIONS} distinct inline suppressions across all combinations`, () => {
    assert.ok(
      suppressions.size <= MAX_SUPPRESSIONS,
      [...suppressions.values()].map((s) => `${s.file}: ${s.text}`).join('\n'),
    );
  });
});
