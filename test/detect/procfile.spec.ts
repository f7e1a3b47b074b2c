/** Procfile lines (src/detect/procfile.ts) and what detection makes of a project's Procfile. */
import assert from 'node:assert/strict';
import { readProcfile, readWeb, shown, type WebLine } from '../../src/detect/procfile.js';
import { detect } from '../support/project-dirs.js';

const web = (line: string): WebLine => {
  const [process] = readProcfile(`web: ${line}\n`);
  if (process === undefined) throw new Error('no web line');
  return readWeb(process);
};

describe('Procfile', () => {
  it('reads process lines, skipping comments, blanks and malformed lines', () => {
    const lines = readProcfile('# a comment\n\nweb: gunicorn app:app\nrelease: python manage.py migrate\nnot a line\n');
    assert.deepEqual(
      lines.map((line) => [line.name, line.steps]),
      [
        ['web', [['gunicorn', 'app:app']]],
        ['release', [['python', 'manage.py', 'migrate']]],
      ],
    );
  });

  const servers: [string, readonly string[], number | undefined][] = [
    ['gunicorn app:app --bind 0.0.0.0:$PORT', ['gunicorn', 'app:app'], undefined],
    [
      'gunicorn -b :$PORT --workers $WEB_CONCURRENCY app:app --log-file -',
      ['gunicorn', 'app:app', '--log-file', '-'],
      undefined,
    ],
    ['uvicorn main:app --host=0.0.0.0 --port=${PORT:-5000}', ['uvicorn', 'main:app', '--host=0.0.0.0'], 5000],
    [
      'uvicorn main:app --host 0.0.0.0 --port ${PORT:-8080} --reload',
      ['uvicorn', 'main:app', '--host', '0.0.0.0'],
      8080,
    ],
    ['python -m gunicorn "app:create_app()"', ['python', '-m', 'gunicorn', 'app:create_app()'], undefined],
    ['exec newrelic-admin run-program gunicorn app:app', ['gunicorn', 'app:app'], undefined],
    ['fastapi dev app/main.py --port $PORT', ['fastapi', 'run', 'app/main.py'], undefined],
    ['streamlit run app.py --server.port $PORT', ['streamlit', 'run', 'app.py'], undefined],
    ['WEB_CONCURRENCY=3 gunicorn app:app', ['gunicorn', 'app:app'], undefined],
  ];
  for (const [line, argv, port] of servers) {
    it(`web: ${line} -> ${argv.join(' ')}${port === undefined ? '' : ` on ${port}`}`, () => {
      const { process } = web(line);
      assert.equal(process.kind, 'server');
      if (process.kind !== 'server') return;
      assert.deepEqual(process.argv, argv);
      assert.equal(process.port, port);
    });
  }

  it('keeps the steps before the server, and a leading cd', () => {
    const line = web('cd backend && python manage.py migrate && gunicorn mysite.wsgi');
    assert.equal(line.dir, 'backend');
    assert.deepEqual(line.before, [['python', 'manage.py', 'migrate']]);
    assert.equal(line.process.kind, 'server');
  });

  it('tells development servers: flask run (with its --app), manage.py runserver', () => {
    assert.deepEqual(web('flask --app flaskr run --host 0.0.0.0 --port $PORT').process, {
      kind: 'dev',
      server: 'flask',
      app: 'flaskr',
      notes: [],
    });
    assert.equal(web('python manage.py runserver 0.0.0.0:$PORT').process.kind, 'dev');
  });

  it('tells python scripts and modules', () => {
    assert.deepEqual(web('python bot.py').process, { kind: 'python', script: 'bot.py', notes: [] });
    assert.deepEqual(web('python3 -m worker').process, { kind: 'python', module: 'worker', notes: [] });
  });

  for (const line of [
    'bin/start-nginx gunicorn app:app',
    'gunicorn app:app | tee log',
    'gunicorn $APP_MODULE',
    'sh -c "gunicorn app:app"',
  ]) {
    it(`does not use web: ${line}`, () => assert.equal(web(line).process.kind, 'unknown'));
  }

  it('shows variables as they were written', () => {
    const [line] = readProcfile('web: gunicorn -b 0.0.0.0:${PORT:-5000} app:app\n');
    assert.equal(line?.steps?.[0]?.map(shown).join(' '), 'gunicorn -b 0.0.0.0:${PORT:-5000} app:app');
  });

  describe('in a project', () => {
    it('turns flask run into gunicorn serving the Flask app it names, and release: into a one-off', () => {
      const facts = detect({
        Procfile: 'web: flask --app hello run --host=0.0.0.0 --port=$PORT\nrelease: flask db upgrade\n',
        'hello.py': 'from flask import Flask\n\napp = Flask(__name__)\n',
      });
      assert.equal(facts.entry?.value, 'gunicorn hello:app');
      assert.match(facts.entry?.why ?? '', /flask run is a development server/);
      assert.deepEqual(
        facts.oneOffs.map((oneOff) => oneOff.argv),
        [['flask', 'db', 'upgrade']],
      );
    });

    it('turns python app.py of a FastAPI module into uvicorn', () => {
      const facts = detect({
        Procfile: 'web: python main.py\n',
        'main.py':
          'import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\nif __name__ == "__main__":\n    uvicorn.run(app, host="0.0.0.0", port=5000)\n',
      });
      assert.equal(facts.entry?.value, 'uvicorn main:app');
      assert.equal(facts.port?.value, 8000);
    });

    it('keeps python bot.py of a script that is no web app, with the port its code names', () => {
      const facts = detect({
        Procfile: 'web: python bot.py\n',
        'bot.py':
          'import os\nfrom aiohttp import web\n\napp = web.Application()\nweb.run_app(app, port=int(os.environ.get("PORT", 8081)))\n',
      });
      assert.equal(facts.entry?.value, 'bot.py');
      assert.equal(facts.port?.value, 8081);
    });

    it('drops collectstatic when steps come before the server, and runs migrations from the cd folder', () => {
      const facts = detect({
        Procfile:
          'web: cd src && python manage.py collectstatic --noinput && python manage.py migrate && gunicorn site.wsgi\n',
        'src/manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")\n',
        'src/site/__init__.py': '',
        'src/site/settings.py': 'ALLOWED_HOSTS = ["*"]\n',
        'src/site/wsgi.py': 'application = None\n',
      });
      assert.equal(facts.entry?.value, 'gunicorn --chdir src site.wsgi');
      assert.deepEqual(
        facts.oneOffs.map((oneOff) => oneOff.argv),
        [['python', 'src/manage.py', 'migrate']],
      );
    });

    it('falls back to the code, with a warning, when the web line names what the project does not have', () => {
      const facts = detect({
        Procfile: 'web: gunicorn missing.wsgi\n',
        'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
      });
      assert.equal(facts.entry?.value, 'gunicorn app:app');
      assert.ok(facts.warnings.some((warning) => warning.includes('module missing.wsgi is not in the project')));
    });

    it('falls back to the code, with a warning, on a line it does not understand', () => {
      const facts = detect({
        Procfile: 'web: bin/start-pgbouncer gunicorn app:app\n',
        'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
      });
      assert.equal(facts.entry?.value, 'gunicorn app:app');
      assert.ok(facts.warnings.some((warning) => warning.startsWith('Procfile web: bin/start-pgbouncer')));
    });
  });
});
