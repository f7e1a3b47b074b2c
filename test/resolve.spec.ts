import assert from 'node:assert/strict';
import type { ProjectFacts } from '../src/detect.js';
import { checkOptionsEarly, resolveAnswers, type AnswerSources, type Prompt } from '../src/resolve.js';

const FACTS: ProjectFacts = {
  folderName: 'My Shop',
  hasPython: true,
  notebooks: [],
  entry: 'main.py',
  port: 5000,
  requirements: true,
};

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
    const { answers, texts } = await resolveAnswers(['port', 'health', 'uid'], sources({ stored: { uid: '20000' } }), {
      takeDefaults: false,
      ask: (prompt) => {
        asked.push(prompt);
        return Promise.resolve(prompt.defaultText);
      },
    });
    assert.deepEqual(
      asked.map((prompt) => [prompt.question.name, prompt.defaultText, prompt.defaultFrom]),
      [
        ['port', '5000', 'detected'],
        ['health', 'http', 'default'],
      ],
    );
    assert.equal(answers.uid, 20000);
    assert.deepEqual(texts, { port: '5000', health: 'http', uid: '20000' });
  });

  it('validates typed answers with the same rule as options', async () => {
    const rules: (true | string)[] = [];
    await resolveAnswers(['port'], sources(), {
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
      resolveAnswers(['name', 'port', 'health'], sources({ options: { name: 'shop' } }), { takeDefaults: false }),
      /^UserError: no terminal to ask on, and no answer for --port, --health: give them as options, or add --defaults/,
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
      () => checkOptionsEarly(['uid', 'port'], sources({ options: { port: 'x' } })),
      /^UserError: --port 'x'/,
    );
    assert.doesNotThrow(() => checkOptionsEarly(['uid', 'port'], sources({ options: { port: '80' } })));
  });
});
