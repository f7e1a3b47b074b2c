import assert from 'node:assert/strict';
import { ALPINE, CONVERTER, DEBIAN, PYTHON, newestPython } from '../../src/catalogue.js';
import { STACK_NAMES, STACKS, type Stack } from '../../src/stacks.js';
import type { Instruction } from 'dockerfile-ast';
import {
  byKeyword,
  commandOf,
  execArgs,
  flagsOf,
  parseDockerfile,
  runText,
  type ParsedDockerfile,
} from '../../tools/dockerfile.js';
import { generate, SCRIPT_PROJECT } from '../../test/support/generate.js';

const NOTEBOOK_PROJECT = {
  'report.ipynb': '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
  'requirements.txt': '',
};

const projectFor = (stack: Stack): Record<string, string> =>
  STACKS[stack].notebook ? NOTEBOOK_PROJECT : SCRIPT_PROJECT;

const dockerfileFor = async (
  stack: Stack,
  options: Record<string, string | boolean> = {},
  files?: Record<string, string>,
): Promise<ParsedDockerfile> => {
  const generated = await generate({
    generator: 'dockerfile',
    options: { defaults: true, stack, ...options },
    files: files ?? projectFor(stack),
  });
  return parseDockerfile(generated.read('Dockerfile'));
};

const runs = (dockerfile: ParsedDockerfile, stageName?: string): string[] =>
  byKeyword(stageName === undefined ? dockerfile : dockerfile.stage(stageName), 'RUN').map(runText);

/** The shell commands of a stage's RUNs, without RUN's own flags. */
const commands = (dockerfile: ParsedDockerfile, stageName: string): string[] =>
  byKeyword(dockerfile.stage(stageName), 'RUN').map(commandOf);

/** The RUN of a stage whose command includes `text`. */
const runWith = (dockerfile: ParsedDockerfile, stageName: string, text: string): Instruction => {
  const found = byKeyword(dockerfile.stage(stageName), 'RUN').find((run) => commandOf(run).includes(text));
  assert.ok(found, `a RUN with "${text}" in stage ${stageName}:\n${commands(dockerfile, stageName).join('\n')}`);
  return found;
};

const lineOf = (dockerfile: ParsedDockerfile, stage: string, keyword: string, contains: string): number => {
  const found = dockerfile
    .stage(stage)
    .instructions.find(
      (instruction) => instruction.getKeyword() === keyword && runText(instruction).includes(contains),
    );
  assert.ok(found, `${keyword} with "${contains}" in stage ${stage}`);
  return found.getRange().start.line;
};

describe('docker-best:dockerfile', () => {
  for (const stack of STACK_NAMES) {
    describe(`${stack} stack`, () => {
      let dockerfile: ParsedDockerfile;
      before(async () => {
        dockerfile = await dockerfileFor(stack, { port: '8000' });
      });

      it('starts with the dockerfile syntax line', () => {
        assert.equal(dockerfile.text.split('\n')[0], '# syntax=docker/dockerfile:1');
      });

      it('is multi-stage: tini, the dependencies and the code in stages of their own, then the runtime as the final stage', () => {
        const names = dockerfile.stages.map((stage) => stage.name);
        const own = ['tini', 'builder', 'source', 'runtime'];
        assert.deepEqual(names, STACKS[stack].notebook ? ['convert', ...own] : own);
      });

      it('pins every base image by full version, never latest', () => {
        const line = PYTHON[newestPython()];
        assert.ok(line);
        const release = STACKS[stack].family === 'debian' ? line.debian[0] : line.alpine[0];
        const expected =
          STACKS[stack].family === 'debian'
            ? `python:${line.version}-slim-${release}`
            : `python:${line.version}-alpine${release}`;
        assert.equal(dockerfile.stage('builder').image, expected);
        assert.equal(dockerfile.final.image, expected);
        for (const stage of dockerfile.stages) {
          assert.match(stage.image, /:[0-9][^:]*$/, `${stage.name} image ${stage.image} has a version tag`);
          assert.doesNotMatch(stage.image, /latest/);
        }
      });

      it('creates the virtualenv without pip and installs requirements into it with pip --python', () => {
        assert.ok(commands(dockerfile, 'builder').includes('python -m venv --without-pip /opt/venv'));
        runWith(dockerfile, 'builder', 'pip --python /opt/venv/bin/python install --no-compile -r requirements.txt');
      });

      it('downloads through a BuildKit cache mount, so nothing of the cache lands in a layer', () => {
        const install = runWith(dockerfile, 'builder', '-r requirements.txt');
        assert.ok(flagsOf(install).includes('mount=type=cache,target=/root/.cache/pip'), flagsOf(install).join(' '));
      });

      it('installs from the bind-mounted manifest in a builder that never gets the source: editing code reuses it', () => {
        const install = runWith(dockerfile, 'builder', '-r requirements.txt');
        assert.ok(flagsOf(install).includes('mount=type=bind,source=requirements.txt,target=/app/requirements.txt'));
        assert.deepEqual(
          byKeyword(dockerfile.stage('builder'), 'COPY').map(runText),
          [],
          'the builder copies nothing of the context',
        );
        assert.ok(!dockerfile.stage('source').instructions.some((line) => flagsOf(line).includes('from=builder')));
      });

      it("takes a private index's credentials from a BuildKit secret, never from a layer", () => {
        const install = runWith(dockerfile, 'builder', '-r requirements.txt');
        assert.ok(flagsOf(install).includes('mount=type=secret,id=netrc,target=/root/.netrc'));
      });

      it('compiles the app to bytecode at build time: the runtime is read-only', () => {
        const compile = runWith(dockerfile, 'source', 'compileall');
        assert.match(commandOf(compile), /^python -m compileall -q -j 0 --invalidation-mode unchecked-hash \/app/);
        assert.ok(lineOf(dockerfile, 'source', 'RUN', 'compileall') > lineOf(dockerfile, 'source', 'COPY', '. .'));
        assert.equal(dockerfile.stage('source').image, dockerfile.final.image, 'the same Python compiles and runs it');
      });

      it('gives the final stage only tini, the virtualenv and the app, copied from earlier stages', () => {
        const copies = byKeyword(dockerfile.final, 'COPY').map(runText);
        const tini = STACKS[stack].family === 'debian' ? '/usr/bin/tini' : '/sbin/tini';
        assert.deepEqual(copies, [
          `--from=tini ${tini} ${tini}`,
          '--from=builder /opt/venv /opt/venv',
          '--from=source /app /app',
        ]);
      });

      it('installs nothing with the package manager in the final stage when it needs no runtime packages', () => {
        assert.deepEqual(
          commands(dockerfile, 'runtime').filter((run) => /apt-get|apk/.test(run)),
          [],
        );
      });

      it("points libraries' caches and settings at /tmp, as the root filesystem is read-only", () => {
        const env = byKeyword(dockerfile.final, 'ENV').map(runText).join(' ');
        for (const pair of [
          'XDG_CACHE_HOME=/tmp/.cache',
          'XDG_CONFIG_HOME=/tmp/.config',
          'MPLCONFIGDIR=/tmp/matplotlib',
        ]) {
          assert.ok(env.includes(pair), `${pair} in ${env}`);
        }
      });

      it('runs tini as PID 1 in exec form and the entry as CMD in exec form', () => {
        const [entrypoint] = byKeyword(dockerfile.final, 'ENTRYPOINT');
        const [cmd] = byKeyword(dockerfile.final, 'CMD');
        assert.ok(entrypoint && cmd);
        const tini = STACKS[stack].family === 'debian' ? '/usr/bin/tini' : '/sbin/tini';
        assert.deepEqual(execArgs(entrypoint), [tini, '--']);
        assert.deepEqual(execArgs(cmd), STACKS[stack].notebook ? ['python', 'report.py'] : ['python', 'app.py']);
      });

      it('runs as a numeric non-root user, set last', () => {
        const users = byKeyword(dockerfile, 'USER');
        assert.equal(users.length, 1);
        assert.equal(runText(users[0]!), '10001:10001');
        assert.ok(dockerfile.final.instructions.includes(users[0]!));
      });

      it('creates the user and its volume directory owned by it', () => {
        const user = runs(dockerfile, 'runtime').find((run) => run.includes('10001') && run.includes('chown'));
        assert.ok(user, 'a RUN creates the user');
        assert.match(user, STACKS[stack].family === 'debian' ? /groupadd --gid 10001 app/ : /addgroup -S -g 10001 app/);
        assert.match(
          user,
          STACKS[stack].family === 'debian' ? /useradd --no-log-init --uid 10001/ : /adduser -S -D -H -u 10001/,
        );
        assert.match(user, /mkdir -p \/home\/app \/home\/app\/data/);
        assert.match(user, /chown 10001:10001 \/home\/app \/home\/app\/data/);
      });

      it('installs tini pinned in its own stage, cleaning up in the same RUN', () => {
        const install = runs(dockerfile, 'tini').find((run) => run.includes('tini'));
        assert.ok(install);
        if (STACKS[stack].family === 'debian') {
          assert.match(install, /^apt-get update && apt-get install -y --no-install-recommends /);
          assert.match(install, / tini=0\.19\.\* /);
          assert.match(install, /&& rm -rf \/var\/lib\/apt\/lists\/\*$/);
        } else {
          assert.match(install, /^apk add --no-cache /);
          assert.match(install, / tini~=0\.19$/);
        }
      });

      it('sets the Python environment: unbuffered, no bytecode, the venv first on PATH', () => {
        const env = byKeyword(dockerfile.final, 'ENV').map(runText).join(' ');
        assert.match(env, /PYTHONUNBUFFERED=1/);
        assert.match(env, /PYTHONDONTWRITEBYTECODE=1/);
        assert.match(env, /PATH=\/opt\/venv\/bin:\$PATH/);
      });

      it('normalises permissions of the code: root-owned, readable, not writable by others', () => {
        const found = runs(dockerfile, 'source').some((run) => /(?:^|;\s*)chmod -R u=rwX,go=rX \/app$/.test(run));
        assert.ok(found, runs(dockerfile, 'source').join('\n'));
      });

      it('has no ADD, and a WORKDIR in the final stage', () => {
        assert.equal(byKeyword(dockerfile, 'ADD').length, 0);
        assert.deepEqual(byKeyword(dockerfile.final, 'WORKDIR').map(runText), ['/app']);
      });

      it('sets SHELL with pipefail before any RUN that pipes', () => {
        for (const stage of dockerfile.stages) {
          let pipefail = false;
          for (const instruction of stage.instructions) {
            if (instruction.getKeyword() === 'SHELL') pipefail = runText(instruction).includes('pipefail');
            if (instruction.getKeyword() === 'RUN' && /[^|]\|[^|]/.test(runText(instruction))) {
              assert.ok(pipefail, `RUN with a pipe without pipefail: ${runText(instruction)}`);
            }
          }
        }
      });
    });
  }

  describe('healthcheck', () => {
    it('http probes the port and path with Python urllib, no curl', async () => {
      const dockerfile = await dockerfileFor('python-debian', { port: '8080', health: 'http', healthpath: '/ready' });
      const [health] = byKeyword(dockerfile.final, 'HEALTHCHECK');
      assert.ok(health);
      const args = execArgs(health);
      assert.equal(args[0], 'python');
      assert.equal(args[1], '-c');
      assert.match(args[2] ?? '', /urllib\.request\.urlopen\('http:\/\/127\.0\.0\.1:8080\/ready', timeout=4\)/);
      assert.doesNotMatch(dockerfile.text, /curl/);
    });

    it('cmd runs the given command in exec form', async () => {
      const dockerfile = await dockerfileFor('python-alpine', {
        health: 'cmd',
        healthcmd: 'python -m app.health --quick',
      });
      const [health] = byKeyword(dockerfile.final, 'HEALTHCHECK');
      assert.ok(health);
      assert.deepEqual(execArgs(health), ['python', '-m', 'app.health', '--quick']);
    });

    it('none writes HEALTHCHECK NONE', async () => {
      const dockerfile = await dockerfileFor('python-debian', { health: 'none' });
      const [health] = byKeyword(dockerfile.final, 'HEALTHCHECK');
      assert.ok(health);
      assert.equal(runText(health), 'NONE');
    });

    it('tcp connects to the port with Python socket, no curl', async () => {
      const dockerfile = await dockerfileFor('python-debian', { port: '8080', health: 'tcp' });
      const [health] = byKeyword(dockerfile.final, 'HEALTHCHECK');
      assert.ok(health);
      assert.deepEqual(execArgs(health), [
        'python',
        '-c',
        "import socket; socket.create_connection(('127.0.0.1', 8080), timeout=4).close()",
      ]);
    });

    it('defaults to tcp when a port is set and the code shows no health route, and to none without a port', async () => {
      const withPort = await dockerfileFor('python-debian', { port: '9000' });
      assert.match(withPort.text, /socket\.create_connection\(\('127\.0\.0\.1', 9000\)/);
      assert.doesNotMatch(withPort.text, /healthz/, 'no guessed health path');
      const withoutPort = await dockerfileFor('python-debian', { port: 'none' });
      assert.equal(runText(byKeyword(withoutPort.final, 'HEALTHCHECK')[0]!), 'NONE');
    });
  });

  describe('options', () => {
    it('--python and --release choose the pinned base image', async () => {
      const line = PYTHON['3.13'];
      assert.ok(line && line.debian.includes('bookworm'));
      const dockerfile = await dockerfileFor('python-debian', { python: '3.13', release: 'bookworm' });
      assert.equal(dockerfile.final.image, `python:${line.version}-slim-bookworm`);
      assert.equal(dockerfile.args.get('PYTHON_VERSION'), line.version);
      assert.equal(dockerfile.args.get('DEBIAN_RELEASE'), 'bookworm');
      const alpine = await dockerfileFor('python-alpine', { python: '3.13', release: line.alpine[1] ?? '' });
      assert.equal(alpine.final.image, `python:${line.version}-alpine${line.alpine[1] ?? ''}`);
      assert.ok(Object.keys(ALPINE).includes(alpine.args.get('ALPINE_RELEASE') ?? ''));
      assert.ok(Object.keys(DEBIAN).includes(dockerfile.args.get('DEBIAN_RELEASE') ?? ''));
    });

    it('--packages go to the final image, --buildpackages to the builder only, sorted', async () => {
      const dockerfile = await dockerfileFor('python-debian', {
        packages: 'libpq5=15.*,curl=8.*',
        buildpackages: 'libpq-dev=15.*,gcc=4:14.*',
      });
      const runtime = runs(dockerfile, 'runtime').find((run) => run.includes('apt-get install')) ?? '';
      assert.match(runtime, /--no-install-recommends curl=8\.\* libpq5=15\.\* &&/);
      const builder = runs(dockerfile, 'builder').find((run) => run.includes('apt-get install')) ?? '';
      assert.match(
        builder,
        /--no-install-recommends gcc=4:14\.\* libpq-dev=15\.\* && rm -rf \/var\/lib\/apt\/lists\/\*$/,
      );
      assert.doesNotMatch(runtime, /gcc|libpq-dev/);
    });

    it('without --buildpackages the builder installs no OS packages', async () => {
      const dockerfile = await dockerfileFor('python-debian');
      assert.ok(!runs(dockerfile, 'builder').some((run) => run.includes('apt-get')));
    });

    it('alpine --packages use apk pins', async () => {
      const dockerfile = await dockerfileFor('python-alpine', {
        packages: 'libpq~=17',
        buildpackages: 'build-base~=0.5',
      });
      assert.ok(runs(dockerfile, 'runtime').includes('apk add --no-cache libpq~=17'));
      assert.ok(runs(dockerfile, 'builder').includes('apk add --no-cache build-base~=0.5'));
    });

    it('--uid and --gid set the user, the ownership and USER', async () => {
      const dockerfile = await dockerfileFor('python-debian', { uid: '20000', gid: '30000' });
      assert.equal(runText(byKeyword(dockerfile.final, 'USER')[0]!), '20000:30000');
      assert.ok(runs(dockerfile, 'runtime').some((run) => run.includes('chown 20000:30000 /home/app /home/app/data')));
    });

    it('--volumes creates and owns every path', async () => {
      const dockerfile = await dockerfileFor('python-debian', { volumes: '/srv/cache,/home/app/uploads' });
      const user = runs(dockerfile, 'runtime').find((run) => run.includes('chown')) ?? '';
      assert.match(user, /mkdir -p \/home\/app \/srv\/cache \/home\/app\/uploads/);
      assert.match(user, /chown 10001:10001 \/home\/app \/srv\/cache \/home\/app\/uploads/);
    });

    it('--env bakes the defaults in as ENV, quoted', async () => {
      const generated = await generate({
        generator: 'dockerfile',
        options: { defaults: true, env: 'APP_MODE=production,WORKERS=4' },
      });
      const dockerfile = parseDockerfile(generated.read('Dockerfile'));
      const envs = byKeyword(dockerfile.final, 'ENV').map(runText);
      assert.ok(
        envs.some((env) => env.includes('APP_MODE="production"') && env.includes('WORKERS="4"')),
        envs.join(' | '),
      );
    });

    it('--entry -m runs the module', async () => {
      const dockerfile = await dockerfileFor(
        'python-debian',
        { entry: '-m service.main' },
        { 'service/__init__.py': '', 'service/main.py': 'print(1)\n' },
      );
      assert.deepEqual(execArgs(byKeyword(dockerfile.final, 'CMD')[0]!), ['python', '-m', 'service.main']);
    });

    it('--port exposes it; --port none exposes nothing', async () => {
      const withPort = await dockerfileFor('python-debian', { port: '5000' });
      assert.deepEqual(byKeyword(withPort.final, 'EXPOSE').map(runText), ['5000']);
      const withoutPort = await dockerfileFor('python-debian', { port: 'none' });
      assert.equal(byKeyword(withoutPort.final, 'EXPOSE').length, 0);
    });

    it('without requirements.txt nothing is installed, the venv is still made', async () => {
      const dockerfile = await dockerfileFor('python-debian', {}, { 'app.py': 'print(1)\n' });
      assert.ok(!runs(dockerfile, 'builder').some((run) => run.includes('pip --python')));
      assert.ok(runs(dockerfile, 'builder').includes('python -m venv --without-pip /opt/venv'));
    });
  });

  describe('jupyter stack', () => {
    let dockerfile: ParsedDockerfile;
    before(async () => {
      dockerfile = await dockerfileFor(
        'jupyter',
        { entry: 'notebooks/report.ipynb' },
        {
          'notebooks/report.ipynb': NOTEBOOK_PROJECT['report.ipynb'],
          'requirements.txt': '',
        },
      );
    });

    it('converts the notebook with the Python exporter of nbconvert in a converter stage of the pinned converter image', () => {
      const convert = dockerfile.stage('convert');
      assert.equal(convert.image, `${CONVERTER.image}:${CONVERTER.tag}`);
      assert.deepEqual(byKeyword(convert, 'COPY').map(runText), [
        '["notebooks/report.ipynb", "/tmp/notebook/notebook.ipynb"]',
      ]);
      const [run] = runs(dockerfile, 'convert');
      assert.match(
        run ?? '',
        /^jupyter nbconvert --to python --output-dir \/tmp\/converted --output notebook \/tmp\/notebook\/notebook\.ipynb /,
      );
    });

    it('fails the build with a clear message when the script still calls get_ipython', () => {
      const [run] = runs(dockerfile, 'convert');
      assert.match(
        run ?? '',
        /if grep -n get_ipython \/tmp\/converted\/notebook\.py; then echo "error: notebooks\/report\.ipynb uses IPython magics[^"]*" >&2; exit 1; fi/,
      );
    });

    it('keeps Jupyter out of the final image: only the script comes from the converter, via the source stage', () => {
      assert.notEqual(dockerfile.final.image, dockerfile.stage('convert').image);
      const fromConvert = byKeyword(dockerfile.stage('source'), 'COPY').map(runText);
      assert.ok(
        fromConvert.includes('--from=convert ["/tmp/converted/notebook.py", "./notebooks/report.py"]'),
        fromConvert.join(' | '),
      );
      assert.ok(!byKeyword(dockerfile.final, 'COPY').some((copy) => runText(copy).includes('--from=convert')));
      assert.deepEqual(execArgs(byKeyword(dockerfile.final, 'CMD')[0]!), ['python', 'report.py']);
    });

    it("runs the script from the notebook's own folder, so relative paths hold as in Jupyter", () => {
      const workdirs = byKeyword(dockerfile.final, 'WORKDIR').map(runText);
      assert.equal(workdirs[workdirs.length - 1], '/app/notebooks');
    });
  });
});
