/**
 * examples/django-site (a Django project, served by gunicorn through mysite/wsgi.py, with STATIC_ROOT set) on a
 * real engine: the checks of every web example (web-app.ts), its JSON view, and its static files collected
 * into the image at build time. DOCKER_BEST_SKIP_ENGINE=1 skips this explicitly.
 */
import assert from 'node:assert/strict';
import { describeFailure } from '../../tools/engine/commands.js';
import { describeWebApp } from './web-app.js';

describeWebApp({
  example: 'django-site',
  what: 'a Django site served by gunicorn',
  route: '/',
  answer: (answer) => {
    assert.equal(answer.status, 200);
    assert.match(answer.body, /<h1>Example site<\/h1>/);
    assert.match(answer.body, /href="\/static\/site\.css"/);
  },
  health: '/healthz',
  more: ({ project, get }) => {
    it('answers its JSON view', async function () {
      const status = await get('/api/status');
      assert.equal(status.status, 200, status.body);
      assert.match((JSON.parse(status.body) as { django: string }).django, /^\d+\.\d+/);
    });

    it('has its static files collected into STATIC_ROOT at build time', async function () {
      const web = project();
      const root = `${web.dockerfile.workdir}/staticfiles`;
      const found = await web.inspectImage(['ls', `${root}/site.css`, `${root}/admin/css/base.css`]);
      assert.equal(found.code, 0, describeFailure(`looking for the collected static files in ${root}`, found));
    });
  },
});
