import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { DEBUGPY } from '../../src/catalogue.js';
import { BUILDER_STAGE, DEV_CAPABILITIES, devCommand, dropPrivileges, rebuildPaths } from '../../src/context/dev.js';
import { APP_DIR, VENV } from '../../src/context/dockerfile.js';
import { makeFacts } from '../../test/support/facts.js';
import { generate, type Generated } from '../../test/support/generate.js';
import { byKeyword, execArgs, parseDockerfile } from '../../tools/dockerfile.js';

interface WatchRule {
  action: string;
  path: string;
  target?: string;
  ignore?: string[];
}

interface Service {
  image?: string;
  build?: { context?: string; target?: string };
  user?: string;
  read_only?: boolean;
  cap_add?: string[];
  cap_drop?: string[];
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  security_opt?: string[];
  develop?: { watch: WatchRule[] };
}

interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const devFor = async (
  options: Record<string, string | boolean>,
  files?: Record<string, string>,
): Promise<{ generated: Generated; compose: Compose; service: Service }> => {
  const generated = await generate({
    options: { defaults: true, name: 'shop/web', ...options },
    ...(files ? { files } : {}),
  });
  const compose = parse(generated.read('compose.dev.yaml')) as Compose;
  const service = compose.services.web;
  assert.ok(service, `no service "web" in compose.dev.yaml:\n${generated.read('compose.dev.yaml')}`);
  return { generated, compose, service };
};

/** The command after the privilege drop: what the app runs. */
const appCommand = (service: Service, uid = 10001, gid = 10001): string[] => {
  const drop = dropPrivileges(uid, gid);
  assert.deepEqual(service.command?.slice(0, drop.length), drop, 'the command starts with the drop to uid:gid');
  return service.command?.slice(drop.length) ?? [];
};

const FASTAPI = {
  'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
  'requirements.txt': 'fastapi\nuvicorn\n',
};

describe('docker-best:dev', () => {
  it('overrides the compose.yaml service with its own development tag, so latest stays the last build', async () => {
    const { compose, generated } = await devFor({});
    const base = parse(generated.read('compose.yaml')) as Compose;
    assert.deepEqual(Object.keys(compose.services), Object.keys(base.services));
    assert.equal(compose.services.web?.image, 'shop/web:development');
    assert.equal(compose.volumes, undefined, 'no volumes of its own without a debugger');
  });

  it('syncs the project into the app folder and rebuilds on a requirements change, not syncing it', async () => {
    const { service } = await devFor({});
    const watch = service.develop?.watch ?? [];
    const sync = watch.find((rule) => rule.action.startsWith('sync'));
    assert.ok(sync, JSON.stringify(watch));
    assert.equal(sync.path, '.');
    assert.equal(sync.target, APP_DIR);
    assert.deepEqual(sync.ignore, ['requirements.txt']);
    assert.deepEqual(
      watch.filter((rule) => rule.action === 'rebuild').map((rule) => rule.path),
      ['requirements.txt'],
    );
  });

  it('rebuilds on every lock file and project manifest the project has', async () => {
    const { service } = await devFor(
      { entry: 'app.py' },
      {
        'app.py': 'print(1)\n',
        'requirements.txt': '',
        'pyproject.toml': '[project]\nname = "web"\nversion = "1"\n',
        'setup.cfg': '[metadata]\nname = web\n',
      },
    );
    const rebuilt = (service.develop?.watch ?? []).filter((rule) => rule.action === 'rebuild').map((r) => r.path);
    assert.deepEqual(rebuilt, ['pyproject.toml', 'requirements.txt', 'setup.cfg']);
  });

  it('runs uvicorn with --reload, listening on the port, and only syncs', async () => {
    const { service } = await devFor({ entry: 'uvicorn main:app', port: '8000' }, FASTAPI);
    const argv = appCommand(service);
    assert.equal(argv[0], 'uvicorn');
    assert.ok(argv.includes('--reload'), argv.join(' '));
    assert.deepEqual(argv.slice(argv.indexOf('--host'), argv.indexOf('--host') + 4), [
      '--host',
      '0.0.0.0',
      '--port',
      '8000',
    ]);
    assert.equal(service.develop?.watch[0]?.action, 'sync');
  });

  it('runs gunicorn with --reload', async () => {
    const { service } = await devFor(
      { entry: 'gunicorn app:app', port: '8000' },
      {
        'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
        'requirements.txt': 'flask\ngunicorn\n',
      },
    );
    const argv = appCommand(service);
    assert.deepEqual(argv.slice(0, 2), ['gunicorn', '--reload']);
    assert.equal(service.develop?.watch[0]?.action, 'sync');
  });

  it('runs Streamlit with its own rerun on save', async () => {
    const { service } = await devFor(
      { entry: 'streamlit run dashboard.py' },
      {
        'dashboard.py': 'import streamlit as st\nst.write(1)\n',
        'requirements.txt': 'streamlit\n',
      },
    );
    const argv = appCommand(service);
    assert.deepEqual(argv.slice(0, 3), ['streamlit', 'run', 'dashboard.py']);
    assert.equal(argv[argv.indexOf('--server.runOnSave') + 1], 'true');
  });

  it("runs Django's runserver for a Django project served by gunicorn", () => {
    const run = devCommand({ kind: 'command', argv: ['gunicorn', 'shop.wsgi'] }, 8000, {
      django: { dir: 'src', settings: 'shop.settings', staticRoot: false },
    });
    assert.deepEqual(run, { argv: ['python', 'src/manage.py', 'runserver', '0.0.0.0:8000'], reloads: true });
  });

  it('runs a script, a module or an unknown command as the image does, and restarts the container after a sync', async () => {
    for (const [entry, expected] of [
      ['app.py', ['python', 'app.py']],
      ['-m app', ['python', '-m', 'app']],
      ['celery -A app worker', ['celery', '-A', 'app', 'worker']],
    ] as const) {
      const { service, generated } = await devFor({ entry, port: 'none', health: 'none' });
      const argv = appCommand(service);
      assert.deepEqual(argv, expected);
      // The image's own CMD, parsed from the Dockerfile: development runs the same thing.
      const cmd = byKeyword(parseDockerfile(generated.read('Dockerfile')).final, 'CMD')[0];
      assert.ok(cmd);
      assert.deepEqual(execArgs(cmd), expected);
      assert.equal(service.develop?.watch[0]?.action, 'sync+restart', entry);
    }
  });

  it('rebuilds when the notebook changes (the image converts it) and runs the converted script', async () => {
    const { service, generated } = await devFor(
      { stack: 'jupyter', entry: 'reports/daily.ipynb' },
      { 'reports/daily.ipynb': '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n' },
    );
    const watch = service.develop?.watch ?? [];
    assert.ok(watch.some((rule) => rule.action === 'rebuild' && rule.path === 'reports/daily.ipynb'));
    assert.ok(watch[0]?.ignore?.includes('reports/daily.ipynb'));
    const cmd = byKeyword(parseDockerfile(generated.read('Dockerfile')).final, 'CMD')[0];
    assert.ok(cmd);
    assert.deepEqual(appCommand(service), execArgs(cmd));
  });

  it('keeps the hardening but what Compose Watch needs: starts as root, writable root, three capabilities', async () => {
    const { service } = await devFor({ port: '8000' });
    assert.equal(service.user, 'root');
    assert.equal(service.read_only, false);
    assert.deepEqual(service.cap_add, [...DEV_CAPABILITIES]);
    assert.equal(service.environment?.HOME, '/home/app');
    // No key of compose.yaml's hardening is overridden: cap_drop, security_opt, tmpfs, limits stay.
    for (const key of ['cap_drop', 'security_opt', 'tmpfs', 'mem_limit', 'pids_limit', 'cpus', 'ports'] as const) {
      assert.equal((service as Record<string, unknown>)[key], undefined, key);
    }
  });

  it('drops to the uid and gid the image runs as, whatever they are', async () => {
    const { service } = await devFor({ uid: '20000', gid: '20001' });
    assert.deepEqual(appCommand(service, 20000, 20001), ['python', 'app.py']);
  });

  it('--debugport runs the app under debugpy, published on 127.0.0.1 only, installed by a one-off service', async () => {
    const { service, compose, generated } = await devFor(
      { entry: 'uvicorn main:app', port: '8000', debugport: '5678' },
      FASTAPI,
    );
    const argv = appCommand(service);
    assert.deepEqual(argv.slice(0, 6), ['python', '-m', 'debugpy', '--listen', '0.0.0.0:5678', `${VENV}/bin/uvicorn`]);
    assert.ok(argv.includes('--reload'));
    assert.deepEqual(service.ports, ['127.0.0.1:5678:5678']);
    assert.equal(service.environment?.PYTHONPATH, '/opt/debugpy');
    const installer = compose.services['web-debugpy'];
    assert.ok(installer, 'an installer service');
    assert.deepEqual(service.depends_on, { 'web-debugpy': { condition: 'service_completed_successfully' } });
    assert.equal(installer.build?.target, BUILDER_STAGE);
    assert.ok(installer.command?.includes(`${DEBUGPY.package}==${DEBUGPY.version}`));
    assert.deepEqual(installer.cap_drop, ['ALL']);
    const volume = `debugpy-${DEBUGPY.version}`;
    assert.ok(compose.volumes && volume in compose.volumes);
    assert.deepEqual(service.volumes, [`${volume}:/opt/debugpy:ro`]);
    assert.deepEqual(installer.volumes, [`${volume}:/debugpy`]);
    // The stage the installer builds exists in the Dockerfile.
    const stages = parseDockerfile(generated.read('Dockerfile')).stages.map((stage) => stage.name);
    assert.ok(stages.includes(BUILDER_STAGE), stages.join(', '));
  });

  it('--debugport runs a script and a module under debugpy as python would', async () => {
    const script = await devFor({ debugport: '5678' });
    assert.deepEqual(appCommand(script.service), ['python', '-m', 'debugpy', '--listen', '0.0.0.0:5678', 'app.py']);
    const module = await devFor({ entry: '-m app', debugport: '5679' });
    assert.deepEqual(appCommand(module.service), ['python', '-m', 'debugpy', '--listen', '0.0.0.0:5679', '-m', 'app']);
  });

  it('refuses a debug port that is the app port', async () => {
    await assert.rejects(
      devFor({ port: '8000', debugport: '8000' }),
      /--debugport '8000': must differ from --port 8000/,
    );
  });

  it('is written alone by docker-best:dev, from the answers in .yo-rc.json', async () => {
    const app = await generate({ options: { defaults: true, name: 'shop/web', debugport: '5678' } });
    const before = app.read('compose.dev.yaml');
    const alone = await generate({ generator: 'dev', cwd: app.dir, force: false });
    assert.deepEqual(alone.result.askedQuestions, []);
    assert.equal(alone.read('compose.dev.yaml'), before);
  });

  it('has no rebuild rule in a project without manifests (a watch path must exist)', () => {
    assert.deepEqual(
      rebuildPaths({ deps: { kind: 'none' }, entry: { kind: 'script', path: 'app.py' } }, makeFacts()),
      [],
    );
  });
});
