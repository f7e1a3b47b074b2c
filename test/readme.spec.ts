/**
 * The README as a newcomer reads it: its first two commands, and an options table that names every option the
 * bin takes (the answers model's and the team ones), and no option that does not exist.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ANSWER_NAMES } from '../src/answers.js';
import { COMMON_OPTIONS } from '../src/generator.js';

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/** The option names in the first column of the table under `### Options`. */
const tableOptions = (): string[] => {
  const section = README.slice(README.indexOf('### Options'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('\n|')));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `--'))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`--([a-z-]+)`/g)].map((match) => match[1] ?? ''));
};

describe('README.md', () => {
  it('starts with the two commands that set up and run the example, and run the tests', () => {
    const block = /^```sh\n([\s\S]*?)\n```/m.exec(README)?.[1] ?? '';
    const commands = block.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim());
    assert.deepEqual(commands, ['npm ci && npm run example', 'npm test']);
  });

  it('lists every option of the answers model and the team options in its options table, and no other', () => {
    const expected = [...ANSWER_NAMES, ...COMMON_OPTIONS.map((option) => option.name)].sort();
    assert.deepEqual(tableOptions().sort(), expected);
  });

  it('tells users the command npx can find: the package name, not the bin name', () => {
    assert.doesNotMatch(README, /npx docker-best/);
    assert.match(README, /npx generator-docker-best --defaults/);
  });
});
