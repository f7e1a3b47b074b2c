import assert from 'node:assert/strict';
import * as balena from '@balena/dockerignore';
import type { Ignore } from '@balena/dockerignore';
import { CLUTTER, NEEDED, SECRETS } from '../../test/support/context-files.js';
import { generate } from '../../test/support/generate.js';

/** Docker's .dockerignore matcher, ported (@balena/dockerignore, CommonJS: its function is the default export). */
const dockerignore = balena.default as unknown as () => Ignore;

/** Whether the generated .dockerignore keeps a path out of the context. */
type Matcher = (path: string) => boolean;

describe('docker-best:dockerignore', () => {
  let ignores: Matcher;
  before(async () => {
    const generated = await generate({ generator: 'dockerignore' });
    const matcher = dockerignore().add(generated.read('.dockerignore'));
    ignores = (path) => matcher.ignores(path);
  });

  it('asks nothing and needs no answers', async () => {
    const generated = await generate({ generator: 'dockerignore' });
    assert.deepEqual(generated.result.askedQuestions, []);
    assert.ok(generated.exists('.dockerignore'));
  });

  it('keeps secrets out of the context in every folder: .env*, keys, ssh, cloud and package-index credentials', () => {
    assert.deepEqual(
      SECRETS.filter((path) => !ignores(path)),
      [],
    );
  });

  it('keeps version control, virtualenvs, node_modules, caches, notebook checkpoints and editor files out at any depth', () => {
    assert.deepEqual(
      CLUTTER.filter((path) => !ignores(path)),
      [],
    );
  });

  it('keeps the Docker files, the build script and the generator state out, so editing them does not invalidate the source layers', () => {
    const setup = [
      'Dockerfile',
      '.dockerignore',
      'compose.yaml',
      'build.sh',
      'README.Docker.md',
      '.yo-rc.json',
      '.yo-resolve',
    ];
    assert.deepEqual(
      setup.filter((path) => !ignores(path)),
      [],
    );
  });

  it('never excludes what a build needs: README.md and LICENSE (pyproject builds), manifests, lock files, source, data, notebooks', () => {
    assert.deepEqual(
      NEEDED.filter((path) => ignores(path)),
      [],
    );
  });
});
