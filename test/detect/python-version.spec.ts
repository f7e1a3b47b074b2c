/** The Python line a project asks for (src/detect/python-version.ts), as a line of the catalogue. */
import assert from 'node:assert/strict';
import { newestPython, pythonLines } from '../../src/catalogue.js';
import { poetryToPep440 } from '../../src/detect/python-version.js';
import { detect } from '../support/project-dirs.js';

const NEWEST = newestPython();
const OLDEST = pythonLines()[pythonLines().length - 1] ?? NEWEST;

const pyproject = (requires: string): string => `[project]\nname = "x"\nrequires-python = "${requires}"\n`;
const poetry = (python: string): string =>
  `[tool.poetry]\nname = "x"\nversion = "0.1.0"\n\n[tool.poetry.dependencies]\npython = "${python}"\n`;

describe('the Python line', () => {
  const cases: [string, Record<string, string>, string, boolean][] = [
    ['.python-version 3.13', { '.python-version': '3.13\n' }, '3.13', false],
    ['.python-version with a comment and a patch version', { '.python-version': '# pinned\n3.12.4\n' }, '3.12', false],
    ['requires-python >=3.12', { 'pyproject.toml': pyproject('>=3.12') }, NEWEST, false],
    ['requires-python >=3.10,<3.13', { 'pyproject.toml': pyproject('>=3.10,<3.13') }, '3.12', false],
    ['requires-python ~=3.13.0', { 'pyproject.toml': pyproject('~=3.13.0') }, '3.13', false],
    ['requires-python >=3.9 <3.14 (spaces)', { 'pyproject.toml': pyproject('>=3.9 <3.14') }, '3.13', false],
    ['runtime.txt python-3.12.7', { 'runtime.txt': 'python-3.12.7\n' }, '3.12', false],
    ["Poetry's ^3.11", { 'pyproject.toml': poetry('^3.11') }, NEWEST, false],
    ["Poetry's ~3.12", { 'pyproject.toml': poetry('~3.12') }, '3.12', false],
    ["Poetry's >=3.12,<3.14", { 'pyproject.toml': poetry('>=3.12,<3.14') }, '3.13', false],
    [
      '.tool-versions python 3.13.1 3.12.8',
      { '.tool-versions': 'nodejs 22.0.0\npython 3.13.1 3.12.8\n' },
      '3.13',
      false,
    ],
    ['Pipfile python_version', { Pipfile: '[requires]\npython_version = "3.12"\n' }, '3.12', false],
    [
      '.python-version before requires-python',
      { '.python-version': '3.12\n', 'pyproject.toml': pyproject('>=3.13') },
      '3.12',
      false,
    ],
    ['a line older than the catalogue: the oldest, with a warning', { '.python-version': '3.8\n' }, OLDEST, true],
    ['requires-python <3.10: the nearest line, with a warning', { 'pyproject.toml': pyproject('<3.10') }, OLDEST, true],
    ['requires-python >=3.99: the newest, with a warning', { 'pyproject.toml': pyproject('>=3.99') }, NEWEST, true],
    ['PyPy: the same line, with a warning', { '.python-version': 'pypy3.12\n' }, '3.12', true],
  ];
  for (const [name, files, line, warns] of cases) {
    it(`${name} -> ${line}${warns ? ', warned' : ''}`, () => {
      const facts = detect(files);
      assert.equal(facts.python?.value, line);
      assert.ok(facts.python.why.length > 0);
      assert.equal(facts.warnings.length > 0, warns, facts.warnings.join('\n'));
    });
  }

  it('says nothing when nothing asks for a version, and warns on a requirement it cannot read', () => {
    assert.equal(detect({ 'app.py': 'print(1)\n' }).python, undefined);
    const facts = detect({ 'pyproject.toml': pyproject('three point twelve') });
    assert.equal(facts.python, undefined);
    assert.match(facts.warnings.join('\n'), /requires-python three point twelve is not a PEP 440 specifier/);
  });

  const poetryCases: [string, string[]][] = [
    ['^3.10', ['>=3.10,<4.0']],
    ['^3.10.2', ['>=3.10.2,<4.0']],
    ['~3.11', ['>=3.11,<3.12']],
    ['~3.11.2', ['>=3.11.2,<3.12']],
    ['~3', ['>=3,<4']],
    ['3.11', ['==3.11.*']],
    ['3.11.*', ['==3.11.*']],
    ['*', ['']],
    ['>= 3.9, < 3.13', ['>=3.9,<3.13']],
    ['^3.9 || ^3.12', ['>=3.9,<4.0', '>=3.12,<4.0']],
  ];
  for (const [constraint, pep440] of poetryCases) {
    it(`Poetry's ${constraint} is PEP 440 ${pep440.join(' or ')}`, () =>
      assert.deepEqual(poetryToPep440(constraint), pep440));
  }
});
