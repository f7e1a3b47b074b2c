/**
 * A Django project laid out as cookiecutter-django lays it out (tools/engine/fixtures/django-layered) on a real
 * engine: manage.py names the local settings and wsgi.py the production ones, which read DJANGO_SECRET_KEY and
 * DJANGO_ALLOWED_HOSTS from the environment with no default; the top requirements.txt includes the
 * development file. The image must install the production requirements, collect the static files at build
 * time with the production settings, and run manage.py with the settings the server uses.
 * DOCKER_BEST_SKIP_ENGINE=1 skips this explicitly.
 */
import assert from 'node:assert/strict';
import { describeFailure, must } from '../../tools/engine/commands.js';
import { requireEngine } from '../../tools/engine/engine.js';
import { DJANGO_LAYERED, EngineProject } from '../../tools/engine/project.js';
import { realDependencyArgs } from '../../tools/engine/wheelhouse.js';

const PRODUCTION = 'config.settings.production';

describe('engine: a Django project laid out as cookiecutter-django, local and production settings', function () {
  this.timeout(5 * 60_000);
  let web: EngineProject | undefined;
  const project = (): EngineProject => {
    if (!web) throw new Error('the project was not set up (see the before hook)');
    return web;
  };

  before(async function () {
    await requireEngine(this);
    web = await EngineProject.create(DJANGO_LAYERED, { args: realDependencyArgs(), secrets: true, git: true });
    // What the deployer gives the production settings (compose.yaml reads .env).
    web.write('.env', `${web.read('.env')}DJANGO_SECRET_KEY=engine-test\nDJANGO_ALLOWED_HOSTS=127.0.0.1,localhost\n`);
    await web.buildScript();
    await web.up();
  });

  after(async function () {
    this.timeout(5 * 60_000);
    await web?.dispose();
  });

  it('installs requirements/production.txt, not the top requirements.txt that pulls in the debug toolbar', async function () {
    const p = project();
    const stored = (JSON.parse(p.read('.yo-rc.json')) as Record<string, Record<string, unknown>>)[
      'generator-docker-best'
    ];
    assert.equal(stored?.deps, 'requirements/production.txt');
    const toolbar = await p.inspectImage(['/opt/venv/bin/python', '-c', 'import debug_toolbar']);
    assert.notEqual(toolbar.code, 0, 'the debug toolbar is in the image');
    assert.match(toolbar.stderr, /No module named 'debug_toolbar'/);
  });

  it('collects the static files at build time with the production settings, whose variables have no default', async function () {
    const found = await project().inspectImage(['ls', '/app/staticfiles/site.css']);
    assert.equal(found.code, 0, describeFailure('looking for the collected static files', found));
  });

  it('sets DJANGO_SETTINGS_MODULE, so manage.py in the image uses the settings the server runs with', async function () {
    const p = project();
    const env = await must('docker image inspect', 'docker', [
      'image',
      'inspect',
      '--format',
      '{{json .Config.Env}}',
      p.image(),
    ]);
    assert.ok((JSON.parse(env.stdout) as string[]).includes(`DJANGO_SETTINGS_MODULE=${PRODUCTION}`), env.stdout);
    const shell = await p.runOnce([
      'python',
      'manage.py',
      'shell',
      '-c',
      'from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)',
    ]);
    assert.equal(shell.code, 0, describeFailure('manage.py shell in a one-off container', shell));
    // Django 5.2's shell says first how many objects it imported.
    assert.equal(shell.stdout.trim().split('\n').pop(), `${PRODUCTION} False`);
  });

  it('turns healthy and serves with the production settings', async function () {
    const p = project();
    await p.explain(async () => {
      await p.waitHealthy();
      const answer = await p.waitHttp('/');
      assert.equal(answer.status, 200, answer.body);
      assert.deepEqual(JSON.parse(answer.body), { settings: PRODUCTION, debug: false });
    });
  });
});
