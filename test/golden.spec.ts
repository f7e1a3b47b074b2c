/**
 * What the generator writes for each example project equals its golden file (test/golden/<example>.txt), so
 * that a change of a template or a context shows in review as a change of output. `npm run golden` writes
 * them anew; the diff is then part of the change.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { GOLDEN, examples, generateExample, goldenPath } from '../tools/golden.js';

describe('golden files: what the examples get', () => {
  it('keeps no golden file of an example that is gone', () => {
    const expected = examples().map((example) => `${example}.txt`);
    assert.deepEqual(readdirSync(GOLDEN).sort(), expected.sort());
  });

  for (const example of examples()) {
    it(`examples/${example}: the generated files are the golden ones (npm run golden, then review the diff)`, function () {
      this.timeout(60_000);
      assert.ok(existsSync(goldenPath(example)), `no ${goldenPath(example)}: run npm run golden`);
      assert.equal(generateExample(example), readFileSync(goldenPath(example), 'utf8'));
    });
  }
});
