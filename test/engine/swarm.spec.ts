/**
 * The generated stack.yaml on a one-node Docker Swarm: deployed with `docker stack deploy`, healthy, then
 * rolled to a second build with never a moment without a healthy task, then removed, and the swarm left,
 * also when a check fails. Other engine suites share the engine: one swarm suite at a time holds a lock, a
 * swarm this suite did not start is used and left alone, and the stack's containers, network and volumes go.
 * DOCKER_BEST_SKIP_ENGINE=1 skips this explicitly.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type RunResult, CACHE, describeFailure, docker, must, sleep, tail } from '../../tools/engine/commands.js';
import { requireEngine } from '../../tools/engine/engine.js';
import { freePort } from '../../tools/engine/processes.js';
import { EngineProject, STDLIB_SERVICE } from '../../tools/engine/project.js';

/** The label this suite puts on a node whose swarm it started, to know it (and leave it) after a crash. */
const OWNER_LABEL = 'docker-best.swarm-test';

/** Hold an exclusive lock until release() (flock(1) in a child; the lock goes with it if this process dies). */
const lock = async (file: string): Promise<{ release: () => void }> => {
  mkdirSync(CACHE, { recursive: true });
  const holder: ChildProcess = spawn('flock', ['--exclusive', file, 'sh', '-c', 'echo locked; exec cat'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    holder.once('error', reject);
    holder.once('exit', (code) => reject(new Error(`flock ${file} exited (${String(code)})`)));
    holder.stdout?.once('data', () => resolve());
  });
  return { release: () => holder.stdin?.end() };
};

const swarmState = async (): Promise<string> =>
  (await must('docker info', 'docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'])).stdout.trim();

/** Healthy running containers of a swarm service on this node. */
const healthyTasks = async (service: string): Promise<number> => {
  const listed = await docker([
    'ps',
    '--quiet',
    '--filter',
    `label=com.docker.swarm.service.name=${service}`,
    '--filter',
    'health=healthy',
  ]);
  if (listed.code !== 0) throw new Error(describeFailure('docker ps', listed));
  return listed.stdout.trim() === '' ? 0 : listed.stdout.trim().split('\n').length;
};

const inspectService = async (service: string, format: string): Promise<string> =>
  (await must('docker service inspect', 'docker', ['service', 'inspect', '--format', format, service])).stdout.trim();

describe('engine: stack.yaml on a one-node Docker Swarm', function () {
  this.timeout(10 * 60_000);
  let app: EngineProject | undefined;
  let held: { release: () => void } | undefined;
  let startedSwarm = false;
  /** Swarm mode makes a docker_gwbridge network that leaving the swarm keeps: removed when it was not there. */
  let gwbridgeBefore = true;
  let stack = '';
  let port = 0;
  const deploys: RunResult[] = [];

  const project = (): EngineProject => {
    if (!app) throw new Error('the project was not set up (see the before hook)');
    return app;
  };
  const service = (): string => `${stack}_${project().compose.service}`;

  /** `docker stack deploy` of the generated stack.yaml at `tag` (the local image: no registry is reachable). */
  const deploy = async (tag: string): Promise<RunResult> => {
    const result = await docker(
      ['stack', 'deploy', '--resolve-image', 'never', '--compose-file', join(project().dir, 'stack.yaml'), stack],
      { cwd: project().dir, env: { TAG: tag }, timeoutMs: 120_000 },
    );
    deploys.push(result);
    if (result.code !== 0) throw new Error(describeFailure('docker stack deploy', result));
    return result;
  };

  /** The service's task states, and the logs of its containers: evidence for a failed check. */
  const evidence = async (): Promise<string> => {
    const tasks = await docker(['service', 'ps', '--no-trunc', service()]);
    const logs = await docker(['service', 'logs', '--tail', '40', service()]);
    return `--- docker service ps ---\n${tasks.output}\n--- docker service logs ---\n${tail(logs.output, 40)}\n--- deploys ---\n${deploys.map((d) => d.output).join('\n')}`;
  };

  const waitHealthy = async (): Promise<void> => {
    const started = performance.now();
    while (performance.now() - started < 180_000) {
      if ((await healthyTasks(service())) >= 1) return;
      await sleep(1000);
    }
    throw new Error(`no healthy task of ${service()} within 180 s\n${await evidence()}`);
  };

  before(async function () {
    await requireEngine(this);
    held = await lock(join(CACHE, 'swarm.lock'));
    port = await freePort();
    app = await EngineProject.create(STDLIB_SERVICE, { args: ['--port', String(port), '--env', `PORT=${port}`] });
    stack = app.project;
    await app.build('v1');
    // A second build that differs: the update must replace the task, not only rename its image.
    app.write('VERSION', 'v2\n');
    await app.build('v2');
    if ((await swarmState()) === 'inactive') {
      gwbridgeBefore = (await docker(['network', 'inspect', 'docker_gwbridge'])).code === 0;
      await must('docker swarm init', 'docker', ['swarm', 'init', '--advertise-addr', '127.0.0.1']);
      startedSwarm = true;
      const node = (await must('docker info', 'docker', ['info', '--format', '{{.Swarm.NodeID}}'])).stdout.trim();
      await must('docker node update', 'docker', ['node', 'update', '--label-add', `${OWNER_LABEL}=1`, node]);
    } else {
      // A swarm left by a run of this suite that died is this suite's to leave; another one is not.
      const owned = await docker(['node', 'inspect', '--format', `{{ index .Spec.Labels "${OWNER_LABEL}" }}`, 'self']);
      startedSwarm = owned.code === 0 && owned.stdout.trim() === '1';
    }
  });

  after(async function () {
    this.timeout(5 * 60_000);
    try {
      if (stack !== '') {
        await docker(['stack', 'rm', stack]);
        // stack rm returns at once; the containers and the network go after it.
        for (let waited = 0; waited < 60; waited += 1) {
          const left = await docker(['ps', '-aq', '--filter', `label=com.docker.stack.namespace=${stack}`]);
          const network = await docker([
            'network',
            'ls',
            '-q',
            '--filter',
            `label=com.docker.stack.namespace=${stack}`,
          ]);
          if (left.stdout.trim() === '' && network.stdout.trim() === '') break;
          await sleep(1000);
        }
        const volumes = await docker(['volume', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`]);
        const names = volumes.stdout.trim().split('\n').filter(Boolean);
        if (names.length > 0) await docker(['volume', 'rm', ...names]);
      }
      if (startedSwarm) {
        await docker(['swarm', 'leave', '--force']);
        // The bridge is freed a moment after the node leaves.
        for (let tries = 0; !gwbridgeBefore && tries < 30; tries += 1) {
          if ((await docker(['network', 'inspect', 'docker_gwbridge'])).code !== 0) break;
          await docker(['network', 'rm', 'docker_gwbridge']);
          await sleep(1000);
        }
      }
    } finally {
      held?.release();
      await app?.dispose();
    }
  });

  it('deploys with docker stack deploy (the docker 20.10 client) and reaches healthy', async () => {
    const first = await deploy('v1');
    assert.doesNotMatch(first.output, /unsupported|not allowed|Ignoring/i, first.output);
    await waitHealthy();
    // The app answers on its port inside the task. (The routing mesh's published port does not answer on
    // 127.0.0.1 in this test machine's network, so the publication is checked in the service spec.)
    const containers = await must('docker ps', 'docker', [
      'ps',
      '--quiet',
      '--filter',
      `label=com.docker.swarm.service.name=${service()}`,
    ]);
    const [container = ''] = containers.stdout.trim().split('\n');
    const probe = await docker([
      'exec',
      container,
      'python',
      '-c',
      `import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:${port}/', timeout=5).status)`,
    ]);
    assert.equal(probe.stdout.trim(), '200', `${probe.output}\n${await evidence()}`);
    const published = JSON.parse(await inspectService(service(), '{{json .Spec.EndpointSpec.Ports}}')) as {
      TargetPort: number;
      PublishedPort: number;
      PublishMode: string;
    }[];
    assert.deepEqual(
      published.map((entry) => [entry.TargetPort, entry.PublishedPort, entry.PublishMode]),
      [[port, port, 'ingress']],
    );
  });

  it('runs the task with the limits, read-only root and no capabilities of stack.yaml', async () => {
    const spec = JSON.parse(await inspectService(service(), '{{json .Spec.TaskTemplate}}')) as {
      ContainerSpec: { ReadOnly?: boolean; CapabilityDrop?: string[]; Mounts?: { Type: string; Target: string }[] };
      Resources: { Limits: { MemoryBytes?: number; NanoCPUs?: number; Pids?: number } };
    };
    const limits = (
      parse(project().read('stack.yaml')) as {
        services: Record<string, { deploy: { resources: { limits: { pids: number } } } }>;
      }
    ).services[project().compose.service]?.deploy.resources.limits;
    assert.equal(spec.ContainerSpec.ReadOnly, true);
    assert.deepEqual(spec.ContainerSpec.CapabilityDrop, ['ALL']);
    assert.ok(spec.ContainerSpec.Mounts?.some((mount) => mount.Type === 'tmpfs' && mount.Target === '/tmp'));
    assert.equal(spec.Resources.Limits.MemoryBytes, 512 * 1024 * 1024);
    assert.equal(spec.Resources.Limits.NanoCPUs, 1e9);
    assert.equal(spec.Resources.Limits.Pids, limits?.pids);
  });

  it('rolls to a second build with never a moment without a healthy task', async () => {
    const web = service();
    await waitHealthy();
    let fewest = Infinity;
    let samples = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        fewest = Math.min(fewest, await healthyTasks(web));
        samples += 1;
        await sleep(250);
      }
    })();
    try {
      await deploy('v2');
      const started = performance.now();
      let state = '';
      while (performance.now() - started < 300_000) {
        state = await inspectService(web, '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}');
        if (state === 'completed' || state.startsWith('rollback') || state === 'paused') break;
        await sleep(1000);
      }
      assert.equal(state, 'completed', `the update ended ${state || 'not at all'}\n${await evidence()}`);
    } finally {
      watching = false;
      await watch;
    }
    assert.ok(samples > 10, `only ${samples} samples of the healthy tasks`);
    assert.ok(fewest >= 1, `the service had no healthy task during the update\n${await evidence()}`);
    const image = await inspectService(web, '{{.Spec.TaskTemplate.ContainerSpec.Image}}');
    assert.equal(image, project().image('v2'));
    await waitHealthy();
  });
});
