import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANSWER_NAMES, QUESTIONS, withPrerequisites } from '../../src/answers.js';
import { FILE_NAMES, FILES as GENERATED } from '../../src/files.js';
import { newestPython } from '../../src/catalogue.js';
import { generate } from '../../test/support/generate.js';

const NOTEBOOK =
  '{"cells": [{"cell_type": "code", "source": ["print(1)"], "metadata": {}, "outputs": [], "execution_count": null}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n';

const FILES = ['Dockerfile', '.dockerignore', 'build.sh', 'compose.yaml', 'README.Docker.md'];

const storedAnswers = (dir: string): Record<string, string> =>
  (JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8')) as Record<string, Record<string, string>>)[
    'generator-docker-best'
  ] ?? {};

const snapshot = (dir: string): Record<string, string> =>
  Object.fromEntries(
    [...FILES, '.yo-rc.json'].map((file) => {
      const stat = statSync(join(dir, file));
      return [file, `${stat.mtimeMs}:${stat.mode}:${readFileSync(join(dir, file), 'utf8')}`];
    }),
  );

describe('docker-best (app)', () => {
  it('writes the whole setup: Dockerfile, .dockerignore, build.sh (executable), compose.yaml, README.Docker.md', async () => {
    const generated = await generate({ options: { defaults: true } });
    for (const file of FILES) assert.ok(generated.exists(file), file);
    assert.equal(generated.mode('build.sh') & 0o111, 0o111);
  });

  it('stores every answer in .yo-rc.json, as the text an option would take', async () => {
    const generated = await generate({
      options: { defaults: true, port: '8080', health: 'http', volumes: '/srv/a,/srv/b' },
    });
    const stored = storedAnswers(generated.dir);
    assert.equal(stored.port, '8080');
    assert.equal(stored.health, 'http');
    assert.equal(stored.healthpath, '/healthz');
    assert.equal(stored.volumes, '/srv/a,/srv/b');
    assert.equal(stored.python, newestPython());
    assert.equal(stored.healthcmd, undefined, 'a question that does not apply is not stored');
    const { fingerprints, explicit, ...answers } = stored;
    assert.deepEqual(explicit, ['health', 'port', 'volumes'], 'the answers the user gave are remembered as explicit');
    assert.deepEqual(Object.keys(answers).sort(), ANSWER_NAMES.filter((name) => name !== 'healthcmd').sort());
    assert.ok(fingerprints, 'and a fingerprint of each file written, to tell user edits from old output');
  });

  it('a second run with the same answers leaves every file untouched', async () => {
    const first = await generate({ options: { defaults: true, port: '8000' } });
    const before = snapshot(first.dir);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await generate({ cwd: first.dir, force: false });
    assert.deepEqual(second.result.askedQuestions, [], 'nothing is asked: every answer is stored');
    assert.deepEqual(snapshot(first.dir), before);
  });

  it('asks what everyone must answer first, then the details after one confirm, in order, and uses the answers', async () => {
    const generated = await generate({
      answers: {
        details: true,
        stack: 'python-alpine',
        name: 'acme/api',
        port: '8443',
        health: 'cmd',
        healthcmd: 'python -m api.ping',
        uid: '12345',
      },
    });
    const asked = generated.result.askedQuestions.map((question) => question.name);
    const essentials = QUESTIONS.filter((question) => question.detail === undefined).map((question) => question.name);
    assert.deepEqual(essentials, ['stack', 'name', 'entry', 'port']);
    assert.deepEqual(asked, [
      ...essentials,
      'details',
      ...ANSWER_NAMES.filter((name) => !essentials.includes(name) && name !== 'healthpath'),
    ]);
    const stored = storedAnswers(generated.dir);
    assert.equal(stored.stack, 'python-alpine');
    assert.equal(stored.name, 'acme/api');
    assert.equal(stored.healthcmd, 'python -m api.ping');
    assert.match(generated.read('Dockerfile'), /USER 12345:10001/);
  });

  it('offers what the project shows as defaults: the port in app.py, the entry script, the folder name', async () => {
    const generated = await generate({
      files: { 'main.py': 'import os\nPORT = int(os.environ.get("PORT", "5000"))\n', 'requirements.txt': '' },
    });
    const answers = Object.fromEntries(
      generated.result.askedQuestions.map((question) => [question.name, question.answer as unknown]),
    );
    assert.equal(answers.port, '5000');
    assert.equal(answers.entry, 'main.py');
    assert.equal(answers.details, false, 'the details keep their defaults unless the user asks for them');
    assert.equal(storedAnswers(generated.dir).health, 'tcp', 'a port and no health route: the port is probed');
  });

  it('asks at most five questions for a project whose entry and port are detected', async () => {
    const generated = await generate({
      files: { 'main.py': 'import os\nPORT = int(os.environ.get("PORT", "5000"))\n', 'requirements.txt': '' },
    });
    assert.ok(generated.result.askedQuestions.length <= 5, generated.prompts.map((prompt) => prompt.name).join(', '));
  });

  it('on a re-run with --stack jupyter in a project with a notebook, the entry is derived again: the notebook', async () => {
    const first = await generate({
      options: { defaults: true },
      files: { 'app.py': 'print(1)\n', 'report.ipynb': NOTEBOOK, 'requirements.txt': '' },
    });
    assert.equal(storedAnswers(first.dir).entry, 'app.py');
    await generate({ cwd: first.dir, options: { defaults: true, stack: 'jupyter' } });
    assert.equal(storedAnswers(first.dir).entry, 'report.ipynb');
  });

  it('on a re-run with --port, the health check is derived again for it', async () => {
    const first = await generate({ options: { defaults: true } });
    assert.equal(storedAnswers(first.dir).health, 'none');
    await generate({ cwd: first.dir, options: { defaults: true, port: '5000' } });
    assert.equal(storedAnswers(first.dir).health, 'tcp');
    assert.match(readFileSync(join(first.dir, 'Dockerfile'), 'utf8'), /create_connection\(\('127\.0\.0\.1', 5000\)/);
  });

  it('an option overrides a stored answer and updates .yo-rc.json', async () => {
    const first = await generate({ options: { defaults: true, port: '8000' } });
    await generate({ cwd: first.dir, options: { port: '9000', force: true } });
    assert.equal(storedAnswers(first.dir).port, '9000');
    assert.match(readFileSync(join(first.dir, 'compose.yaml'), 'utf8'), /127\.0\.0\.1:9000:9000/);
  });

  it('refuses a bad stored answer, naming .yo-rc.json', async () => {
    const first = await generate({ options: { defaults: true } });
    const path = join(first.dir, '.yo-rc.json');
    const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, string>>;
    const mine = config['generator-docker-best'];
    assert.ok(mine);
    mine.uid = '0';
    writeFileSync(path, JSON.stringify(config));
    await assert.rejects(
      generate({ cwd: first.dir }),
      /^UserError: "uid" in \.yo-rc\.json '0': must be a whole number from 1000 to 2147483647 \(fix the file or pass --uid\)$/,
    );
  });

  describe('each generator alone', () => {
    for (const generator of FILE_NAMES) {
      // What a file needs, as src/files.ts declares it, with prerequisites; with a port and no health route
      // the health check is tcp, so neither healthpath nor healthcmd applies.
      const needs = withPrerequisites(GENERATED[generator].needs).filter(
        (name) => name !== 'healthcmd' && name !== 'healthpath',
      );
      it(`${generator}: in a new project asks only what it needs and writes only its file`, async () => {
        const generated = await generate({ generator, answers: { port: '8000', details: true } });
        const asked = generated.result.askedQuestions.map((question) => question.name).sort();
        const details = needs.some((name) => QUESTIONS.find((question) => question.name === name)?.detail);
        assert.deepEqual(asked, [...needs, ...(details ? ['details'] : [])].sort());
        const written = FILES.filter((file) => generated.exists(file));
        assert.equal(written.length, 1, written.join(', '));
      });

      it(`${generator}: in a project with .yo-rc.json asks nothing and writes what the app wrote`, async () => {
        const app = await generate({ options: { defaults: true, port: '8000', name: 'acme/shop' } });
        const before = snapshot(app.dir);
        const generated = await generate({ generator, cwd: app.dir, force: false });
        assert.deepEqual(generated.result.askedQuestions, []);
        assert.deepEqual(snapshot(app.dir), before);
      });
    }
  });
});
