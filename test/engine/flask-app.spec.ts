/**
 * examples/flask-app (a Flask application factory served by gunicorn) on a real engine: the checks of every
 * web example (web-app.ts), and an order sent to the app kept on its volume. DOCKER_BEST_SKIP_ENGINE=1 skips
 * this explicitly.
 */
import assert from 'node:assert/strict';
import { describeWebApp } from './web-app.js';

describeWebApp({
  example: 'flask-app',
  what: 'a Flask app factory served by gunicorn',
  route: '/api/products',
  answer: (answer) => {
    assert.equal(answer.status, 200);
    const products = JSON.parse(answer.body) as { sku: string }[];
    assert.ok(
      products.some((product) => product.sku === 'mug'),
      answer.body,
    );
  },
  health: '/health',
  more: ({ project, get, post }) => {
    it('renders its page and keeps an order on its volume', async function () {
      const web = project();
      await web.explain(async () => {
        const page = await get('/');
        assert.equal(page.status, 200, page.body);
        assert.match(page.body, /<h1>Shop<\/h1>/);
        const sent = await post('/api/orders', { sku: 'mug', quantity: 2 });
        assert.equal(sent.status, 201, `POST /api/orders answered ${sent.status}: ${sent.body}`);
        const kept = await web.exec(['cat', `${web.compose.volumes[0] ?? '/home/app/data'}/orders.jsonl`]);
        assert.equal(kept.code, 0, kept.output);
        assert.deepEqual(JSON.parse(kept.stdout.trim().split('\n').pop() ?? ''), { sku: 'mug', quantity: 2 });
      });
    });
  },
});
