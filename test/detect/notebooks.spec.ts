/** Notebooks (src/detect/notebooks.ts): the list, the entry, and notebook projects. */
import assert from 'node:assert/strict';
import { detect, notebook } from '../support/project-dirs.js';

describe('notebooks', () => {
  it('lists them sorted, checkpoints left out, and runs the first with code', () => {
    const facts = detect({
      'b/second.ipynb': notebook(['print(2)']),
      'a/intro.ipynb': JSON.stringify({
        cells: [{ cell_type: 'markdown', source: '# Intro' }],
        metadata: {},
        nbformat: 4,
      }),
      'a/.ipynb_checkpoints/intro-checkpoint.ipynb': notebook(['print(0)']),
      'a/first.ipynb': notebook(['print(1)']),
    });
    assert.deepEqual(facts.notebooks, ['a/first.ipynb', 'a/intro.ipynb', 'b/second.ipynb']);
    assert.equal(facts.notebookEntry?.value, 'a/first.ipynb');
    assert.equal(facts.notebookProject, true);
  });

  it('a notebook that imports pandas and scikit-learn with nothing declaring them: a warning naming them', () => {
    const code = [
      'import pandas as pd\nfrom sklearn.linear_model import LinearRegression\nimport os',
      'pd.DataFrame()',
    ];
    const bare = detect({ 'analysis.ipynb': notebook(code) });
    assert.ok(
      bare.warnings.some((warning) =>
        /^analysis\.ipynb imports pandas, scikit-learn, which nothing here declares .*requirements\.txt$/.test(warning),
      ),
      bare.warnings.join('\n'),
    );
    const declared = detect({ 'analysis.ipynb': notebook(code), 'requirements.txt': 'pandas\nscikit-learn\n' });
    assert.ok(
      !declared.warnings.some((warning) => warning.includes('nothing here declares')),
      declared.warnings.join('\n'),
    );
  });

  it('does not run a notebook of another language, and says so', () => {
    const facts = detect({ 'analysis.ipynb': notebook(['summary(df)'], 'R'), 'model.ipynb': notebook(['fit()']) });
    assert.equal(facts.notebookEntry?.value, 'model.ipynb');
    assert.match(facts.warnings.join('\n'), /analysis\.ipynb is a notebook in R, not Python/);
  });

  it('skips names a Dockerfile cannot carry, with a warning, and takes the next', () => {
    const facts = detect({
      '$cost.ipynb': notebook(['1']),
      'a "quoted" one.ipynb': notebook(['2']),
      'glob[1].ipynb': notebook(['3']),
      'Untitled 1.ipynb': notebook(['4']),
    });
    assert.equal(facts.notebookEntry?.value, 'Untitled 1.ipynb');
    assert.equal(facts.warnings.filter((warning) => warning.includes('is not offered as the entry')).length, 3);
  });

  it('passes over notebooks with IPython magics (the image runs the notebook as a script), saying so', () => {
    const facts = detect({
      '01-setup.ipynb': notebook(['!pip install pandas', 'import pandas']),
      '02-plots.ipynb': notebook(['import matplotlib\n%matplotlib inline']),
      '03-report.ipynb': notebook(['print("report")']),
    });
    assert.equal(facts.notebookEntry?.value, '03-report.ipynb');
    assert.match(
      facts.warnings.join('\n'),
      /01-setup\.ipynb, 02-plots\.ipynb use IPython magics or shell escapes \(!pip install pandas\)/,
    );
  });

  it('still runs a notebook with magics when every notebook has them, and says the build will stop on them', () => {
    const facts = detect({ 'only.ipynb': notebook(['%load_ext autoreload', 'x = 1']) });
    assert.equal(facts.notebookEntry?.value, 'only.ipynb');
    assert.match(facts.warnings.join('\n'), /only\.ipynb uses IPython magics .* the image build will stop on them/);
  });

  it('reads old nbformat 3 worksheets', () => {
    const facts = detect({
      'old.ipynb': JSON.stringify({
        worksheets: [{ cells: [{ cell_type: 'code', input: ['x = 1'], language: 'python' }] }],
        metadata: { name: 'old' },
        nbformat: 3,
      }),
    });
    assert.equal(facts.notebookEntry?.value, 'old.ipynb');
  });

  it('takes the first notebook when none has code yet (a new project)', () => {
    const facts = detect({
      'report.ipynb': JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }),
    });
    assert.equal(facts.notebookEntry?.value, 'report.ipynb');
    assert.equal(facts.notebookProject, true);
  });

  it('is a notebook project with a few helper modules, not with an app of its own or many modules', () => {
    const notebooks = { 'notebooks/explore.ipynb': notebook(['import helpers']) };
    assert.equal(detect({ ...notebooks, 'helpers.py': 'def f():\n    return 1\n' }).notebookProject, true);
    assert.equal(
      detect({ ...notebooks, 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' }).notebookProject,
      false,
    );
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`lib/m${index}.py`, 'X = 1\n']));
    assert.equal(detect({ ...notebooks, ...many }).notebookProject, false);
  });
});
