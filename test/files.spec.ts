import assert from 'node:assert/strict';
import * as balena from '@balena/dockerignore';
import type { Ignore } from '@balena/dockerignore';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FILE_NAMES, FILES, setupFiles } from '../src/files.js';
import { SUBGENERATORS } from '../src/cli.js';
import { renderSetup, settle } from './support/render.js';
import { GENERATOR_NAMES } from './support/generate.js';

const GENERATORS = fileURLToPath(new URL('../../generators/', import.meta.url));

describe('one list of generated files (src/files.ts)', () => {
  it('has a generator folder for each file, and no generator folder that is not in the list, the app or team', () => {
    const folders = readdirSync(GENERATORS).filter((name) => existsSync(`${GENERATORS}/${name}/index.ts`));
    assert.deepEqual([...folders].sort(), ['app', ...FILE_NAMES, 'team'].sort());
  });

  it('is what the bin offers as its first argument, and what the tests run', () => {
    assert.deepEqual(Object.keys(SUBGENERATORS).sort(), [...FILE_NAMES, 'team'].sort());
    for (const name of FILE_NAMES) assert.equal(SUBGENERATORS[name], FILES[name].destination);
    assert.deepEqual([...GENERATOR_NAMES].sort(), ['app', ...FILE_NAMES, 'team'].sort());
  });

  it('is kept out of the build context by .dockerignore, with the generator state', async () => {
    // Docker's own matching (@balena/dockerignore): the patterns hold at any depth (**/).
    const matcher = (balena.default as unknown as () => Ignore)().add(
      renderSetup(await settle({}))['.dockerignore'] ?? '',
    );
    for (const file of setupFiles()) assert.ok(matcher.ignores(file), file);
    assert.ok(matcher.ignores('.yo-rc.json'));
  });
});
