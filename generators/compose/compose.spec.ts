import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { COMPOSE_LIMITS } from '../../src/catalogue.js';
import { volumeNames } from '../../src/context/compose.js';
import { generate, refusedRun } from '../../test/support/generate.js';
import { detect } from '../../test/support/project-dirs.js';

interface Service {
  image?: string;
  read_only?: boolean;
  tmpfs?: string[];
  volumes?: string[];
  ports?: string[];
  security_opt?: string[];
  cap_drop?: string[];
  mem_limit?: string;
  pids_limit?: number;
  restart?: string;
  healthcheck?: unknown;
  deploy?: unknown;
  build?: unknown;
  pull_policy?: string;
  env_file?: string[];
}

interface Compose {
  version?: unknown;
  name?: unknown;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const composeFor = async (
  options: Record<string, string | boolean>,
): Promise<{ compose: Compose; service: Service; serviceName: string }> => {
  const generated = await generate({ generator: 'compose', options: { defaults: true, name: 'shop/web', ...options } });
  const compose = parse(generated.read('compose.yaml')) as Compose;
  const [[serviceName, service] = ['', {}]] = Object.entries(compose.services);
  return { compose, service, serviceName };
};

describe('docker-best:compose', () => {
  it('has no version or name key (Compose Specification, docker-compose 1.29 compatible) and one service', async () => {
    const { compose } = await composeFor({});
    assert.equal(compose.version, undefined);
    assert.equal(compose.name, undefined);
    assert.deepEqual(Object.keys(compose.services), ['web']);
  });

  it('runs the image and tag that build.sh makes, latest unless TAG says otherwise, and builds it when missing', async () => {
    const { service } = await composeFor({});
    assert.equal(service.image, 'shop/web:${TAG:-latest}');
    assert.deepEqual(service.build, { context: '.' });
    assert.equal(service.pull_policy, 'if_not_present');
  });

  it('runs read-only with a tmpfs /tmp, no capabilities and no privilege escalation', async () => {
    const { service } = await composeFor({});
    assert.equal(service.read_only, true);
    assert.deepEqual(service.tmpfs, ['/tmp']);
    assert.deepEqual(service.cap_drop, ['ALL']);
    assert.deepEqual(service.security_opt, ['no-new-privileges:true']);
  });

  it('limits memory and processes and restarts a service unless stopped', async () => {
    const { service } = await composeFor({ port: '8000' });
    assert.equal(service.mem_limit, COMPOSE_LIMITS.memory);
    assert.equal(service.pids_limit, COMPOSE_LIMITS.pids);
    assert.equal(service.restart, 'unless-stopped');
  });

  it('restarts a worker (a healthcheck command, no port) unless stopped', async () => {
    const { service } = await composeFor({ port: 'none', health: 'cmd', healthcmd: 'python -m worker.alive' });
    assert.equal(service.restart, 'unless-stopped');
  });

  it('runs a batch script (no port, no healthcheck) once', async () => {
    const { service } = await composeFor({ port: 'none', health: 'none' });
    assert.equal(service.restart, 'no');
  });

  it('keeps the service and volume names strings in YAML 1.1, which docker-compose 1.29 reads, and unquoted', async () => {
    const generated = await generate({
      generator: 'compose',
      options: { defaults: true, name: 'acme/e0', volumes: '/srv/yes,/srv/8' },
    });
    const compose = parse(generated.read('compose.yaml'), { version: '1.1', mapAsMap: true }) as Map<
      unknown,
      Map<unknown, unknown>
    >;
    // `e0` is a number to YAML 1.1 readers, `yes` a boolean, `8` an integer: each gets a prefix instead of quotes.
    assert.deepEqual([...(compose.get('services')?.keys() ?? [])], ['app-e0']);
    assert.deepEqual([...(compose.get('volumes')?.keys() ?? [])], ['vol-yes', 'vol-8']);
    assert.doesNotMatch(generated.read('compose.yaml'), /^\s*"[^"]*":/m, 'no key is quoted');
  });

  it('runs a notebook job once: no restart policy that would start it again', async () => {
    const generated = await generate({
      generator: 'compose',
      options: { defaults: true, stack: 'jupyter' },
      files: { 'report.ipynb': '{}' },
    });
    const compose = parse(generated.read('compose.yaml')) as Compose;
    assert.equal(Object.values(compose.services)[0]?.restart, 'no');
  });

  it('keeps the image healthcheck and avoids keys docker-compose 1.29 rejects', async () => {
    const { service } = await composeFor({ port: '8000' });
    assert.equal(service.healthcheck, undefined);
    assert.equal(service.deploy, undefined);
  });

  it('mounts a named volume for each --volumes path, declared at the top level', async () => {
    const { compose, service } = await composeFor({ volumes: '/home/app/data,/srv/data,/var/cache/app' });
    assert.deepEqual(service.volumes, ['app-data:/home/app/data', 'srv-data:/srv/data', 'app:/var/cache/app']);
    assert.deepEqual(Object.keys(compose.volumes ?? {}), ['app-data', 'srv-data', 'app']);
  });

  it('with --volumes none mounts nothing and declares no volumes', async () => {
    const { compose, service } = await composeFor({ volumes: 'none' });
    assert.equal(service.volumes, undefined);
    assert.equal(compose.volumes, undefined);
  });

  it("passes the project's .env to the container at run time when it has one, and nothing otherwise", async () => {
    const withEnv = await generate({
      generator: 'compose',
      options: { defaults: true },
      files: { 'app.py': 'print(1)\n', '.env': 'DATABASE_URL=postgres://db/app\n' },
    });
    const service = Object.values((parse(withEnv.read('compose.yaml')) as Compose).services)[0];
    assert.deepEqual(service?.env_file, ['.env']);
    const without = await generate({ generator: 'compose', options: { defaults: true } });
    assert.equal(Object.values((parse(without.read('compose.yaml')) as Compose).services)[0]?.env_file, undefined);
  });

  it('a .env.example and no .env (Kabuda-Backend): the run says to copy it to .env and write compose.yaml again', () => {
    const facts = detect({ 'app.py': 'print(1)\n', '.env.example': 'DATABASE_URL=\nSECRET_KEY=\n' });
    assert.ok(
      facts.warnings.includes(
        '.env.example lists settings the app reads, and there is no .env: compose.yaml passes a .env only when one ' +
          'is there when it is written, so copy .env.example to .env, fill it in, and run docker-best compose again',
      ),
      facts.warnings.join('\n'),
    );
    const both = detect({ 'app.py': 'print(1)\n', '.env.example': 'A=\n', '.env': 'A=1\n' });
    assert.ok(!both.warnings.some((warning) => warning.includes('.env.example')), both.warnings.join('\n'));
  });

  it('does not shadow a docker-compose.yml the project has: it names it and writes nothing, unless --force', async () => {
    const files = { 'app.py': 'print(1)\n', 'docker-compose.yml': 'services:\n  web:\n    build: .\n' };
    const { message, dir } = await refusedRun({
      options: { defaults: true },
      force: false,
      files,
    });
    assert.match(
      message,
      /^docker-compose\.yml is already here, and docker compose would read a new compose\.yaml instead: nothing was written; pass --force/,
    );
    assert.deepEqual(readdirSync(dir).sort(), Object.keys(files).sort());
    const forced = await generate({ cwd: dir, options: { defaults: true, force: true } });
    assert.ok(forced.exists('compose.yaml'));
    assert.equal(forced.read('docker-compose.yml'), files['docker-compose.yml']);
  });

  it('publishes the port on 127.0.0.1 only', async () => {
    const { service } = await composeFor({ port: '8000' });
    assert.deepEqual(service.ports, ['127.0.0.1:8000:8000']);
  });

  it('publishes nothing with --port none', async () => {
    const { service } = await composeFor({ port: 'none' });
    assert.equal(service.ports, undefined);
  });

  it('names the service after the last part of the image name', async () => {
    const { serviceName } = await composeFor({ name: 'registry.example.com:5000/team/api-server' });
    assert.equal(serviceName, 'api-server');
  });

  describe('volume names', () => {
    it('use the last path segment, adding parents only to tell paths apart', () => {
      assert.deepEqual(volumeNames(['/home/app/data']), ['data']);
      assert.deepEqual(volumeNames(['/home/app/data', '/srv/data']), ['app-data', 'srv-data']);
      assert.deepEqual(volumeNames(['/a/b/data', '/c/b/data']), ['a-b-data', 'c-b-data']);
      assert.deepEqual(volumeNames(['/srv/My Files'.replace(' ', '_')]), ['my_files']);
    });
  });
});
