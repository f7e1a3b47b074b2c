/**
 * A private package index that needs credentials, on a real engine: a project's requirements.txt names a
 * wheel that only an index behind basic auth serves; `./build.sh --netrc FILE` builds it, and the password is
 * nowhere in the image: not in a layer, not in the history, not in the config.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { docker, must } from '../../tools/engine/commands.js';
import { requireEngine } from '../../tools/engine/engine.js';
import { bridgeAddress } from '../../tools/engine/processes.js';
import { EngineProject } from '../../tools/engine/project.js';

const WHEEL = 'private_greeting-1.0.0-py3-none-any.whl';

/** A minimal, valid wheel of a package `private_greeting`, made with Python's zipfile. */
const buildWheel = (dir: string): Buffer => {
  const script = `
import base64, hashlib, sys, zipfile
files = {
    'private_greeting/__init__.py': 'def hello():\\n    return "hello from the private index"\\n',
    'private_greeting-1.0.0.dist-info/METADATA': 'Metadata-Version: 2.1\\nName: private-greeting\\nVersion: 1.0.0\\n',
    'private_greeting-1.0.0.dist-info/WHEEL': 'Wheel-Version: 1.0\\nGenerator: docker-best-tests\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n',
}
record = 'private_greeting-1.0.0.dist-info/RECORD'
lines = []
with zipfile.ZipFile(sys.argv[1], 'w') as wheel:
    for name, text in files.items():
        data = text.encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
        lines.append(f'{name},sha256={digest},{len(data)}')
        wheel.writestr(name, data)
    wheel.writestr(record, '\\n'.join(lines + [f'{record},,']) + '\\n')
`;
  const path = join(dir, WHEEL);
  const made = spawnSync('python3', ['-c', script, path], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  return readFileSync(path);
};

/** An index page and the wheel, served only to requests with the right basic-auth credentials. */
const serveIndex = (wheel: Buffer, user: string, password: string): Promise<{ server: Server; port: number }> =>
  new Promise((resolve) => {
    const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const server = createServer((request, response) => {
      if (request.headers.authorization !== expected) {
        response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="private"' }).end('credentials, please\n');
        return;
      }
      if (request.url === '/wheels/') {
        response.writeHead(200, { 'Content-Type': 'text/html' }).end(`<a href="${WHEEL}">${WHEEL}</a>\n`);
      } else if (request.url === `/wheels/${WHEEL}`) {
        response.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(wheel);
      } else {
        response.writeHead(404).end();
      }
    });
    server.listen(0, '0.0.0.0', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address !== null ? address.port : 0 });
    });
  });

describe('engine: a private package index behind credentials', function () {
  this.timeout(15 * 60_000);
  const password = `pw-${randomBytes(10).toString('hex')}`;
  let work = '';
  let server: Server | undefined;
  let project: EngineProject | undefined;
  let netrc = '';

  before(async function () {
    await requireEngine(this);
    work = mkdtempSync(join(tmpdir(), 'docker-best-private-'));
    const served = await serveIndex(buildWheel(work), 'ci', password);
    server = served.server;
    // Builds reach the host at its address on the default bridge.
    const gateway = bridgeAddress();
    const source = join(work, 'private-job');
    mkdirSync(source);
    writeFileSync(join(source, 'main.py'), 'from private_greeting import hello\n\nprint(hello())\n');
    writeFileSync(
      join(source, 'requirements.txt'),
      // Plain http on the bridge, so pip needs --trusted-host; a real private index would be https.
      `--find-links http://${gateway}:${served.port}/wheels/\n--trusted-host ${gateway}\nprivate-greeting==1.0.0\n`,
    );
    netrc = join(work, 'netrc');
    writeFileSync(netrc, `machine ${gateway}\nlogin ci\npassword ${password}\n`);
    project = await EngineProject.create(source, {
      args: ['--python', '3.14', '--release', 'bookworm', '--entry', 'main.py'],
    });
  });

  after(async () => {
    await project?.dispose();
    server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('cannot install from the index without the credentials (the index really needs them)', async () => {
    const result = await project!.runBuildScript();
    assert.notEqual(result.code, 0, 'the build must fail without --netrc');
    // pip meets the 401 and, with no credentials anywhere, asks for a user it cannot read in a build.
    assert.match(result.output, /User for |401/);
  });

  it('builds with ./build.sh --netrc, and the app imports the private package', async () => {
    const { tags } = await project!.buildScript(['--netrc', netrc]);
    assert.ok(tags.length > 0);
    const ran = await docker(['run', '--rm', '--network', 'none', project!.image(tags[0]!.split(':').pop())]);
    assert.equal(ran.code, 0, ran.output);
    assert.match(ran.stdout, /hello from the private index/);
  });

  it('keeps the password out of every layer, the history and the config', async () => {
    const image = project!.image();
    const history = await docker(['history', '--no-trunc', image]);
    const config = await docker(['image', 'inspect', image]);
    assert.ok(!history.output.includes(password), 'history');
    assert.ok(!config.output.includes(password), 'config');
    const saved = join(work, 'image.tar');
    await must('docker save', 'docker', ['save', '--output', saved, image]);
    // Every file of the saved image (layers are uncompressed tars inside it), searched as bytes.
    const found = spawnSync('bash', ['-c', 'tar -xOf "$1" | grep -caF -- "$2" || true', 'grep', saved, password], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(found.stdout.trim(), '0', 'the saved image holds the password nowhere');
  });
});
