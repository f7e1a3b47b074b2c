/**
 * Django settings that would not work in the read-only container: a SQLite database kept in the project (as
 * `django-admin startproject` writes it) is said in a warning with the fix; one whose path comes from the
 * environment is not.
 */
import assert from 'node:assert/strict';
import { detect } from '../support/project-dirs.js';

const site = (databases: string): Record<string, string> => ({
  'manage.py':
    "import os\nimport sys\n\nif __name__ == '__main__':\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n    from django.core.management import execute_from_command_line\n    execute_from_command_line(sys.argv)\n",
  'mysite/__init__.py': '',
  'mysite/settings.py': `import os\nfrom pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent.parent\nSECRET_KEY = 'x'\nROOT_URLCONF = 'mysite.urls'\n\n${databases}\n`,
  'mysite/urls.py': 'urlpatterns = []\n',
  'mysite/wsgi.py': 'from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n',
});

const sqliteWarning = (facts: ReturnType<typeof detect>): string | undefined =>
  facts.warnings.find((warning) => warning.includes('SQLite database in the project'));

describe('Django settings in a read-only container', () => {
  it("warns about startproject's SQLite database in BASE_DIR, naming the fix", () => {
    for (const name of ["BASE_DIR / 'db.sqlite3'", "os.path.join(BASE_DIR, 'db.sqlite3')", "'db.sqlite3'"]) {
      const facts = detect(
        site(
          `DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.sqlite3',\n        'NAME': ${name},\n    }\n}`,
        ),
      );
      const warning = sqliteWarning(facts);
      assert.ok(warning, `${name}: ${facts.warnings.join('\n')}`);
      assert.match(warning, /SQLITE_PATH=\/home\/app\/data\/db\.sqlite3/);
    }
  });

  it('says nothing when the path or the database comes from the environment, or it is not SQLite', () => {
    for (const databases of [
      "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': os.environ.get('SQLITE_PATH', BASE_DIR / 'db.sqlite3')}}",
      "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'shop'}}",
      "DATABASES = {'default': dj_database_url.config(default='sqlite:///db.sqlite3')}",
      "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': '/var/lib/shop/db.sqlite3'}}",
    ]) {
      const facts = detect(site(databases));
      assert.equal(sqliteWarning(facts), undefined, databases);
    }
  });
});

describe('Django collectstatic at build time, on settings shaped like real ones', () => {
  it('runs it when STATIC_ROOT is set for every run, not when it is set only under a condition (and says so)', () => {
    const always = detect(site("STATIC_ROOT = BASE_DIR / 'staticfiles'"));
    assert.equal(always.django?.staticRoot, true);
    const guarded = detect(
      site(
        "MODE = os.environ.get('MODE', 'DEVELOPMENT')\nif MODE in ['PRODUCTION', 'MIGRATE']:\n    STATIC_ROOT = BASE_DIR / 'staticfiles'",
      ),
    );
    assert.equal(guarded.django?.staticRoot, false);
    assert.ok(
      guarded.warnings.some((warning) =>
        /^mysite\/settings\.py sets STATIC_ROOT only under a condition, so collectstatic does not run/.test(warning),
      ),
      guarded.warnings.join('\n'),
    );
  });

  it('gives collectstatic a value of the right shape for each setting read from the environment with no default', () => {
    const facts = detect(
      site(
        [
          'from decouple import Csv, config',
          'import dj_database_url',
          'import environ',
          'env = environ.Env()',
          "STATIC_ROOT = BASE_DIR / 'static'",
          "DEBUG = config('DEBUG', cast=bool)",
          "ALLOWED_HOSTS = config('ALLOWED_HOSTS', cast=Csv())",
          "DATABASES = {'default': config('DATABASE_URL', cast=dj_database_url.parse)}",
          "TIME_ZONE = config('TIME_ZONE', default='UTC')",
          "CACHES = {'default': env.cache('REDIS_URL')}",
          "WORKERS = env.int('WORKERS')",
          "SENTRY_DSN = os.environ['SENTRY_DSN']",
          "OTHER = os.environ.get('OTHER')",
          "REPLICA = {'default': dj_database_url.parse(os.environ.get('REPLICA_URL'))}",
        ].join('\n'),
      ),
    );
    assert.deepEqual(Object.fromEntries((facts.django?.collectstaticEnv ?? []).map(({ key, value }) => [key, value])), {
      SENTRY_DSN: 'collectstatic-only',
      DEBUG: 'False',
      ALLOWED_HOSTS: 'localhost',
      DATABASE_URL: 'sqlite://:memory:',
      REDIS_URL: 'locmemcache://',
      WORKERS: '0',
      REPLICA_URL: 'sqlite://:memory:',
    });
  });

  it('gives no placeholder to a variable the settings only set, or read after checking that it is there (paperless-ngx)', () => {
    const facts = detect(
      site(
        [
          "STATIC_ROOT = BASE_DIR / 'static'",
          "os.environ['OMP_THREAD_LIMIT'] = '1'",
          'if "PAPERLESS_PROXY_SSL_HEADER" in os.environ:',
          '    SECURE_PROXY_SSL_HEADER = tuple(json.loads(os.environ["PAPERLESS_PROXY_SSL_HEADER"]))',
          "if os.environ.get('PAPERLESS_DBHOST'):",
          "    DATABASES = {'default': {'HOST': os.environ['PAPERLESS_DBHOST']}}",
          "SECRET_KEY = os.environ['PAPERLESS_SECRET_KEY']",
        ].join('\n'),
      ),
    );
    assert.deepEqual(
      (facts.django?.collectstaticEnv ?? []).map(({ key }) => key),
      ['PAPERLESS_SECRET_KEY'],
    );
  });
});

describe('Django settings the server runs with', () => {
  it('cookiecutter-django: manage.py names the local settings, wsgi.py the production ones, which the image sets', () => {
    const manage =
      "import os\nimport sys\n\nif __name__ == '__main__':\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.local')\n    from django.core.management import execute_from_command_line\n    execute_from_command_line(sys.argv)\n";
    const facts = detect({
      'manage.py': manage,
      'config/__init__.py': '',
      'config/settings/__init__.py': '',
      'config/settings/base.py':
        "import environ\nenv = environ.Env()\nROOT_URLCONF = 'config.urls'\nWSGI_APPLICATION = 'config.wsgi.application'\nSTATIC_ROOT = '/app/staticfiles'\n",
      'config/settings/local.py':
        "from .base import *\nSECRET_KEY = env('DJANGO_SECRET_KEY', default='x')\nINSTALLED_APPS = ['debug_toolbar']\n",
      'config/settings/production.py':
        "from .base import *\nSECRET_KEY = env('DJANGO_SECRET_KEY')\nADMIN_URL = env('DJANGO_ADMIN_URL')\nALLOWED_HOSTS = env.list('DJANGO_ALLOWED_HOSTS')\n",
      'config/urls.py': 'urlpatterns = []\n',
      'config/wsgi.py':
        "import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.production')\napplication = get_wsgi_application()\n",
    });
    assert.equal(facts.django?.settings, 'config.settings.production');
    assert.equal(facts.django?.settingsEnv, 'config.settings.production');
    const environment = Object.fromEntries(
      (facts.django?.collectstaticEnv ?? []).map(({ key, value }) => [key, value]),
    );
    assert.equal(environment.DJANGO_ALLOWED_HOSTS, 'localhost');
    assert.ok('DJANGO_SECRET_KEY' in environment);
  });

  it('the same settings named by manage.py and wsgi.py: nothing set', () => {
    const facts = detect(site("STATIC_ROOT = BASE_DIR / 'staticfiles'"));
    assert.equal(facts.django?.settings, 'mysite.settings');
    assert.equal(facts.django?.settingsEnv, undefined);
  });
});
