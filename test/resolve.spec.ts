import assert from 'node:assert/strict';
import { checkOptionsEarly, EXPLICIT_KEY, resolveAnswers, type AnswerSources, type Prompt } from '../src/resolve.js';
import { makeFacts, REQUIREMENTS_TXT } from './support/facts.js';

const FACTS = makeFacts({
  folderName: 'My Shop',
  paths: ['main.py', 'requirements.txt'],
  hasPython: true,
  entry: { value: 'main.py', why: 'main.py is there' },
  port: { value: 5000, why: 'app.run(port=5000)' },
  dependencies: REQUIREMENTS_TXT,
});

const sources = (over: Partial<AnswerSources> = {}): AnswerSources => ({
  options: {},
  stored: {},
  storedFile: '.yo-rc.json',
  facts: FACTS,
  ...over,
});

describe('answer precedence (option > .yo-rc.json > preset > detection > default)', () => {
  it('takes the option over everything else', async () => {
    const { answers } = await resolveAnswers(
      ['port'],
      sources({
        options: { port: '1111' },
        stored: { port: '2222' },
        preset: { values: { port: '3333' }, file: 'team.json' },
      }),
      { takeDefaults: true },
    );
    assert.equal(answers.port, 1111);
  });

  it('takes .yo-rc.json over the preset and detection', async () => {
    const { answers } = await resolveAnswers(
      ['port'],
      sources({ stored: { port: '2222' }, preset: { values: { port: '3333' }, file: 'team.json' } }),
      { takeDefaults: true },
    );
    assert.equal(answers.port, 2222);
  });

  it('takes the preset over detection', async () => {
    const { answers } = await resolveAnswers(
      ['port'],
      sources({ preset: { values: { port: '3333' }, file: 'team.json' } }),
      {
        takeDefaults: true,
      },
    );
    assert.equal(answers.port, 3333);
  });

  it('takes detection over the built-in default', async () => {
    const { answers } = await resolveAnswers(['port', 'entry', 'name'], sources(), { takeDefaults: true });
    assert.equal(answers.port, 5000);
    assert.deepEqual(answers.entry, { kind: 'script', path: 'main.py' });
    assert.equal(answers.name, 'my-shop');
  });

  it('falls back to the built-in default', async () => {
    const { answers } = await resolveAnswers(['uid', 'volumes'], sources(), { takeDefaults: true });
    assert.equal(answers.uid, 10001);
    assert.deepEqual(answers.volumes, ['/home/app/data']);
  });

  it('asks only what is not given or stored, with the detected value as the default', async () => {
    const asked: Prompt[] = [];
    const stored = { stack: 'python-debian', entry: 'main.py', uid: '20000' };
    const { answers, texts } = await resolveAnswers(['port', 'health', 'uid'], sources({ stored }), {
      takeDefaults: false,
      ask: (prompt) => {
        asked.push(prompt);
        return Promise.resolve(prompt.defaultText ?? '');
      },
    });
    assert.deepEqual(
      asked.map((prompt) => [prompt.question.name, prompt.defaultText, prompt.defaultFrom]),
      [
        ['port', '5000', 'detected'],
        ['health', 'tcp', 'default'],
      ],
    );
    assert.equal(answers.uid, 20000);
    assert.deepEqual(texts, { ...stored, port: '5000', health: 'tcp' });
  });

  it('validates typed answers with the same rule as options', async () => {
    const rules: (true | string)[] = [];
    await resolveAnswers(['port'], sources({ options: { stack: 'python-debian', entry: 'main.py' } }), {
      takeDefaults: false,
      ask: (prompt) => {
        rules.push(prompt.validate('99999'), prompt.validate('8080'));
        return Promise.resolve('8080');
      },
    });
    assert.deepEqual(rules, ['must be a whole number from 1 to 65535, or none', true]);
  });

  it('with no way to ask and no --defaults, names every missing answer in one error', async () => {
    await assert.rejects(
      resolveAnswers(['name', 'port', 'health'], sources({ options: { name: 'shop', stack: 'python-debian' } }), {
        takeDefaults: false,
      }),
      /^UserError: no terminal to ask on, and no answer for --entry, --port, --health: give them as options, or add --defaults/,
    );
  });

  it('refuses a bad preset value naming the preset file', async () => {
    await assert.rejects(
      resolveAnswers(['uid'], sources({ preset: { values: { uid: '1' }, file: 'team.json' } }), { takeDefaults: true }),
      /^UserError: "uid" in preset team\.json '1': must be a whole number from 1000/,
    );
  });

  it('checks given options before anything is asked', () => {
    assert.throws(
      () =>
        checkOptionsEarly(
          ['uid', 'port'],
          sources({ options: { stack: 'python-debian', entry: 'main.py', port: 'x' } }),
        ),
      /^UserError: --port 'x'/,
    );
    assert.doesNotThrow(() =>
      checkOptionsEarly(
        ['uid', 'port'],
        sources({ options: { stack: 'python-debian', entry: 'main.py', port: '80' } }),
      ),
    );
  });
});

describe('dependent answers on a re-run', () => {
  /** What the first run stored, all derived. */
  const firstRun = { stack: 'python-debian', entry: 'main.py', port: '5000', health: 'tcp' };
  const notebookFacts = makeFacts({
    ...FACTS,
    paths: ['main.py', 'report.ipynb'],
    notebooks: ['report.ipynb'],
    notebookEntry: { value: 'report.ipynb', why: 'the first notebook with code' },
  });

  it('derives the entry again when the stack changes: --stack jupyter takes the notebook', async () => {
    const { answers, texts } = await resolveAnswers(
      ['entry'],
      sources({ options: { stack: 'jupyter' }, stored: firstRun, facts: notebookFacts }),
      { takeDefaults: false },
    );
    assert.deepEqual(answers.entry, { kind: 'notebook', path: 'report.ipynb' });
    assert.equal(texts.entry, 'report.ipynb');
  });

  it('derives the health check again when the port changes: --port none drops the probe', async () => {
    const { answers } = await resolveAnswers(['health'], sources({ options: { port: 'none' }, stored: firstRun }), {
      takeDefaults: false,
    });
    assert.equal(answers.health, 'none');
  });

  it('derives the port and the health check again when the entry changes to a server', async () => {
    const { answers } = await resolveAnswers(
      ['health', 'healthpath'],
      sources({ options: { entry: 'streamlit run main.py' }, stored: { ...firstRun, port: 'none', health: 'none' } }),
      { takeDefaults: false },
    );
    assert.equal(answers.port, 8501);
    assert.equal(answers.health, 'http');
    assert.equal(answers.healthpath, '/_stcore/health', 'the health path follows the entry');
  });

  it('keeps an answer the user set, even when what it depends on changes', async () => {
    const { answers } = await resolveAnswers(
      ['health'],
      sources({
        options: { port: '9000' },
        stored: { ...firstRun, health: 'none', [EXPLICIT_KEY]: ['health'] },
      }),
      { takeDefaults: false },
    );
    assert.equal(answers.health, 'none');
  });

  it('keeps a derived answer when nothing it depends on changed', async () => {
    const { answers } = await resolveAnswers(['health'], sources({ stored: { ...firstRun, health: 'none' } }), {
      takeDefaults: false,
    });
    assert.equal(answers.health, 'none');
  });

  it('remembers as explicit what came from an option or a typed answer other than the default', async () => {
    const { explicit } = await resolveAnswers(['port', 'uid', 'gid'], sources({ options: { port: '7000' } }), {
      takeDefaults: false,
      ask: (prompt) => Promise.resolve(prompt.question.name === 'uid' ? '20000' : (prompt.defaultText ?? '')),
    });
    assert.deepEqual([...explicit].sort(), ['port', 'uid']);
  });
});
