/**
 * Hostile project contents: detection gives facts (maybe with warnings), never an exception, never a hang,
 * and honours its caps (checked structurally: sizes, counts and budgets, never timings).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findApps } from '../../src/detect/apps.js';
import { ProjectFiles, LIMITS } from '../../src/detect/files.js';
import { detectProject } from '../../src/detect/index.js';
import { PARSE_LIMITS } from '../../src/detect/python.js';
import { Sources } from '../../src/detect/sources.js';
import { detect, notebook, projectDir } from '../support/project-dirs.js';

const FLASK_APP = 'from flask import Flask\napp = Flask(__name__)\n';

/** Bytes that are not UTF-8, and NULs: what a binary file holds. */
const binary = (size: number): Buffer => {
  const buffer = Buffer.alloc(size);
  let state = 7;
  for (let index = 0; index < size; index += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    buffer[index] = state >>> 24;
  }
  return buffer;
};

describe('hostile project contents', () => {
  it('a 1 MB pyproject.toml with an array never closed: a warning, and detection goes on', () => {
    const open = `[project]\nname = "x"\ndependencies = [\n${'  "flask",\n'.repeat(90_000)}`;
    assert.ok(open.length <= LIMITS.fileBytes && open.length > LIMITS.fileBytes * 0.9);
    const facts = detect({ 'pyproject.toml': open, 'app.py': FLASK_APP });
    assert.equal(facts.pyproject, undefined);
    assert.match(facts.warnings.join('\n'), /pyproject\.toml is not valid TOML/);
    assert.equal(facts.entry?.value, 'gunicorn app:app');
  });

  it('a pyproject.toml over the size cap reads as absent, with a warning', () => {
    const facts = detect({ 'pyproject.toml': `# ${'x'.repeat(LIMITS.fileBytes)}\n[project]\nname = "big"\n` });
    assert.equal(facts.projectName, undefined);
    assert.match(facts.warnings.join('\n'), /pyproject\.toml could not be read \(bigger than 1 MB/);
  });

  it("an empty project name (pdm's old default) names nothing: the image is named after the folder", () => {
    const facts = detect({ 'pyproject.toml': '[project]\nname = ""\nversion = "0.1.0"\n', 'app.py': FLASK_APP });
    assert.equal(facts.projectName, undefined);
  });

  it('malformed TOML, JSON and notebooks: warnings, never an exception', () => {
    const facts = detect({
      'pyproject.toml': '[project\nname = ',
      Pipfile: '[requires]\npython_version = ',
      'broken.ipynb': '{"cells": [',
      'not-a-notebook.ipynb': '[1, 2, 3]',
      'cells-wrong.ipynb': '{"cells": "nope", "metadata": 7}',
      'ok.ipynb': notebook(['print(1)']),
    });
    assert.equal(facts.notebookEntry?.value, 'ok.ipynb');
    assert.match(facts.warnings.join('\n'), /broken\.ipynb is not valid JSON/);
    assert.match(facts.warnings.join('\n'), /pyproject\.toml is not valid TOML/);
  });

  it('a binary file named .py is not read as Python; invalid UTF-8 in a real module still is', () => {
    const facts = detect({
      'app.py': binary(200_000),
      'server.py': Buffer.concat([Buffer.from('# caf\xe9 \xff\xfe\n', 'latin1'), Buffer.from(FLASK_APP)]),
    });
    assert.equal(facts.entry?.value, 'gunicorn server:app');
  });

  it('huge Python files are not read past the cap; deeply nested and garbage code stays within the parse budget', () => {
    const files: Record<string, string | Buffer> = {
      'big.py': `${FLASK_APP}${'#'.repeat(LIMITS.fileBytes)}\n`,
      'main.py': FLASK_APP,
    };
    for (let index = 0; index < 40; index += 1) {
      files[`junk/m${index}.py`] = `import flask\n${')]}:,=;'.repeat(50_000)}`;
    }
    files['junk/__init__.py'] = '';
    const sources = new Sources(new ProjectFiles(projectDir(files)));
    assert.equal(sources.files.read('big.py'), undefined, 'over the cap: absent');
    const apps = findApps(sources);
    assert.deepEqual(
      apps.map((app) => `${app.module}:${app.attr}`),
      ['main:app'],
    );
    assert.ok(sources.budget.steps >= -(PARSE_LIMITS.stepsPerFile + 2), `steps left: ${sources.budget.steps}`);
    assert.ok(sources.budget.files >= 0);
    assert.ok(sources.files.warnings.some((warning) => warning.startsWith('stopped reading Python sources')));
  });

  it('links to /etc and to folders outside are not followed; a link inside the project is', () => {
    const outside = mkdtempSync(join(tmpdir(), 'docker-best-outside-'));
    writeFileSync(join(outside, 'secret.py'), FLASK_APP);
    const dir = projectDir({ 'job.py': 'print(1)\n' });
    symlinkSync('/etc', join(dir, 'etc'));
    symlinkSync('/etc/passwd', join(dir, 'passwd.py'));
    symlinkSync(outside, join(dir, 'outside'));
    symlinkSync(join(outside, 'secret.py'), join(dir, 'app.py'));
    symlinkSync('job.py', join(dir, 'alias.py'));
    symlinkSync('.', join(dir, 'loop'));
    const facts = detectProject(dir);
    assert.deepEqual([...facts.paths].sort(), ['alias.py', 'job.py']);
    assert.notEqual(facts.entry?.value, 'gunicorn app:app');
  });

  it('deep trees are listed to LIMITS.depth, and no further', () => {
    const files: Record<string, string> = {};
    const deep = Array.from({ length: 40 }, (_, index) => `d${index}`).join('/');
    files[`${deep}/app.py`] = FLASK_APP;
    files['top.py'] = 'print(1)\n';
    const facts = detect(files);
    assert.ok(facts.paths.every((path) => path.split('/').length <= LIMITS.depth + 1));
    assert.equal(facts.entry?.value, 'top.py');
  });

  it('very many files: the listing stops at LIMITS.files and says so', () => {
    const dir = projectDir({});
    for (let group = 0; group < 7; group += 1) {
      mkdirSync(join(dir, `g${group}`));
      for (let index = 0; index < 1000; index += 1) writeFileSync(join(dir, `g${group}`, `f${index}.txt`), '');
    }
    const facts = detectProject(dir);
    assert.equal(facts.paths.length, LIMITS.files);
    assert.match(facts.warnings.join('\n'), /the project is large: only the first 5000 files were looked at/);
  });

  it('a FIFO named like a source file is not listed, and one put in place of a listed file is not waited on', () => {
    const dir = projectDir({ 'app.py': FLASK_APP, 'main.py': FLASK_APP });
    execFileSync('mkfifo', [join(dir, 'server.py')]);
    const files = new ProjectFiles(dir);
    assert.ok(!files.has('server.py'));
    unlinkSync(join(dir, 'main.py'));
    execFileSync('mkfifo', [join(dir, 'main.py')]);
    assert.equal(files.read('main.py'), undefined);
    assert.equal(detectProject(dir).entry?.value, 'gunicorn app:app');
    rmSync(join(dir, 'main.py'));
  });

  it('odd file names: spaces, newlines, quotes, $, globs, a leading dash, unicode', () => {
    const names = ['my app.py', 'new\nline.py', 'quote"d.py', '$HOME.py', '*.py', '-rf.py', 'résumé.py', '🐍.py'];
    const files = Object.fromEntries(names.map((name) => [name, 'if __name__ == "__main__":\n    print(1)\n']));
    const facts = detect(files);
    assert.equal(facts.paths.length, names.length);
    if (facts.entry !== undefined) assert.ok(!/[\n"$*]/.test(facts.entry.value), facts.entry.value);
  });

  it('import cycles, self-referencing names and star-import loops end', () => {
    const facts = detect({
      'a.py': 'from b import *\nfrom b import app as app2\nx = y\ny = x\n',
      'b.py': 'from a import *\nfrom a import app2 as app\n',
      'pkg/__init__.py': 'from .pkg import *\nfrom . import pkg\n',
      'main.py': 'from a import x\nfrom fastapi import FastAPI\napp = FastAPI()\napp.include_router(x, prefix=x)\n',
    });
    assert.equal(facts.entry?.value, 'uvicorn main:app');
  });

  it('a Procfile of long and odd lines', () => {
    const facts = detect({
      Procfile: `web: ${'"'.repeat(3000)}\nweb2: ${'\'\\"'.repeat(1000)}\n${'release: x\n'.repeat(5000)}`,
      'main.py': 'if __name__ == "__main__":\n    pass\n',
    });
    assert.equal(facts.entry?.value, 'main.py');
    assert.ok(facts.oneOffs.length <= 200);
  });

  it('a notebook of deeply nested JSON, and notebooks past what detection reads of them', () => {
    const facts = detect({
      'a-deep.ipynb': `${'['.repeat(500_000)}${']'.repeat(500_000)}`,
      'b-big.ipynb': `{"cells": [], "metadata": {}, "nbformat": 4, "pad": "${'x'.repeat(LIMITS.notebookBytes - 100)}"}`,
      'c-ok.ipynb': notebook(['print(1)']),
    });
    assert.equal(facts.notebooks.length, 3);
    assert.equal(facts.notebookEntry?.value, 'c-ok.ipynb');
  });

  it('settings and version files of garbage', () => {
    const facts = detect({
      '.python-version': binary(5000),
      'runtime.txt': '\0\0\0',
      '.tool-versions': 'python\n',
      'pyproject.toml': `[project]\nname = "x"\nrequires-python = "${' '.repeat(100_000)}>=3.12"\n`,
      'manage.py': binary(3000),
    });
    assert.ok(facts.python === undefined || typeof facts.python.value === 'string');
  });
});
