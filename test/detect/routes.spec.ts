/**
 * The health route an app really serves, with its whole path (src/detect/routes.ts, src/detect/django.ts):
 * offered only when every part of the path is known and a plain local GET would reach it.
 */
import assert from 'node:assert/strict';
import { detect } from '../support/project-dirs.js';

const health = (files: Record<string, string>): string | undefined => detect(files).healthpath?.value;

const FASTAPI = 'from fastapi import APIRouter, Depends, FastAPI\n';

describe('the health route', () => {
  it('FastAPI: a route on the app', () => {
    assert.equal(
      health({ 'main.py': `${FASTAPI}app = FastAPI()\n\n@app.get("/healthz")\ndef healthz():\n    return {}\n` }),
      '/healthz',
    );
  });

  it('FastAPI: routers with their own prefix, included with another, from constants in other modules', () => {
    assert.equal(
      health({
        'svc/__init__.py': '',
        'svc/config.py': 'API = "/api"\nVERSION = "v2"\nPREFIX = f"{API}/{VERSION}"\n',
        'svc/ops.py': `${FASTAPI}router = APIRouter(prefix="/ops")\n\n@router.api_route("/ping", methods=["GET", "HEAD"])\ndef ping():\n    return "pong"\n`,
        'svc/main.py': `${FASTAPI}from svc import ops\nfrom svc.config import PREFIX\n\napp = FastAPI()\napp.include_router(ops.router, prefix=PREFIX)\n`,
      }),
      '/api/v2/ops/ping',
    );
  });

  it('FastAPI: relative imports of routers, and add_api_route', () => {
    assert.equal(
      health({
        'app/__init__.py': '',
        'app/routers/__init__.py': '',
        'app/routers/status.py': `${FASTAPI}\nasync def live():\n    return {}\n\nrouter = APIRouter()\nrouter.add_api_route("/livez", live)\n`,
        'app/main.py': `${FASTAPI}from .routers import status\n\napp = FastAPI()\napp.include_router(status.router, prefix="/internal")\n`,
      }),
      '/internal/livez',
    );
  });

  it('FastAPI: a sub-application mounted under a path', () => {
    assert.equal(
      health({
        'main.py': `${FASTAPI}app = FastAPI()\nops = FastAPI()\n\n@ops.get("/health")\ndef health():\n    return {}\n\napp.mount("/ops", ops)\n`,
      }),
      '/ops/health',
    );
  });

  it('Flask: blueprints with a url_prefix, registered (with another prefix) inside create_app()', () => {
    assert.equal(
      health({
        'shop/__init__.py':
          'from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    from . import ops\n    app.register_blueprint(ops.bp, url_prefix="/_ops/")\n    return app\n',
        'shop/ops.py':
          'from flask import Blueprint\n\nbp = Blueprint("ops", __name__, url_prefix="/ignored")\n\n@bp.route("/health")\ndef health():\n    return "ok"\n',
      }),
      '/_ops/health',
    );
  });

  it('Flask: routes on an app imported from another module', () => {
    assert.equal(
      health({
        'app/__init__.py': 'from flask import Flask\n\napp = Flask(__name__)\n\nfrom app import views\n',
        'app/views.py': 'from app import app\n\n@app.route("/health-check")\ndef health_check():\n    return "ok"\n',
      }),
      '/health-check',
    );
  });

  it('prefers a health route to a readiness one, and names by the function when the path says nothing', () => {
    assert.equal(
      health({
        'main.py': `${FASTAPI}app = FastAPI()\n\n@app.get("/readyz")\ndef ready():\n    return {}\n\n@app.get("/health")\ndef health():\n    return {}\n`,
      }),
      '/health',
    );
    assert.equal(
      health({ 'main.py': `${FASTAPI}app = FastAPI()\n\n@app.get("/hc")\ndef health_check():\n    return {}\n` }),
      '/hc',
    );
  });

  const none: [string, Record<string, string>][] = [
    [
      'a route that is not GET',
      { 'main.py': `${FASTAPI}app = FastAPI()\n\n@app.post("/health")\ndef health():\n    return {}\n` },
    ],
    [
      'a route behind a dependency',
      {
        'main.py': `${FASTAPI}app = FastAPI()\n\n@app.get("/health", dependencies=[Depends(auth)])\ndef health():\n    return {}\n`,
      },
    ],
    [
      'a route whose function asks for a dependency',
      {
        'main.py': `${FASTAPI}app = FastAPI()\n\n@app.get("/health")\ndef health(user=Depends(current_user)):\n    return {}\n`,
      },
    ],
    [
      'an app whose every route needs a token',
      {
        'main.py': `${FASTAPI}app = FastAPI(dependencies=[Depends(token)])\n\n@app.get("/health")\ndef health():\n    return {}\n`,
      },
    ],
    [
      'a Flask route behind login_required',
      {
        'app.py':
          'from flask import Flask\nfrom flask_login import login_required\napp = Flask(__name__)\n\n@app.route("/health")\n@login_required\ndef health():\n    return "ok"\n',
      },
    ],
    [
      'a prefix from the environment',
      {
        'main.py': `import os\n${FASTAPI}app = FastAPI()\nrouter = APIRouter()\n\n@router.get("/health")\ndef health():\n    return {}\n\napp.include_router(router, prefix=os.environ.get("PREFIX", "/api"))\n`,
      },
    ],
    [
      'a path with a parameter',
      {
        'main.py': `${FASTAPI}app = FastAPI()\n\n@app.get("/health/{component}")\ndef health(component: str):\n    return {}\n`,
      },
    ],
    [
      'a router never included in the app',
      {
        'main.py': `${FASTAPI}app = FastAPI()\nrouter = APIRouter()\n\n@router.get("/health")\ndef health():\n    return {}\n`,
      },
    ],
    [
      'a middleware that refuses plain local requests',
      {
        'main.py': `${FASTAPI}from fastapi.middleware.trustedhost import TrustedHostMiddleware\napp = FastAPI()\napp.add_middleware(TrustedHostMiddleware, allowed_hosts=["example.com"])\n\n@app.get("/health")\ndef health():\n    return {}\n`,
      },
    ],
    [
      'a route in a test file',
      {
        'main.py': `${FASTAPI}app = FastAPI()\n`,
        'tests/test_main.py': 'from main import app\n\n@app.get("/health")\ndef health():\n    return {}\n',
      },
    ],
  ];
  for (const [name, files] of none) {
    it(`none for ${name}: the health check connects to the port instead`, () => {
      const facts = detect(files);
      assert.match(facts.entry?.value ?? '', /^(?:uvicorn|gunicorn) /);
      assert.equal(facts.healthpath, undefined);
    });
  }

  it('says why a route it saw is not probed, when a middleware refuses local requests', () => {
    const facts = detect({
      'app.py':
        'from flask import Flask\nfrom flask_talisman import Talisman\napp = Flask(__name__)\nTalisman(app)\n\n@app.get("/healthz")\ndef healthz():\n    return "ok"\n',
    });
    assert.equal(facts.healthpath, undefined);
    assert.match(facts.warnings.join('\n'), /\/healthz looks like a health route, but app\.py adds a middleware/);
  });

  describe('Django', () => {
    const django = (urls: Record<string, string>, settings = 'ALLOWED_HOSTS = ["*"]\n'): string | undefined =>
      health({
        'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_conf.settings")\n',
        'site_conf/__init__.py': '',
        'site_conf/settings.py': `ROOT_URLCONF = "site_conf.urls"\n${settings}`,
        'site_conf/wsgi.py': 'application = None\n',
        ...urls,
      });

    it('a path in the root URLconf', () => {
      assert.equal(
        django({
          'site_conf/urls.py':
            'from django.urls import path\nfrom ops import views\nurlpatterns = [path("healthz/", views.healthz)]\n',
        }),
        '/healthz/',
      );
    });

    it('under include() prefixes, by module name or by module object, and urlpatterns +=', () => {
      assert.equal(
        django({
          'site_conf/urls.py':
            'from django.urls import include, path\nimport api.urls\nurlpatterns = [path("admin/", admin.site.urls)]\nurlpatterns += [path("api/v1/", include(api.urls))]\n',
          'api/__init__.py': '',
          'api/urls.py': 'from django.urls import include, path\nurlpatterns = [path("ops/", include("ops.urls"))]\n',
          'ops/__init__.py': '',
          'ops/urls.py':
            'from django.urls import re_path\nfrom . import views\nurlpatterns = [re_path(r"^ping/?$", views.ping)]\n',
        }),
        '/api/v1/ops/ping/',
      );
    });

    it("django-health-check's own URLs, at the prefix they are included under", () => {
      assert.equal(
        django({
          'site_conf/urls.py':
            'from django.urls import include, path\nurlpatterns = [path("ht/", include("health_check.urls"))]\n',
        }),
        '/ht/',
      );
    });

    it('none when ALLOWED_HOSTS would refuse 127.0.0.1, or comes from the environment', () => {
      const urls = {
        'site_conf/urls.py': 'from django.urls import path\nurlpatterns = [path("health/", views.health)]\n',
      };
      assert.equal(django(urls, 'ALLOWED_HOSTS = ["shop.example.com"]\n'), undefined);
      assert.equal(django(urls, 'import os\nALLOWED_HOSTS = os.environ["HOSTS"].split(",")\n'), undefined);
      assert.equal(django(urls, 'ALLOWED_HOSTS = ["127.0.0.1"]\n'), '/health/');
    });
  });
});
