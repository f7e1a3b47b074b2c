/**
 * Detection seen from the generator: the fixture projects run through the real generator (yeoman-test, as
 * `npx docker-best --defaults` runs it), and the Dockerfile's CMD, EXPOSE and HEALTHCHECK read back with a
 * Dockerfile parser: what an expert would write for each shape of project.
 */
import assert from 'node:assert/strict';
import type { Instruction } from 'dockerfile-ast';
import { parse } from 'yaml';
import { byKeyword, execArgs, parseDockerfile, runText } from '../../tools/dockerfile.js';
import { generate, type Generated } from '../support/generate.js';
import { copyOf } from '../support/project-dirs.js';

const stored = (generated: Generated): Record<string, string> =>
  (JSON.parse(generated.read('.yo-rc.json')) as Record<string, Record<string, string>>)['generator-docker-best'] ?? {};

interface Runtime {
  cmd: string[];
  expose: string[];
  health: string[] | 'NONE';
  workdir: string;
}

const only = (instructions: Instruction[], keyword: string): Instruction => {
  assert.equal(instructions.length, 1, `one ${keyword} in the final stage`);
  const [instruction] = instructions;
  if (instruction === undefined) throw new Error(`no ${keyword}`);
  return instruction;
};

/** The final stage's CMD, EXPOSE, HEALTHCHECK and last WORKDIR, as Docker reads them. */
const runtime = (generated: Generated): Runtime => {
  const final = parseDockerfile(generated.read('Dockerfile')).final;
  const health = only(byKeyword(final, 'HEALTHCHECK'), 'HEALTHCHECK');
  const workdirs = byKeyword(final, 'WORKDIR');
  const workdir = workdirs[workdirs.length - 1];
  return {
    cmd: execArgs(only(byKeyword(final, 'CMD'), 'CMD')),
    expose: byKeyword(final, 'EXPOSE').map(runText),
    health: runText(health) === 'NONE' ? 'NONE' : execArgs(health),
    workdir: workdir === undefined ? '' : runText(workdir),
  };
};

const httpProbe = (port: number, path: string): string[] => [
  'python',
  '-c',
  `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${port}${path}', timeout=4)`,
];

const tcpProbe = (port: number): string[] => [
  'python',
  '-c',
  `import socket; socket.create_connection(('127.0.0.1', ${port}), timeout=4).close()`,
];

describe('detected projects through the generator: the CMD, EXPOSE and HEALTHCHECK an expert would write', () => {
  it('FastAPI with routers under /api/v1: uvicorn on 0.0.0.0:8000, probing the health-check route', async () => {
    const generated = await generate({ cwd: copyOf('fastapi-fullstack'), options: { defaults: true } });
    assert.deepEqual(runtime(generated), {
      cmd: ['uvicorn', '--host', '0.0.0.0', '--port', '8000', 'app.main:app'],
      expose: ['8000'],
      health: httpProbe(8000, '/api/v1/utils/health-check/'),
      workdir: '/app',
    });
  });

  it("Flask tutorial's create_app() factory: gunicorn 'flaskr:create_app()' bound to 0.0.0.0:8000, a tcp probe", async () => {
    const generated = await generate({ cwd: copyOf('flask-tutorial'), options: { defaults: true } });
    assert.deepEqual(runtime(generated), {
      cmd: ['gunicorn', '--bind', '0.0.0.0:8000', 'flaskr:create_app()'],
      expose: ['8000'],
      health: tcpProbe(8000),
      workdir: '/app',
    });
  });

  it('Django in backend/ with a runserver Procfile: gunicorn --chdir backend, the /api/healthz/ route', async () => {
    const generated = await generate({ cwd: copyOf('django-subdir'), options: { defaults: true } });
    assert.deepEqual(runtime(generated), {
      cmd: ['gunicorn', '--bind', '0.0.0.0:8000', '--chdir', 'backend', 'mysite.wsgi'],
      expose: ['8000'],
      health: httpProbe(8000, '/api/healthz/'),
      workdir: '/app',
    });
  });

  it("Streamlit: streamlit run with its server flags, probing Streamlit's own health route", async () => {
    const generated = await generate({ cwd: copyOf('streamlit-multipage'), options: { defaults: true } });
    assert.deepEqual(runtime(generated), {
      cmd: [
        'streamlit',
        'run',
        'streamlit_app.py',
        '--server.address',
        '0.0.0.0',
        '--server.port',
        '8501',
        '--server.headless',
        'true',
      ],
      expose: ['8501'],
      health: httpProbe(8501, '/_stcore/health'),
      workdir: '/app',
    });
  });

  it('a uv project with its code under src/ and no build backend: uvicorn --app-dir src', async () => {
    const generated = await generate({ cwd: copyOf('src-layout-uv'), options: { defaults: true } });
    assert.deepEqual(runtime(generated).cmd, [
      'uvicorn',
      '--host',
      '0.0.0.0',
      '--port',
      '8000',
      '--app-dir',
      'src',
      'inventory.main:app',
    ]);
    assert.equal(stored(generated).python, '3.12');
  });

  it('a console script of an installed package: the script by name, the port its code serves on', async () => {
    const generated = await generate({ cwd: copyOf('pyproject-scripts'), options: { defaults: true } });
    assert.deepEqual(runtime(generated), {
      cmd: ['shop-api'],
      expose: ['8080'],
      health: tcpProbe(8080),
      workdir: '/app',
    });
    assert.equal(stored(generated).name, 'shop-api');
  });

  it('a script job: python etl.py, no port, no healthcheck, not restarted', async () => {
    const generated = await generate({ cwd: copyOf('script-job'), options: { defaults: true } });
    assert.deepEqual(runtime(generated), { cmd: ['python', 'etl.py'], expose: [], health: 'NONE', workdir: '/app' });
    const compose = parse(generated.read('compose.yaml')) as { services: Record<string, { restart?: string }> };
    assert.equal(Object.values(compose.services)[0]?.restart, 'no');
  });

  it('notebooks in a folder with helpers: the jupyter stack runs the first notebook with code, from its folder', async () => {
    const generated = await generate({ cwd: copyOf('notebooks-helpers'), options: { defaults: true } });
    assert.equal(stored(generated).stack, 'jupyter');
    assert.equal(stored(generated).entry, 'notebooks/01-explore.ipynb');
    assert.deepEqual(runtime(generated), {
      cmd: ['python', '01-explore.py'],
      expose: [],
      health: 'NONE',
      workdir: '/app/notebooks',
    });
  });

  it('a notebook named with spaces and accents is copied and run in JSON form', async () => {
    const generated = await generate({ cwd: copyOf('notebooks-odd-names'), options: { defaults: true } });
    const dockerfile = parseDockerfile(generated.read('Dockerfile'));
    const copies = byKeyword(dockerfile.stage('convert'), 'COPY').map(execArgs);
    assert.ok(
      copies.some((args) => args[0] === 'Résumé des ventes.ipynb'),
      JSON.stringify(copies),
    );
    assert.deepEqual(runtime(generated).cmd, ['python', 'Résumé des ventes.py']);
  });

  it('offers the detected values in the prompts, marked as detected', async () => {
    const generated = await generate({ cwd: copyOf('requirements-only'), answers: { details: true } });
    const byName = new Map(generated.prompts.map((prompt) => [prompt.name, prompt]));
    assert.equal(byName.get('entry')?.shown, '(gunicorn app:app, detected)');
    assert.equal(byName.get('port')?.shown, '(8000, detected)');
    assert.equal(byName.get('health')?.default, 'http');
    assert.equal(byName.get('healthpath')?.shown, '(/healthz, detected)');
    assert.equal(byName.get('stack')?.default, 'python-debian');
    assert.equal(byName.get('uid')?.shown, '(10001)', 'a built-in default is not marked detected');
  });

  it('installs pyproject.toml dependencies before the source, then the project itself', async () => {
    const generated = await generate({ cwd: copyOf('pyproject-scripts'), options: { defaults: true } });
    const builder = parseDockerfile(generated.read('Dockerfile'))
      .stage('builder')
      .instructions.map((instruction) => `${instruction.getKeyword()} ${runText(instruction)}`);
    const dependencies = builder.findIndex(
      (line) =>
        line.includes('--mount=type=bind,source=pyproject.toml') &&
        line.includes('tomllib') &&
        line.includes('pip --python /opt/venv/bin/python install --no-compile -r /tmp/requirements.txt'),
    );
    const source = builder.indexOf('COPY . .');
    const project = builder.findIndex((line) =>
      line.includes('pip --python /opt/venv/bin/python install --no-compile .'),
    );
    assert.ok(dependencies >= 0 && dependencies < source && source < project, builder.join('\n'));
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

  it('an empty folder gets the built-in defaults and an image named after the folder', async () => {
    const generated = await generate({ cwd: copyOf('empty'), options: { defaults: true } });
    const answers = stored(generated);
    assert.equal(answers.stack, 'python-debian');
    assert.equal(answers.name, 'empty');
    assert.equal(answers.entry, 'app.py');
    assert.equal(answers.port, 'none');
    assert.ok(!generated.read('Dockerfile').includes('requirements.txt'));
  });
});
