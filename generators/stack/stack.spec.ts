import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { COMPOSE_LIMITS } from '../../src/catalogue.js';
import { STACK_FORMAT } from '../../src/context/compose.js';
import { generate } from '../../test/support/generate.js';

interface Port {
  target: number;
  published: number;
  protocol: string;
  mode: string;
}

interface Service {
  image?: string;
  build?: unknown;
  restart?: unknown;
  mem_limit?: unknown;
  pids_limit?: unknown;
  cpus?: unknown;
  security_opt?: unknown;
  tmpfs?: unknown;
  read_only?: boolean;
  cap_drop?: string[];
  volumes?: (string | { type: string; target: string })[];
  ports?: Port[];
  logging?: unknown;
  deploy?: {
    replicas?: number;
    resources?: { limits?: { cpus?: string; memory?: string; pids?: number } };
    restart_policy?: { condition?: string };
    update_config?: { parallelism?: number; order?: string; failure_action?: string; monitor?: string };
    rollback_config?: { order?: string };
  };
}

interface Stack {
  version?: string;
  name?: unknown;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const generated = async (options: Record<string, string>): Promise<{ stack: Stack; compose: Stack }> => {
  const result = await generate({ options: { defaults: true, name: 'shop/web', ...options } });
  return {
    stack: parse(result.read('stack.yaml')) as Stack,
    compose: parse(result.read('compose.yaml')) as Stack,
  };
};

const web = (stack: Stack): Service => {
  const service = stack.services.web;
  assert.ok(service, JSON.stringify(stack));
  return service;
};

describe('docker-best:stack', () => {
  it('names the file format the docker 20.10 client needs, and no project name', async () => {
    const { stack } = await generated({});
    assert.equal(stack.version, STACK_FORMAT);
    assert.equal(stack.name, undefined);
  });

  it('runs the same image, service and named volumes as compose.yaml', async () => {
    const { stack, compose } = await generated({ volumes: '/home/app/data,/srv/uploads' });
    assert.deepEqual(Object.keys(stack.services), Object.keys(compose.services));
    assert.equal(web(stack).image, web(compose).image);
    assert.deepEqual(stack.volumes, compose.volumes);
    const named = (web(stack).volumes ?? []).filter((entry): entry is string => typeof entry === 'string');
    assert.deepEqual(named, web(compose).volumes);
  });

  it('keeps the hardening Swarm honours: read-only root, tmpfs /tmp as a mount, no capabilities, the logging', async () => {
    const { stack, compose } = await generated({});
    const service = web(stack);
    assert.equal(service.read_only, true);
    assert.deepEqual(service.cap_drop, ['ALL']);
    assert.ok(
      service.volumes?.some((entry) => typeof entry === 'object' && entry.type === 'tmpfs' && entry.target === '/tmp'),
    );
    assert.deepEqual(service.logging, web(compose).logging);
  });

  it('has no key docker stack deploy refuses or ignores: limits, restarts and build are under deploy or gone', async () => {
    const service = web((await generated({ port: '8000' })).stack);
    for (const key of ['build', 'restart', 'mem_limit', 'pids_limit', 'cpus', 'security_opt', 'tmpfs'] as const) {
      assert.equal(service[key], undefined, key);
    }
  });

  it('limits memory, processes and CPU under deploy.resources, as compose.yaml does', async () => {
    const { stack, compose } = await generated({});
    assert.deepEqual(web(stack).deploy?.resources?.limits, {
      cpus: COMPOSE_LIMITS.cpus,
      memory: COMPOSE_LIMITS.memory,
      pids: COMPOSE_LIMITS.pids,
    });
    assert.equal(web(compose).mem_limit, COMPOSE_LIMITS.memory);
    assert.equal(web(compose).pids_limit, COMPOSE_LIMITS.pids);
  });

  it('rolls updates out one task at a time, the new one first, and rolls back a failed one', async () => {
    const deploy = web((await generated({ port: '8000' })).stack).deploy;
    assert.equal(deploy?.replicas, 1);
    assert.equal(deploy?.update_config?.parallelism, 1);
    assert.equal(deploy?.update_config?.order, 'start-first');
    assert.equal(deploy?.update_config?.failure_action, 'rollback');
    assert.equal(deploy?.rollback_config?.order, 'start-first');
    assert.equal(deploy?.restart_policy?.condition, 'any');
  });

  it('does not restart a batch job', async () => {
    const deploy = web((await generated({ port: 'none', health: 'none' })).stack).deploy;
    assert.equal(deploy?.restart_policy?.condition, 'none');
  });

  it('publishes the port through the routing mesh (Swarm has no 127.0.0.1 binding), and none without a port', async () => {
    assert.deepEqual(web((await generated({ port: '8000' })).stack).ports, [
      { target: 8000, published: 8000, protocol: 'tcp', mode: 'ingress' },
    ]);
    assert.equal(web((await generated({ port: 'none', health: 'none' })).stack).ports, undefined);
  });
});
