import assert from 'node:assert/strict';
import {
  parseEntry,
  parseEnv,
  parseHealth,
  parseHealthCmd,
  parseHealthPath,
  parseId,
  parseName,
  parsePackages,
  parsePort,
  parsePython,
  parseRelease,
  parseStack,
  parseVolumes,
  sanitiseName,
  type Parsed,
} from '../src/validate.js';

const value = <T>(parsed: Parsed<T>): T => {
  if (!parsed.ok) throw new assert.AssertionError({ message: `refused: ${parsed.rule}` });
  return parsed.value;
};
const rule = (parsed: Parsed<unknown>): string => {
  if (parsed.ok) throw new assert.AssertionError({ message: `accepted: ${JSON.stringify(parsed.value)}` });
  return parsed.rule;
};

describe('validation (pure)', () => {
  it('stack: the three stacks only', () => {
    assert.equal(value(parseStack('jupyter')), 'jupyter');
    assert.match(rule(parseStack('python')), /must be one of python-debian, python-alpine, jupyter/);
  });

  it('name: lowercase Docker references with an optional registry/namespace prefix', () => {
    for (const good of [
      'app',
      'my-app',
      'my_app.v2',
      'team/app',
      'registry.example.com/team/app',
      'localhost:5000/app',
    ]) {
      assert.equal(value(parseName(good)), good);
    }
    for (const bad of ['App', 'my app', '-app', 'app-', 'a//b', 'app:latest', 'a'.repeat(201), '', 'app\nRUN x']) {
      assert.match(rule(parseName(bad)), /lowercase image name/);
    }
  });

  it('sanitises a folder name into an image name', () => {
    assert.equal(sanitiseName('My Project_2'), 'my-project_2');
    assert.equal(sanitiseName('--'), 'app');
    assert.equal(sanitiseName('Über.Ding'), 'ber.ding');
    assert.equal(value(parseName(sanitiseName('a__--..b'))), 'a-b');
  });

  it('python: a line of the catalogue', () => {
    assert.equal(value(parsePython('3.13')), '3.13');
    assert.match(rule(parsePython('3.9')), /must be one of 3\.15, 3\.14, 3\.13, 3\.12/);
    assert.match(rule(parsePython('3.13.1')), /must be one of/);
  });

  it('release: one with an image for the stack and the Python line', () => {
    assert.equal(value(parseRelease('bookworm', { stack: 'python-debian', python: '3.14' })), 'bookworm');
    assert.match(
      rule(parseRelease('bookworm', { stack: 'python-debian', python: '3.15' })),
      /must be trixie.*no python:3\.15 image/,
    );
    assert.match(rule(parseRelease('trixie', { stack: 'python-alpine', python: '3.14' })), /an Alpine branch/);
    assert.equal(value(parseRelease('3.23', { stack: 'python-alpine', python: '3.14' })), '3.23');
  });

  it('entry: a .py path or -m module; a notebook for jupyter', () => {
    assert.deepEqual(value(parseEntry('src/app.py', { stack: 'python-debian' })), {
      kind: 'script',
      path: 'src/app.py',
    });
    assert.deepEqual(value(parseEntry('-m pkg.main', { stack: 'python-alpine' })), {
      kind: 'module',
      module: 'pkg.main',
    });
    assert.deepEqual(value(parseEntry('nb/report.ipynb', { stack: 'jupyter' })), {
      kind: 'notebook',
      path: 'nb/report.ipynb',
    });
    for (const bad of ['/abs/app.py', 'app.sh', 'my app.py', '../app.py', '-m 1pkg', '-m pkg;rm', 'app.py"]']) {
      assert.match(rule(parseEntry(bad, { stack: 'python-debian' })), /relative path of a \.py script/);
    }
    assert.match(rule(parseEntry('app.py', { stack: 'jupyter' })), /\.ipynb notebook/);
  });

  it('port: 1-65535 or none', () => {
    assert.equal(value(parsePort('8000')), 8000);
    assert.equal(value(parsePort('none')), null);
    for (const bad of ['0', '65536', '08080', '80a', '-1', ''])
      assert.match(rule(parsePort(bad)), /1 to 65535, or none/);
  });

  it('health: http needs a port', () => {
    assert.equal(value(parseHealth('cmd', { port: null })), 'cmd');
    assert.match(rule(parseHealth('http', { port: null })), /needs a port/);
    assert.match(rule(parseHealth('tcp', { port: 80 })), /must be one of http, cmd, none/);
  });

  it('healthpath: a plain URL path', () => {
    assert.equal(value(parseHealthPath('/health/live?full=1&x=y')), '/health/live?full=1&x=y');
    for (const bad of ['health', "/x'y", '/a b', '/%zz', '/"', '/$(id)'])
      assert.match(rule(parseHealthPath(bad)), /URL path/);
  });

  it('healthcmd: words without shell syntax', () => {
    assert.deepEqual(value(parseHealthCmd('python -m app.health --port=8000')), [
      'python',
      '-m',
      'app.health',
      '--port=8000',
    ]);
    assert.match(rule(parseHealthCmd('')), /must not be empty/);
    for (const bad of ['curl x | sh', 'a;b', 'echo "x"', 'a\nb', 'a `id`', 'a $HOME'])
      assert.match(rule(parseHealthCmd(bad)), /no quotes or shell syntax/);
  });

  it('volumes: absolute paths of our own', () => {
    assert.deepEqual(value(parseVolumes('/home/app/data, /srv/cache/')), ['/home/app/data', '/srv/cache']);
    assert.deepEqual(value(parseVolumes('none')), []);
    assert.match(rule(parseVolumes('data')), /not an absolute container path/);
    assert.match(rule(parseVolumes('/etc')), /would hide or change the image's own files/);
    assert.match(rule(parseVolumes('/app/data')), /would hide or change/);
    assert.match(rule(parseVolumes('/srv/../etc')), /has \. or \.\./);
    assert.match(rule(parseVolumes('/srv/a,/srv/a')), /listed twice/);
  });

  it('packages: pinned in the syntax of the stack', () => {
    assert.deepEqual(value(parsePackages('libpq5=15.*, curl=7.88.1-10+deb12u5', { stack: 'python-debian' })), [
      'libpq5=15.*',
      'curl=7.88.1-10+deb12u5',
    ]);
    assert.deepEqual(value(parsePackages('libpq~=17,curl=8.11.1-r0', { stack: 'python-alpine' })), [
      'libpq~=17',
      'curl=8.11.1-r0',
    ]);
    assert.match(
      rule(parsePackages('libpq5', { stack: 'python-debian' })),
      /'libpq5' is not pinned: write it as libpq5=<version>/,
    );
    assert.match(
      rule(parsePackages('libpq', { stack: 'python-alpine' })),
      /'libpq' is not pinned: write it as libpq~=<version>/,
    );
    assert.match(rule(parsePackages('libpq5=15.*', { stack: 'python-alpine' })), /not a pinned Alpine package/);
    assert.match(rule(parsePackages('libpq~=17', { stack: 'jupyter' })), /not a pinned Debian package/);
  });

  it('uid and gid: 1000-2147483647', () => {
    assert.equal(value(parseId('10001')), 10001);
    for (const bad of ['999', '0', '2147483648', '01000', 'root'])
      assert.match(rule(parseId(bad)), /1000 to 2147483647/);
  });

  it('env: KEY=value pairs, no secrets, no reserved names', () => {
    assert.deepEqual(value(parseEnv('APP_MODE=prod,WORKERS=4,EMPTY=')), [
      ['APP_MODE', 'prod'],
      ['WORKERS', '4'],
      ['EMPTY', ''],
    ]);
    assert.match(rule(parseEnv('NOVALUE')), /is not KEY=value/);
    assert.match(rule(parseEnv('1X=1')), /is not KEY=value/);
    assert.match(rule(parseEnv('A=$(id)')), /may hold only/);
    assert.match(rule(parseEnv('DB_PASSWORD=x')), /looks like a secret/);
    assert.match(rule(parseEnv('PATH=/x')), /set by the generated Dockerfile/);
    assert.match(rule(parseEnv('A=1,A=2')), /given twice/);
  });
});
