import assert from 'node:assert/strict';
import { generate } from '../../test/support/generate.js';

/** Fenced code blocks of a Markdown document. */
const codeBlocks = (markdown: string): string[] =>
  [...markdown.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

/** The rows of the first table under a heading: first cell -> the other cells. */
const tableRows = (markdown: string, heading: string): Map<string, string[]> => {
  const section = markdown.split(/^## /m).find((part) => part.startsWith(heading)) ?? '';
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .slice(1)
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
  return new Map(rows.map(([first = '', ...rest]) => [first, rest]));
};

const headings = (markdown: string): string[] =>
  [...markdown.matchAll(/^#{1,3} (.+)$/gm)].map((match) => match[1] ?? '');

describe('docker-best:docs', () => {
  it('gives the build, run, tag and push commands for this image', async () => {
    const generated = await generate({
      generator: 'docs',
      options: { defaults: true, name: 'acme/shop', port: '8000' },
    });
    const readme = generated.read('README.Docker.md');
    const commands = codeBlocks(readme).join('\n');
    assert.match(commands, /^\.\/build\.sh\s/m);
    assert.match(commands, /^\.\/build\.sh --push/m);
    assert.match(commands, /--platform linux\/amd64,linux\/arm64 --push/);
    assert.match(commands, /^docker compose up -d/m);
    assert.match(commands, /DOCKER_BUILDKIT=1 docker build -t acme\/shop:dev \./);
    assert.match(readme, /127\.0\.0\.1:8000/);
  });

  it('explains each checklist choice and how to prune the build cache, with a daemon.json GC policy', async () => {
    const generated = await generate({ generator: 'docs', options: { defaults: true } });
    const readme = generated.read('README.Docker.md');
    assert.deepEqual(headings(readme).slice(1), [
      'What runs, and why',
      'Build',
      'A private package index',
      'Run',
      'Why each choice',
      'Data',
      'Keeping the build cache in check',
      'Updating',
      'Development',
      'CI',
      'Scaling out: Docker Swarm',
      'Moving to Kubernetes',
    ]);
    for (const choice of [
      'multi-stage build',
      'tini as PID 1',
      'read-only root filesystem',
      'healthcheck',
      'pinned versions',
      '`.dockerignore`',
    ]) {
      assert.ok(readme.includes(`| ${choice}`), choice);
    }
    const json = codeBlocks(readme).find((block) => block.includes('"builder"'));
    assert.ok(json);
    const parsed = JSON.parse(json) as { builder: { gc: { enabled: boolean } } };
    assert.equal(parsed.builder.gc.enabled, true);
    assert.match(codeBlocks(readme).join('\n'), /docker builder prune/);
  });

  it('says what runs and why: detected values with their reason, given ones as given', async () => {
    const generated = await generate({
      generator: 'docs',
      options: { defaults: true, entry: 'gunicorn app:app' },
      // A bare WSGI callable: detection offers app.py, so gunicorn app:app is the user's own choice.
      files: {
        'app.py': 'def app(environ, start_response):\n    start_response("200 OK", [])\n    return [b"ok"]\n',
        'requirements.txt': 'flask==3.1.3\n',
      },
    });
    const rows = tableRows(generated.read('README.Docker.md'), 'What runs, and why');
    assert.deepEqual(rows.get('entry'), ['`gunicorn app:app`', 'given (option, prompt or .yo-rc.json)']);
    assert.deepEqual(rows.get('deps'), ['`requirements.txt`', 'requirements.txt lists the dependencies']);
    assert.deepEqual(rows.get('port'), ['`8000`', "gunicorn's default port"]);
    assert.deepEqual(rows.get('health'), [
      '`tcp`',
      'the code shows no health route, so the check connects to the port',
    ]);
  });

  it('says when it adds the server the project does not declare, and how to choose its version', async () => {
    const generated = await generate({
      generator: 'docs',
      options: { defaults: true, entry: 'gunicorn app:app' },
      files: { 'app.py': 'from flask import Flask\napp = Flask(__name__)\n', 'requirements.txt': 'flask==3.1.3\n' },
    });
    assert.match(generated.read('README.Docker.md'), /the image adds `gunicorn==\d+\.\d+\.\d+`/);
  });

  it('describes the notebook conversion for the jupyter stack', async () => {
    const generated = await generate({
      generator: 'docs',
      options: { defaults: true, stack: 'jupyter' },
      files: { 'report.ipynb': '{}' },
    });
    assert.match(generated.read('README.Docker.md'), /`report\.ipynb` is converted to `report\.py` at build time/);
  });
});
