import assert from 'node:assert/strict';
import * as validate from '../src/validate.js';
import type { Parsed } from '../src/model.js';

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
    assert.equal(value(validate.parseStack('jupyter')), 'jupyter');
    assert.match(rule(validate.parseStack('python')), /must be one of python-debian, python-alpine, jupyter/);
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
      assert.equal(value(validate.parseName(good)), good);
    }
    for (const bad of ['App', 'my app', '-app', 'app-', 'a//b', 'app:latest', 'a'.repeat(201), '', 'app\nRUN x']) {
      assert.match(rule(validate.parseName(bad)), /lowercase image name/);
    }
  });

  it('sanitises a folder name into an image name', () => {
    assert.equal(validate.sanitiseName('My Project_2'), 'my-project_2');
    assert.equal(validate.sanitiseName('--'), 'app');
    assert.equal(validate.sanitiseName('Über.Ding'), 'ber.ding');
    assert.equal(value(validate.parseName(validate.sanitiseName('a__--..b'))), 'a-b');
  });

  it('python: a line of the catalogue, down to 3.11, the line many locks were made for', () => {
    assert.equal(value(validate.parsePython('3.13')), '3.13');
    assert.equal(value(validate.parsePython('3.11')), '3.11');
    assert.match(rule(validate.parsePython('3.9')), /must be one of 3\.15, 3\.14, 3\.13, 3\.12, 3\.11/);
    assert.match(rule(validate.parsePython('3.13.1')), /must be one of/);
  });

  it('release: one with an image for the stack and the Python line', () => {
    assert.equal(value(validate.parseRelease('bookworm', { stack: 'python-debian', python: '3.14' })), 'bookworm');
    assert.match(
      rule(validate.parseRelease('bookworm', { stack: 'python-debian', python: '3.15' })),
      /must be trixie.*no python:3\.15 image/,
    );
    assert.match(rule(validate.parseRelease('trixie', { stack: 'python-alpine', python: '3.14' })), /an Alpine branch/);
    assert.equal(value(validate.parseRelease('3.23', { stack: 'python-alpine', python: '3.14' })), '3.23');
  });

  it('entry: a .py path, -m module or a command line; a notebook for jupyter', () => {
    assert.deepEqual(value(validate.parseEntry('src/app.py', { stack: 'python-debian' })), {
      kind: 'script',
      path: 'src/app.py',
    });
    assert.deepEqual(value(validate.parseEntry('-m pkg.main', { stack: 'python-alpine' })), {
      kind: 'module',
      module: 'pkg.main',
    });
    assert.deepEqual(value(validate.parseEntry('nb/report.ipynb', { stack: 'jupyter' })), {
      kind: 'notebook',
      path: 'nb/report.ipynb',
    });
    // python app.py and python -m pkg are the script and module forms, written out.
    assert.deepEqual(value(validate.parseEntry('python app.py', { stack: 'python-debian' })), {
      kind: 'script',
      path: 'app.py',
    });
    assert.deepEqual(value(validate.parseEntry('python3 -m pkg', { stack: 'python-debian' })), {
      kind: 'module',
      module: 'pkg',
    });
    // Anything else is a command line, split like a shell splits words, quotes included.
    assert.deepEqual(value(validate.parseEntry('gunicorn shop.wsgi', { stack: 'python-debian' })), {
      kind: 'command',
      argv: ['gunicorn', 'shop.wsgi'],
    });
    assert.deepEqual(
      value(validate.parseEntry(`uvicorn 'app.main:app' --root-path "/api v1"`, { stack: 'python-debian' })),
      { kind: 'command', argv: ['uvicorn', 'app.main:app', '--root-path', '/api v1'] },
    );
    assert.equal(
      validate.formatEntry({ kind: 'command', argv: ['uvicorn', 'app.main:app', '--root-path', '/api v1'] }),
      `uvicorn app.main:app --root-path '/api v1'`,
    );
    for (const bad of ['/abs/app.py', 'my app.py"', '../app.py']) {
      assert.match(rule(validate.parseEntry(bad, { stack: 'python-debian' })), /relative path of a \.py script|quote/);
    }
    for (const bad of ['-m 1pkg', '-m a b'])
      assert.match(rule(validate.parseEntry(bad, { stack: 'python-debian' })), /-m/);
    for (const bad of ['a && b', 'a; b', 'a | b', 'a > f', 'a $(b)', 'a `b`', 'a $HOME', 'X=1 a', 'a *.py', 'a # c']) {
      assert.match(rule(validate.parseEntry(bad, { stack: 'python-debian' })), /shell/, bad);
    }
    assert.match(rule(validate.parseEntry('app.py', { stack: 'jupyter' })), /\.ipynb notebook/);
    // Notebook names with spaces work (they are copied and run in JSON form); quotes and globs do not.
    assert.deepEqual(value(validate.parseEntry('Untitled 1.ipynb', { stack: 'jupyter' })), {
      kind: 'notebook',
      path: 'Untitled 1.ipynb',
    });
    for (const bad of ['a"b.ipynb', 'a*.ipynb', 'a[1].ipynb', '../a.ipynb', 'a\nb.ipynb', '$x.ipynb']) {
      assert.match(rule(validate.parseEntry(bad, { stack: 'jupyter' })), /\.ipynb notebook/, bad);
    }
  });

  it('entry: names something the project has, when it has sources', () => {
    const project = { paths: ['app.py', 'shop/__init__.py', 'shop/cli.py', 'nb/a.ipynb'], declared: ['flask'] };
    const debian = { stack: 'python-debian' as const };
    assert.equal(validate.parseEntry('app.py', debian, project).ok, true);
    assert.match(rule(validate.parseEntry('main.py', debian, project)), /not in the project.*the project has app\.py/);
    assert.equal(validate.parseEntry('-m shop.cli', debian, project).ok, true);
    assert.equal(validate.parseEntry('-m shop', debian, project).ok, true);
    assert.equal(validate.parseEntry('-m flask', debian, project).ok, true, 'a module of a declared package');
    assert.match(rule(validate.parseEntry('-m nope', debian, project)), /module nope is not in the project/);
    assert.match(
      rule(validate.parseEntry('b.ipynb', { stack: 'jupyter' }, project)),
      /not in the project.*nb\/a\.ipynb/,
    );
    // A new, empty repository may still name the file it will have.
    assert.equal(validate.parseEntry('app.py', debian, { paths: ['README.md'], declared: [] }).ok, true);
  });

  it('port: 1-65535 or none', () => {
    assert.equal(value(validate.parsePort('8000')), 8000);
    assert.equal(value(validate.parsePort('none')), null);
    for (const bad of ['0', '65536', '08080', '80a', '-1', ''])
      assert.match(rule(validate.parsePort(bad)), /1 to 65535, or none/);
  });

  it('health: http and tcp need a port', () => {
    assert.equal(value(validate.parseHealth('cmd', { port: null })), 'cmd');
    assert.equal(value(validate.parseHealth('tcp', { port: 80 })), 'tcp');
    assert.match(rule(validate.parseHealth('http', { port: null })), /needs a port/);
    assert.match(rule(validate.parseHealth('tcp', { port: null })), /needs a port/);
    assert.match(rule(validate.parseHealth('ping', { port: 80 })), /must be one of http, tcp, cmd, none/);
  });

  it('healthpath: a plain URL path', () => {
    assert.equal(value(validate.parseHealthPath('/health/live?full=1&x=y')), '/health/live?full=1&x=y');
    for (const bad of ['health', "/x'y", '/a b', '/%zz', '/"', '/$(id)'])
      assert.match(rule(validate.parseHealthPath(bad)), /URL path/);
  });

  it('healthcmd: words without shell syntax', () => {
    assert.deepEqual(value(validate.parseHealthCmd('python -m app.health --port=8000')), [
      'python',
      '-m',
      'app.health',
      '--port=8000',
    ]);
    assert.match(rule(validate.parseHealthCmd('')), /must not be empty/);
    for (const bad of ['curl x | sh', 'a;b', 'echo "x"', 'a\nb', 'a `id`', 'a $HOME'])
      assert.match(rule(validate.parseHealthCmd(bad)), /no quotes or shell syntax/);
  });

  it('volumes: absolute paths of our own', () => {
    assert.deepEqual(value(validate.parseVolumes('/home/app/data, /srv/cache/')), ['/home/app/data', '/srv/cache']);
    assert.deepEqual(value(validate.parseVolumes('none')), []);
    assert.match(rule(validate.parseVolumes('data')), /not an absolute container path/);
    assert.match(rule(validate.parseVolumes('/etc')), /would hide or change the image's own files/);
    assert.match(rule(validate.parseVolumes('/app/data')), /would hide or change/);
    assert.match(rule(validate.parseVolumes('/srv/../etc')), /has \. or \.\./);
    assert.match(rule(validate.parseVolumes('/srv/a,/srv/a')), /listed twice/);
  });

  it("volumes: never over the image's own system, nor above it; paths of one's own are free", () => {
    for (const path of [
      '/usr/local',
      '/usr/lib/python3',
      '/etc/ssl',
      '/etc/passwd',
      '/bin',
      '/sbin/x',
      '/lib64',
      '/lib/x86_64-linux-gnu',
      '/boot',
      '/opt/venv/lib',
      '/app',
      '/proc/1',
      '/sys/fs',
      '/dev/shm',
      '/run/lock',
      '/tmp',
      '/var/lib/dpkg',
      '/var/lib/apt/lists',
      '/var',
      '/var/lib',
      '/opt',
      '/root',
    ]) {
      assert.match(rule(validate.parseVolumes(path)), /would hide or change the image's own files \(/, path);
    }
    assert.match(
      rule(validate.parseVolumes('/usr/local')),
      /^'\/usr\/local' would hide or change the image's own files \(it is inside \/usr\)/,
    );
    assert.match(
      rule(validate.parseVolumes('/var')),
      /^'\/var' would hide or change the image's own files \(it is above \/var\/lib\/dpkg\)/,
    );
    for (const path of [
      '/home/app/data',
      '/srv/data',
      '/var/lib/myapp',
      '/data',
      '/opt/myapp',
      '/var/log/app',
      '/library',
    ]) {
      assert.deepEqual(value(validate.parseVolumes(path)), [path], path);
    }
  });

  it('packages: pinned in the syntax of the stack', () => {
    assert.deepEqual(value(validate.parsePackages('libpq5=15.*, curl=7.88.1-10+deb12u5', { stack: 'python-debian' })), [
      'libpq5=15.*',
      'curl=7.88.1-10+deb12u5',
    ]);
    assert.deepEqual(value(validate.parsePackages('libpq~=17,curl=8.11.1-r0', { stack: 'python-alpine' })), [
      'libpq~=17',
      'curl=8.11.1-r0',
    ]);
    assert.match(
      rule(validate.parsePackages('libpq5', { stack: 'python-debian' })),
      /'libpq5' is not pinned: write it as libpq5=<version>/,
    );
    assert.match(
      rule(validate.parsePackages('libpq', { stack: 'python-alpine' })),
      /'libpq' is not pinned: write it as libpq~=<version>/,
    );
    assert.match(
      rule(validate.parsePackages('libpq5=15.*', { stack: 'python-alpine' })),
      /not a pinned Alpine package/,
    );
    assert.match(rule(validate.parsePackages('libpq~=17', { stack: 'jupyter' })), /not a pinned Debian package/);
  });

  it('uid and gid: 1000-2147483647', () => {
    assert.equal(value(validate.parseId('10001')), 10001);
    for (const bad of ['999', '0', '2147483648', '01000', 'root'])
      assert.match(rule(validate.parseId(bad)), /1000 to 2147483647/);
  });

  it('env: KEY=value pairs, no secrets, no reserved names', () => {
    assert.deepEqual(value(validate.parseEnv('APP_MODE=prod,WORKERS=4,EMPTY=')), [
      ['APP_MODE', 'prod'],
      ['WORKERS', '4'],
      ['EMPTY', ''],
    ]);
    assert.match(rule(validate.parseEnv('NOVALUE')), /is not KEY=value/);
    assert.match(rule(validate.parseEnv('1X=1')), /is not KEY=value/);
    assert.match(rule(validate.parseEnv('A=$(id)')), /may hold only/);
    assert.match(rule(validate.parseEnv('DB_PASSWORD=x')), /looks like a secret/);
    assert.match(rule(validate.parseEnv('PATH=/x')), /set by the generated Dockerfile/);
    assert.match(rule(validate.parseEnv('A=1,A=2')), /given twice/);
  });

  it('debugport: a port other than the app port, or none', () => {
    assert.equal(value(validate.parseDebugPort('5678', { port: 8000 })), 5678);
    assert.equal(value(validate.parseDebugPort('none', { port: 8000 })), null);
    assert.equal(value(validate.parseDebugPort('5678', { port: null })), 5678);
    assert.match(rule(validate.parseDebugPort('8000', { port: 8000 })), /must differ from --port 8000/);
    for (const bad of ['0', '65536', 'debug', '56 78'])
      assert.match(rule(validate.parseDebugPort(bad, { port: null })), /1 to 65535, or none/);
  });

  it('ci: github, gitlab or none', () => {
    assert.equal(value(validate.parseCi('gitlab')), 'gitlab');
    assert.equal(value(validate.parseCi('none')), 'none');
    assert.match(rule(validate.parseCi('jenkins')), /must be one of github, gitlab, none/);
  });
});
