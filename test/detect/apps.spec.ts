/** Applications found in the code (src/detect/apps.ts) and the server command that serves each. */
import assert from 'node:assert/strict';
import { detect } from '../support/project-dirs.js';

const HATCH = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n';

describe('applications in the code', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['a FastAPI app in main.py', { 'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n' }, 'uvicorn main:app'],
    [
      'FastAPI imported as a module, annotated',
      { 'api/__init__.py': '', 'api/server.py': 'import fastapi\napi: fastapi.FastAPI = fastapi.FastAPI()\n' },
      'uvicorn api.server:api',
    ],
    ['a Quart app', { 'app.py': 'from quart import Quart\napp = Quart(__name__)\n' }, 'uvicorn app:app'],
    [
      'a Litestar app',
      {
        'app.py':
          'from litestar import Litestar, get\n\n@get("/")\nasync def index() -> str:\n    return "hi"\n\napp = Litestar([index])\n',
      },
      'uvicorn app:app',
    ],
    ['Falcon, WSGI and ASGI', { 'wsgi_app.py': 'import falcon\napp = falcon.App()\n' }, 'gunicorn wsgi_app:app'],
    ['Falcon ASGI', { 'asgi_app.py': 'import falcon.asgi\napp = falcon.asgi.App()\n' }, 'uvicorn asgi_app:app'],
    [
      'an Elastic Beanstalk style application.py',
      { 'application.py': 'from flask import Flask\napplication = Flask(__name__)\n' },
      'gunicorn application:application',
    ],
    [
      'a wsgi.py that makes the app with a factory from the package',
      {
        'shop/__init__.py': 'from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    return app\n',
        'wsgi.py': 'from shop import create_app\n\napp = create_app()\n',
      },
      'gunicorn wsgi:app',
    ],
    [
      'a FastAPI factory with no instance: uvicorn --factory',
      {
        'svc/__init__.py': '',
        'svc/main.py':
          'from fastapi import FastAPI\n\ndef create_app() -> FastAPI:\n    api = FastAPI()\n    return api\n',
      },
      'uvicorn --factory svc.main:create_app',
    ],
    [
      'a Dash app with its Flask server exposed',
      {
        'app.py':
          'from dash import Dash, html\napp = Dash(__name__)\nserver = app.server\napp.layout = html.Div("hi")\n',
      },
      'gunicorn app:server',
    ],
    [
      'code under src/ of a project that installs itself: importable as it is',
      {
        'pyproject.toml': `[project]\nname = "svc"\n${HATCH}`,
        'src/svc/__init__.py': '',
        'src/svc/api.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      },
      'uvicorn svc.api:app',
    ],
    [
      'code under src/ of a project that does not install itself: --app-dir src',
      {
        'requirements.txt': 'fastapi\n',
        'src/svc/__init__.py': '',
        'src/svc/api.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      },
      'uvicorn --app-dir src svc.api:app',
    ],
    [
      'Flask code under src/ of a project that does not install itself: gunicorn --chdir src',
      { 'src/web.py': 'from flask import Flask\napp = Flask(__name__)\n' },
      'gunicorn --chdir src web:app',
    ],
    [
      'a backend/ folder whose modules import each other by their own names',
      {
        'backend/main.py':
          'from fastapi import FastAPI\nfrom routers import items\napp = FastAPI()\napp.include_router(items.router)\n',
        'backend/routers/__init__.py': '',
        'backend/routers/items.py': 'from fastapi import APIRouter\nrouter = APIRouter()\n',
      },
      'uvicorn --app-dir backend main:app',
    ],
    [
      'a backend/ folder imported from the top (`from backend.routers import ...`)',
      {
        'backend/main.py': 'from fastapi import FastAPI\nfrom backend.routers import items\napp = FastAPI()\n',
        'backend/routers/__init__.py': '',
        'backend/routers/items.py': '',
      },
      'uvicorn backend.main:app',
    ],
    [
      'an app beside a test that makes another: the test is not an app',
      {
        'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
        'tests/test_app.py': 'from flask import Flask\nother = Flask("t")\n',
      },
      'gunicorn app:app',
    ],
    [
      '[tool.fastapi] entrypoint names the app',
      {
        'pyproject.toml': '[project]\nname = "x"\n\n[tool.fastapi]\nentrypoint = "service.web:api"\n',
        'service/__init__.py': '',
        'service/web.py': 'from fastapi import FastAPI\napi = FastAPI()\n',
        'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      },
      'uvicorn service.web:api',
    ],
    [
      'an app made in a package and served from the runner that imports its routes (every route registered)',
      {
        'flask_app/__init__.py': 'from flask import Flask\n\napp = Flask(__name__)\n',
        'flask_app/controllers/users.py':
          'from flask_app import app\n\n@app.route("/")\ndef index():\n    return "hi"\n',
        'server.py':
          'from flask_app import app\nfrom flask_app.controllers import users\n\nif __name__ == "__main__":\n    app.run(debug=True)\n',
      },
      'gunicorn server:app',
    ],
    [
      'a runner that imports nothing more than the app, or runs something when imported, is not served',
      {
        'shop/__init__.py': 'from flask import Flask\n\napp = Flask(__name__)\nfrom shop import views\n',
        'shop/views.py': 'from shop import app\n',
        'run.py': 'from shop import app\n\nif __name__ == "__main__":\n    app.run()\n',
        'main.py': 'from shop import app\nfrom shop import views\napp.run()\n',
      },
      'gunicorn shop:app',
    ],
  ];
  for (const [name, files, entry] of cases) {
    it(`${name}: ${entry}`, () => assert.equal(detect(files).entry?.value, entry));
  }

  it('says which app it chose when the code has several, and how to choose another', () => {
    const facts = detect({
      'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      'admin/__init__.py': '',
      'admin/panel.py': 'from fastapi import FastAPI\nadmin_app = FastAPI()\n',
    });
    assert.equal(facts.entry?.value, 'uvicorn main:app');
    assert.match(facts.warnings.join('\n'), /chose main:app \(also admin\.panel:admin_app\): give --entry/);
  });

  it('a Flask app beats a console script; a console script beats a __main__ package and a script', () => {
    const scripts = {
      'pyproject.toml': `[project]\nname = "tool"\n\n[project.scripts]\ntool = "tool.cli:main"\n\n${HATCH}`,
      'tool/__init__.py': '',
      'tool/cli.py': 'def main():\n    print("hi")\n',
      'tool/__main__.py': 'from tool.cli import main\nmain()\n',
      'run.py': 'if __name__ == "__main__":\n    pass\n',
    };
    assert.equal(detect(scripts).entry?.value, 'tool');
    assert.equal(
      detect({ ...scripts, 'tool/web.py': 'from flask import Flask\napp = Flask(__name__)\n' }).entry?.value,
      'gunicorn tool.web:app',
    );
  });

  it('a console script of a project that does not install itself runs its module with -m', () => {
    const facts = detect({
      'pyproject.toml': '[project]\nname = "tool"\n\n[project.scripts]\ntool = "tool.cli:main"\n',
      'tool/__init__.py': '',
      'tool/cli.py': 'def main():\n    print("hi")\n\nif __name__ == "__main__":\n    main()\n',
    });
    assert.equal(facts.entry?.value, '-m tool.cli');
  });

  it('a Poetry console script is one too', () => {
    const facts = detect({
      'pyproject.toml':
        '[tool.poetry]\nname = "reporter"\nversion = "1.0.0"\n\n[tool.poetry.scripts]\nreporter = "reporter.main:run"\n\n[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n',
      'reporter/__init__.py': '',
      'reporter/main.py': 'def run():\n    print("report")\n',
    });
    assert.equal(facts.entry?.value, 'reporter');
  });

  it('never an entry for a console script whose module is not in the project', () => {
    const facts = detect({
      'pyproject.toml': `[project]\nname = "tool"\n\n[project.scripts]\ntool = "missing.cli:main"\n\n${HATCH}`,
      'helpers.py': 'X = 1\n',
    });
    assert.equal(facts.entry, undefined);
  });

  it('the Streamlit script is the one no other imports, not a page of pages/', () => {
    const facts = detect({
      'dashboard.py': 'import streamlit as st\nfrom charts import draw\ndraw()\n',
      'charts.py': 'import streamlit as st\n\ndef draw():\n    st.line_chart([1, 2])\n',
      'pages/1_More.py': 'import streamlit as st\nst.write("more")\n',
    });
    assert.equal(facts.entry?.value, 'streamlit run dashboard.py');
  });

  it('a script with a main guard, best named first; tools like setup.py and manage.py are not entries', () => {
    const facts = detect({
      'setup.py': 'from setuptools import setup\nif __name__ == "__main__":\n    setup()\n',
      'export.py': 'if __name__ == "__main__":\n    print(1)\n',
      'main.py': 'if __name__ == "__main__":\n    print(2)\n',
    });
    assert.equal(facts.entry?.value, 'main.py');
  });

  it('a script with a name the entry cannot take is not offered', () => {
    const facts = detect({ 'my script.py': 'if __name__ == "__main__":\n    print(1)\n' });
    assert.equal(facts.entry, undefined);
  });
  it("a Flask app with instance_relative_config (Flask's tutorial) is warned about its read-only instance folder", () => {
    const factory = (kwargs: string): string =>
      `import os\nfrom flask import Flask\n\ndef create_app():\n    app = Flask(__name__, ${kwargs})\n    app.config.from_mapping(DATABASE=os.path.join(app.instance_path, "flaskr.sqlite"))\n    return app\n`;
    const tutorial = detect({ 'flaskr/__init__.py': factory('instance_relative_config=True') });
    assert.equal(tutorial.entry?.value, "gunicorn 'flaskr:create_app()'");
    assert.ok(
      tutorial.warnings.some((warning) => /instance folder .*FLASK_INSTANCE_PATH=\/home\/app\/data/.test(warning)),
      tutorial.warnings.join('\n'),
    );
    const configured = detect({
      'flaskr/__init__.py': factory(
        'instance_relative_config=True, instance_path=os.environ.get("FLASK_INSTANCE_PATH")',
      ),
    });
    assert.ok(
      !configured.warnings.some((warning) => warning.includes('instance folder')),
      configured.warnings.join('\n'),
    );
  });
});
