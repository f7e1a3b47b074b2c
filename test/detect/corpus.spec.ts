/**
 * The fixture corpus (test/fixtures/projects/), shaped like real projects, through detection and the answers
 * model as `--defaults` settles them: what each project runs, on which port, how its health is checked, on
 * which Python and stack. Public projects each shape follows are named in the fixture's row.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { ANSWER_NAMES } from '../../src/answers.js';
import { newestPython } from '../../src/catalogue.js';
import { detectProject } from '../../src/detect/index.js';
import { resolveAnswers } from '../../src/resolve.js';
import { FIXTURES } from '../support/project-dirs.js';

interface Row {
  /** The public project whose shape the fixture follows. */
  readonly like: string;
  readonly entry: string;
  readonly port: string;
  readonly health: string;
  readonly healthpath?: string;
  readonly python: string;
  readonly stack: string;
}

const NEWEST = newestPython();

const TABLE: Readonly<Record<string, Row>> = {
  'django-procfile': {
    like: 'heroku/python-getting-started: Procfile with gunicorn --config, release: migrate, STATIC_ROOT',
    entry: 'gunicorn --config gunicorn.conf.py gettingstarted.wsgi',
    port: '8000',
    // /health/ exists, but SECURE_SSL_REDIRECT may send the probe to HTTPS: a tcp check, never a false alarm.
    health: 'tcp',
    python: '3.13',
    stack: 'python-debian',
  },
  'django-subdir': {
    like: 'a Django backend in backend/ beside a frontend, Procfile with cd && runserver',
    entry: 'gunicorn --chdir backend mysite.wsgi',
    port: '8000',
    health: 'http',
    healthpath: '/api/healthz/',
    python: '3.12',
    stack: 'python-debian',
  },
  empty: {
    like: 'a new repository',
    entry: 'app.py',
    port: 'none',
    health: 'none',
    python: NEWEST,
    stack: 'python-debian',
  },
  'fastapi-fullstack': {
    like: 'fastapi/full-stack-fastapi-template backend: routers, prefixes from settings.API_V1_STR',
    entry: 'uvicorn app.main:app',
    port: '8000',
    health: 'http',
    healthpath: '/api/v1/utils/health-check/',
    python: NEWEST,
    stack: 'python-debian',
  },
  'flask-tutorial': {
    like: 'pallets/flask examples/tutorial (flaskr): create_app() factory, blueprints',
    entry: "gunicorn 'flaskr:create_app()'",
    port: '8000',
    health: 'tcp',
    python: NEWEST,
    stack: 'python-debian',
  },
  mixed: {
    like: 'a WSGI app.py with a Procfile binding port 9000, and an exploration notebook',
    entry: 'gunicorn app:app --bind 0.0.0.0:9000',
    port: '9000',
    health: 'tcp',
    python: NEWEST,
    stack: 'python-debian',
  },
  'notebooks-helpers': {
    like: 'a data-science repository: notebooks/ in order, src/ helpers, an R notebook',
    entry: 'notebooks/01-explore.ipynb',
    port: 'none',
    health: 'none',
    python: NEWEST,
    stack: 'jupyter',
  },
  'notebooks-odd-names': {
    like: 'notebooks saved as "Untitled 1" and with accents',
    entry: 'Résumé des ventes.ipynb',
    port: 'none',
    health: 'none',
    python: NEWEST,
    stack: 'jupyter',
  },
  'notebooks-only': {
    like: 'one notebook and its data',
    entry: 'analysis.ipynb',
    port: 'none',
    health: 'none',
    python: NEWEST,
    stack: 'jupyter',
  },
  'package-main': {
    like: 'a queue worker run as python -m worker, .tool-versions (asdf)',
    entry: '-m worker',
    port: 'none',
    health: 'none',
    python: '3.13',
    stack: 'python-debian',
  },
  'poetry-fastapi': {
    like: 'a Poetry FastAPI app whose console script runs uvicorn with reload (poetry run start)',
    entry: 'uvicorn app.main:app',
    port: '8000',
    health: 'http',
    healthpath: '/health',
    python: NEWEST,
    stack: 'python-debian',
  },
  'pyproject-scripts': {
    like: 'a hatchling src-layout package whose console script starts uvicorn on 8080',
    entry: 'shop-api',
    port: '8080',
    health: 'tcp',
    python: NEWEST,
    stack: 'python-debian',
  },
  'requirements-only': {
    like: 'the Flask quickstart: app.py, app.run(port=5000), requirements.txt',
    entry: 'gunicorn app:app',
    port: '8000',
    health: 'http',
    healthpath: '/healthz',
    python: NEWEST,
    stack: 'python-debian',
  },
  'script-job': {
    like: 'a nightly ETL script with a main guard and a lib/ package (a redis client on 6379)',
    entry: 'etl.py',
    port: 'none',
    health: 'none',
    python: NEWEST,
    stack: 'python-debian',
  },
  'src-layout-uv': {
    like: 'a uv project (package = false) with its code under src/: Starlette routes and mounts',
    entry: 'uvicorn --app-dir src inventory.main:app',
    port: '8000',
    health: 'http',
    healthpath: '/api/health',
    python: '3.12',
    stack: 'python-debian',
  },
  'streamlit-multipage': {
    like: 'streamlit demo apps: streamlit_app.py, pages/, a helper module',
    entry: 'streamlit run streamlit_app.py',
    port: '8501',
    health: 'http',
    healthpath: '/_stcore/health',
    python: NEWEST,
    stack: 'python-debian',
  },
  'uv-app': {
    like: 'uv init --app: main.py with a main guard, .python-version',
    entry: 'main.py',
    port: 'none',
    health: 'none',
    python: '3.13',
    stack: 'python-debian',
  },
};

/** Projects where nothing can be run: --defaults must fail naming --entry. */
const NOTHING: Readonly<Record<string, string>> = {
  'nothing-detectable': 'a library (setup.cfg, a package, a helper module): nothing to run',
};

const settled = async (fixture: string): Promise<Partial<Record<string, string>>> => {
  const facts = detectProject(`${FIXTURES}${fixture}`);
  const { texts } = await resolveAnswers(
    ANSWER_NAMES,
    { options: {}, stored: {}, storedFile: '.yo-rc.json', facts },
    { takeDefaults: true },
  );
  return texts;
};

describe('detection on the fixture corpus, settled as --defaults does', () => {
  it('covers every fixture project, and at least 12', () => {
    const fixtures = readdirSync(FIXTURES).sort();
    assert.deepEqual(fixtures, [...Object.keys(TABLE), ...Object.keys(NOTHING)].sort());
    assert.ok(fixtures.length >= 12);
  });

  for (const [fixture, row] of Object.entries(TABLE)) {
    it(`${fixture} (${row.like}) runs ${row.entry} on port ${row.port}, health ${row.healthpath ?? row.health}, Python ${row.python}, ${row.stack}`, async () => {
      const texts = await settled(fixture);
      assert.deepEqual(
        {
          entry: texts.entry,
          port: texts.port,
          health: texts.health,
          healthpath: texts.healthpath,
          python: texts.python,
          stack: texts.stack,
        },
        {
          entry: row.entry,
          port: row.port,
          health: row.health,
          healthpath: row.healthpath,
          python: row.python,
          stack: row.stack,
        },
      );
    });
  }

  it('says why for every value it detects', () => {
    for (const fixture of Object.keys(TABLE)) {
      const facts = detectProject(`${FIXTURES}${fixture}`);
      for (const detected of [facts.entry, facts.port, facts.healthpath, facts.python, facts.notebookEntry]) {
        if (detected !== undefined) assert.ok(detected.why.length > 10, `${fixture}: ${JSON.stringify(detected)}`);
      }
    }
  });

  for (const [fixture, like] of Object.entries(NOTHING)) {
    it(`${fixture} (${like}): --defaults fails in one line naming --entry`, async () => {
      await assert.rejects(settled(fixture), (error: Error) => {
        assert.match(error.message, /^--entry is needed: nothing to run was detected/);
        assert.ok(!error.message.includes('\n'));
        return true;
      });
    });
  }
});
