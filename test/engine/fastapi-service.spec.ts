/**
 * examples/fastapi-service (a notes API with FastAPI, SQLite on the data volume) on a real engine: the checks
 * of every web example (web-app.ts), and build.sh's tags and labels, notes kept across compose down and up,
 * and a dirty tree's tag. DOCKER_BEST_SKIP_ENGINE=1 skips this explicitly.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker } from '../../tools/engine/commands.js';
import { describeWebApp } from './web-app.js';

interface Note {
  readonly id: number;
  readonly text: string;
}

describeWebApp({
  example: 'fastapi-service',
  what: 'a FastAPI service served by uvicorn',
  route: '/notes',
  answer: (answer) => {
    assert.equal(answer.status, 200);
    assert.ok(Array.isArray(JSON.parse(answer.body)), `GET /notes is not a JSON list: ${answer.body}`);
  },
  health: '/healthz',
  more: ({ project, built, get, post }) => {
    it('build.sh tags the image with the 12-character commit and latest, and labels the revision', async function () {
      const web = project();
      const revision = await web.revision();
      assert.match(revision, /^[0-9a-f]{12}$/);
      assert.deepEqual([...built().tags].sort(), [web.image(revision), web.image('latest')].sort());
      assert.equal(await web.imageId(web.image(revision)), await web.imageId(web.image('latest')));
      assert.equal(await web.label(web.image('latest'), 'org.opencontainers.image.revision'), revision);
    });

    it('keeps a note it was sent on its volume across compose down and up', async function () {
      const web = project();
      await web.explain(async () => {
        const text = `remember ${Date.now()}`;
        const added = await post('/notes', { text });
        assert.equal(added.status, 201, `POST /notes answered ${added.status}: ${added.body}`);
        const { id } = JSON.parse(added.body) as Note;
        const oldContainer = await web.container();
        await web.down();
        await web.up();
        assert.notEqual(await web.container(), oldContainer, 'compose up reused the old container');
        const read = await web.waitHttp(`/notes/${id}`);
        assert.equal(read.status, 200, read.body);
        assert.equal((JSON.parse(read.body) as Note).text, text);
        assert.equal((await get('/notes/999999')).status, 404);
      });
    });

    it('build.sh on a dirty tree tags <commit>-dirty and leaves latest where it was', async function () {
      const web = project();
      const revision = await web.revision();
      const latest = await web.imageId(web.image('latest'));
      appendFileSync(join(web.dir, 'main.py'), '# an uncommitted change\n');
      const dirty = await web.buildScript();
      assert.deepEqual(dirty.tags, [web.image(`${revision}-dirty`)]);
      assert.match(dirty.result.stderr, /uncommitted changes/);
      assert.equal(await web.imageId(web.image('latest')), latest, 'latest moved');
      assert.notEqual(await web.imageId(web.image(`${revision}-dirty`)), latest);
      const images = await docker(['image', 'ls', '--format', '{{.Tag}}', web.compose.repository]);
      assert.deepEqual(images.stdout.trim().split('\n').sort(), [revision, `${revision}-dirty`, 'latest'].sort());
    });
  },
});
