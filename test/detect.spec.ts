import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { detectProject, findPort } from '../src/detect/index.js';
import { readPyproject } from '../src/detect/pyproject.js';
import { parse as parseToml } from 'smol-toml';
import { byKeyword, parseDockerfile, runText } from '../tools/dockerfile.js';
import { generate, type Generated } from './support/generate.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/projects/', import.meta.url));

/** A copy of a fixture project in a fresh folder named like it. */
const copyOf = (fixture: string): string => {
  const dir = join(mkdtempSync(join(tmpdir(), 'docker-best-detect-')), fixture);
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
};

const stored = (generated: Generated): Record<string, string> =>
  (JSON.parse(generated.read('.yo-rc.json')) as Record<string, Record<string, string>>)['generator-docker-best'] ?? {};

describe('existing projects: detection', () => {
  describe('requirements-only fixture (Flask app.py, requirements.txt)', () => {
    it('finds the script, the port in app.run(...) and requirements.txt', () => {
      const facts = detectProject(copyOf('requirements-only'));
      assert.equal(facts.entry?.value, 'app.py');
      assert.equal(facts.port?.value, 5000);
      assert.equal(facts.dependencies.requirements[0]?.file, 'requirements.txt');
      assert.equal(facts.pyproject, undefined);
      assert.deepEqual(facts.notebooks, []);
    });

    it('offers them as defaults in the prompts, marked as detected', async () => {
      const generated = await generate({ cwd: copyOf('requirements-only'), answers: { details: true } });
      const byName = new Map(generated.prompts.map((prompt) => [prompt.name, prompt]));
      assert.equal(byName.get('port')?.shown, '(5000, detected)');
      assert.equal(byName.get('entry')?.shown, '(app.py, detected)');
      assert.equal(byName.get('stack')?.default, 'python-debian');
      assert.equal(byName.get('health')?.default, 'tcp', 'a port and no health route: the port is probed');
      assert.equal(byName.get('uid')?.shown, '(10001)', 'a built-in default is not marked detected');
    });
  });

  describe('pyproject-scripts fixture (hatchling, src layout, [project.scripts])', () => {
    it('reads the name, dependencies, console script and build backend', () => {
      const facts = detectProject(copyOf('pyproject-scripts'));
      assert.equal(facts.projectName, 'shop-api');
      assert.deepEqual(facts.pyproject?.dependencies, ['fastapi==0.115.6', 'uvicorn==0.34.0']);
      assert.deepEqual(facts.pyproject?.scripts, [{ name: 'shop-api', module: 'shop_api.cli', func: 'main' }]);
      assert.equal(facts.pyproject?.buildBackend, 'hatchling.build');
      assert.equal(facts.entry?.value, '-m shop_api.cli');
      assert.equal(facts.port?.value, 8080);
      assert.deepEqual(facts.dependencies.requirements, []);
    });

    it('installs the dependencies from pyproject.toml before the source, then the project itself', async () => {
      const generated = await generate({ cwd: copyOf('pyproject-scripts'), options: { defaults: true } });
      const dockerfile = parseDockerfile(generated.read('Dockerfile'));
      const builder = dockerfile
        .stage('builder')
        .instructions.map((instruction) => `${instruction.getKeyword()} ${runText(instruction)}`);
      const dependencies = builder.findIndex(
        (line) =>
          line.includes('--mount=type=bind,source=pyproject.toml') &&
          line.includes('tomllib') &&
          line.includes('pip --python /opt/venv/bin/python install -r /tmp/requirements.txt'),
      );
      const source = builder.indexOf('COPY . .');
      const project = builder.findIndex((line) => line.endsWith('pip --python /opt/venv/bin/python install .'));
      assert.ok(dependencies >= 0 && dependencies < source && source < project, builder.join('\n'));
      assert.deepEqual(byKeyword(dockerfile.final, 'CMD').map(runText), ['["python", "-m", "shop_api.cli"]']);
      assert.equal(stored(generated).name, 'shop-api');
      assert.equal(stored(generated).port, '8080');
    });

    it('keeps what the build backend needs in the context: README.md, LICENSE, src/', async () => {
      const generated = await generate({ cwd: copyOf('pyproject-scripts'), options: { defaults: true } });
      const patterns = generated
        .read('.dockerignore')
        .split('\n')
        .filter((line) => line.trim() !== '' && !line.startsWith('#'));
      for (const needed of ['README.md', 'LICENSE', 'pyproject.toml', 'src']) {
        assert.ok(
          !patterns.includes(needed) && !patterns.some((pattern) => needed.startsWith(pattern.replace(/\/$/, ''))),
          needed,
        );
      }
    });
  });

  describe('notebooks-only fixture', () => {
    it('chooses the jupyter stack and the notebook, ignoring checkpoints', async () => {
      const dir = copyOf('notebooks-only');
      assert.deepEqual(detectProject(dir).notebooks, ['analysis.ipynb']);
      const generated = await generate({ cwd: dir, options: { defaults: true } });
      assert.equal(stored(generated).stack, 'jupyter');
      assert.equal(stored(generated).entry, 'analysis.ipynb');
      assert.equal(stored(generated).port, 'none');
      assert.equal(stored(generated).health, 'none');
      const compose = parse(generated.read('compose.yaml')) as { services: Record<string, { restart?: string }> };
      assert.equal(Object.values(compose.services)[0]?.restart, 'no');
    });
  });

  describe('mixed fixture (app.py, a notebook, a Procfile with gunicorn)', () => {
    it('stays on python-debian with the script, and takes the port from the gunicorn bind', async () => {
      const dir = copyOf('mixed');
      const facts = detectProject(dir);
      assert.equal(facts.port?.value, 9000);
      assert.deepEqual(facts.notebooks, ['explore.ipynb']);
      const generated = await generate({ cwd: dir, options: { defaults: true } });
      assert.equal(stored(generated).stack, 'python-debian');
      assert.equal(stored(generated).entry, 'app.py');
      assert.equal(stored(generated).port, '9000');
    });
  });

  describe('empty fixture', () => {
    it('falls back to the built-in defaults and names the image after the folder', async () => {
      const dir = copyOf('empty');
      const facts = detectProject(dir);
      assert.equal(facts.entry, undefined);
      assert.equal(facts.port, undefined);
      const generated = await generate({ cwd: dir, options: { defaults: true } });
      const answers = stored(generated);
      assert.equal(answers.stack, 'python-debian');
      assert.equal(answers.name, 'empty');
      assert.equal(answers.entry, 'app.py');
      assert.equal(answers.port, 'none');
      assert.equal(answers.volumes, '/home/app/data');
      assert.ok(!generated.read('Dockerfile').includes('requirements.txt'));
    });
  });

  describe('ports in the obvious places', () => {
    const cases: [string, number | undefined][] = [
      ['uvicorn main:app --host 0.0.0.0 --port 8001', 8001],
      ['gunicorn -b :8002 app:app', 8002],
      ['gunicorn --bind=0.0.0.0:8003 wsgi', 8003],
      ['flask run --host 0.0.0.0 --port 8004', 8004],
      ['PORT = int(os.getenv("PORT", "8005"))', 8005],
      ["port = int(os.environ.get('PORT') or 8006)", 8006],
      ['PORT=8007', 8007],
      ['print("hello")', undefined],
    ];
    for (const [text, port] of cases) {
      it(`${text} -> ${String(port)}`, () => assert.equal(findPort([text]), port));
    }
  });

  describe('pyproject.toml reading', () => {
    it('handles comments, literal strings, multi-line arrays and unknown tables', () => {
      const parsed = readPyproject(
        parseToml(
          '# top\n[tool.x]\nname = "not this"\n[project]\nname = \'pkg\' # comment\ndependencies = [\n  "a==1", # first\n  \'b>=2; python_version>"3.8"\',\n]\n[project.scripts]\nrun = "pkg.main:cli"\n',
        ),
      );
      assert.equal(parsed.name, 'pkg');
      assert.deepEqual(parsed.dependencies, ['a==1', 'b>=2; python_version>"3.8"']);
      assert.deepEqual(parsed.scripts, [{ name: 'run', module: 'pkg.main', func: 'cli' }]);
    });
  });
});
