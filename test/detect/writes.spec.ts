/**
 * Writes an app would make into its read-only code folder (src/detect/writes.ts): a SQLite database at a
 * relative URL, as FastAPI's SQL tutorial and Flask-SQLAlchemy quickstarts write it, is said in a warning with
 * the fix; a URL the environment can replace is not.
 */
import assert from 'node:assert/strict';
import { detect } from '../support/project-dirs.js';

const FASTAPI = 'from fastapi import FastAPI\n\napp = FastAPI()\n';
const writesWarning = (facts: ReturnType<typeof detect>): string[] =>
  facts.warnings.filter((warning) => warning.includes('relative to the code folder'));

describe('writes into the read-only code folder', () => {
  it("FastAPI's tutorial database (sqlite:///./sql_app.db): a warning naming the file, the URL and the fix", () => {
    const facts = detect({
      'main.py': FASTAPI,
      'database.py':
        'from sqlalchemy import create_engine\n\nSQLALCHEMY_DATABASE_URL = "sqlite:///./sql_app.db"\nengine = create_engine(SQLALCHEMY_DATABASE_URL)\n',
    });
    const [warning, ...more] = writesWarning(facts);
    assert.equal(more.length, 0, facts.warnings.join('\n'));
    assert.match(
      warning ?? '',
      /^database\.py keeps a SQLite database at sqlite:\/\/\/\.\/sql_app\.db, .*--env DATABASE_URL=sqlite:\/\/\/\/home\/app\/data\/app\.db/,
    );
    const aio = detect({ 'main.py': FASTAPI, 'db.py': "URL = 'sqlite+aiosqlite:///animaunt_bot.db'\n" });
    assert.equal(writesWarning(aio).length, 1, aio.warnings.join('\n'));
  });

  it('says nothing for an absolute path, memory, a default of the environment, a pydantic-settings field or a test', () => {
    for (const code of [
      'URL = "sqlite:////var/lib/app/app.db"\n',
      'URL = "sqlite:///:memory:"\n',
      'URL = os.getenv("DATABASE_URL", "sqlite:///./app.db")\n',
      'class Settings(BaseSettings):\n    database_url: str = "sqlite:///./app.db"\n',
    ]) {
      const facts = detect({ 'main.py': FASTAPI, 'settings.py': `import os\n${code}` });
      assert.deepEqual(writesWarning(facts), [], code);
    }
    const test = detect({ 'main.py': FASTAPI, 'tests/test_db.py': 'URL = "sqlite:///./test.db"\n' });
    assert.deepEqual(writesWarning(test), []);
  });

  it('a log file (Flask RotatingFileHandler, a Django LOGGING filename, basicConfig): a warning naming the file and the fix', () => {
    const logWarnings = (facts: ReturnType<typeof detect>): string[] =>
      facts.warnings.filter((warning) => warning.includes('logs to a file'));
    const flask = detect({
      'wsgi.py': 'from app import create_app\n\napp = create_app()\n',
      'app/__init__.py': [
        'import os',
        'from logging.handlers import RotatingFileHandler',
        'from flask import Flask, url_for',
        'basedir = os.path.abspath(os.path.dirname(__file__))',
        'def create_app():',
        '    app = Flask(__name__)',
        "    icon = url_for('static', filename='img/icon.png')",
        '    info_file_handler = RotatingFileHandler(',
        '        os.path.join(basedir, "logs/info.log"),',
        '        maxBytes=10 * 1024 * 1024,',
        '    )',
        '    app.logger.addHandler(info_file_handler)',
        '    return app',
      ].join('\n'),
    });
    const [warning, ...more] = logWarnings(flask);
    assert.equal(more.length, 0, flask.warnings.join('\n'));
    assert.match(
      warning ?? '',
      /^app\/__init__\.py logs to a file \(logs\/info\.log\), .*read-only.*StreamHandler.*--volumes/,
    );

    const django = detect({
      'settings.py': [
        'import os',
        'LOGGING = {',
        "    'handlers': {",
        "        'file': {",
        "            'class': 'logging.FileHandler',",
        "            'filename': os.path.join(BASE_DIR, 'logs/tock.log'),",
        '        },',
        "        'console': {'class': 'logging.StreamHandler'},",
        '    },',
        '}',
      ].join('\n'),
    });
    assert.match(logWarnings(django)[0] ?? '', /^settings\.py logs to a file \(logs\/tock\.log\)/);
    const basic = detect({ 'job.py': "import logging\nlogging.basicConfig(level=logging.INFO, filename='job.log')\n" });
    assert.equal(logWarnings(basic).length, 1, basic.warnings.join('\n'));
  });

  it('says nothing for console logging, a log path read from the environment, /tmp or a test', () => {
    const quiet = detect({
      'main.py': FASTAPI,
      'log.py': [
        'import logging, os',
        'logging.basicConfig(level=logging.INFO)',
        'console = logging.StreamHandler()',
        "audit = logging.FileHandler(os.environ.get('AUDIT_LOG', 'audit.log'))",
        "scratch = logging.FileHandler('/tmp/scratch.log')",
      ].join('\n'),
      'tests/test_log.py': "import logging\nlogging.FileHandler('test.log')\n",
    });
    assert.deepEqual(
      quiet.warnings.filter((warning) => warning.includes('logs to a file')),
      [],
    );
  });
});
