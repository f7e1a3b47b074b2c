import assert from 'node:assert/strict';
import { generate } from '../../test/support/generate.js';

/** The patterns of a .dockerignore, comments and blank lines dropped. */
const patterns = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

describe('docker-best:dockerignore', () => {
  let ignored: string[];
  before(async () => {
    const generated = await generate({ generator: 'dockerignore' });
    ignored = patterns(generated.read('.dockerignore'));
  });

  it('asks nothing and needs no answers', async () => {
    const generated = await generate({ generator: 'dockerignore' });
    assert.deepEqual(generated.result.askedQuestions, []);
    assert.ok(generated.exists('.dockerignore'));
  });

  it('keeps version control, virtualenvs and secrets out of the context', () => {
    for (const pattern of ['.git', '.venv', 'venv', '.env', '.env.*']) assert.ok(ignored.includes(pattern), pattern);
  });

  it('keeps caches, bytecode and notebook checkpoints out', () => {
    for (const pattern of ['**/__pycache__', '**/*.py[cod]', '**/.ipynb_checkpoints', '.pytest_cache', '.mypy_cache']) {
      assert.ok(ignored.includes(pattern), pattern);
    }
  });

  it('keeps editor and OS files out', () => {
    for (const pattern of ['.vscode', '.idea', '*.swp', '.DS_Store']) assert.ok(ignored.includes(pattern), pattern);
  });

  it('keeps the Docker files, the build script and the generator state out, so editing them does not invalidate the source layers', () => {
    for (const pattern of [
      'Dockerfile',
      '.dockerignore',
      'compose.yaml',
      'build.sh',
      'README.Docker.md',
      '.yo-rc.json',
    ]) {
      assert.ok(ignored.includes(pattern), pattern);
    }
  });

  it('never excludes what a build needs: README.md, LICENSE, pyproject.toml, requirements.txt, notebooks', () => {
    for (const pattern of ignored) {
      for (const needed of ['README.md', 'LICENSE', 'pyproject.toml', 'requirements.txt', 'report.ipynb', 'app.py']) {
        const regex = new RegExp(
          `^${pattern
            .replace(/[.+^${}()|\\]/g, '\\$&')
            .replace(/\*\*\//g, '(?:.*/)?')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '.')}$`,
        );
        assert.ok(!regex.test(needed), `${pattern} would exclude ${needed}`);
      }
    }
  });
});
