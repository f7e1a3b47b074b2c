/**
 * examples/notebook-job (jupyter stack: notebooks/report.ipynb reads a CSV next to it with pandas and writes
 * its result to the data volume; the notebook is converted to a script at build time) generated with the
 * package's bin (`--defaults`, the Python and release of the wheelhouse, and a uid/gid), built with the
 * generated build.sh and run with the generated compose.yaml on a real Docker engine. See tools/engine/;
 * DOCKER_BEST_SKIP_ENGINE=1 skips this explicitly.
 */
import assert from 'node:assert/strict';
import { CONVERTER } from '../../src/catalogue.js';
import { describeFailure, docker, sleep } from '../../tools/engine/commands.js';
import { requireEngine } from '../../tools/engine/engine.js';
import { LIST_PROCESSES, isTini, parseProcesses } from '../../tools/engine/processes.js';
import { type BuildOutcome, EngineProject, example } from '../../tools/engine/project.js';
import { realDependencyArgs } from '../../tools/engine/wheelhouse.js';

const RESULT = 'result: 6 measurements, highest average c=13.95';
const NOTEBOOK = 'notebooks/report.ipynb';
const UID = 20001;
const GID = 20002;

/** Names that only a Jupyter installation has; pip's vendored rich/jupyter.py is not one. */
const FIND_JUPYTER = [
  'find',
  '/',
  '-xdev',
  '(',
  '-name',
  'jupyter*',
  '-o',
  '-name',
  'nbconvert*',
  '-o',
  '-name',
  'nbformat*',
  '-o',
  '-name',
  'IPython',
  '-o',
  '-name',
  'ipykernel*',
  ')',
  '-not',
  '-path',
  '*/pip/_vendor/*',
];

describe('engine: the notebook job example on jupyter', function () {
  this.timeout(5 * 60_000);
  let job: EngineProject | undefined;
  let built: BuildOutcome | undefined;
  const copies: EngineProject[] = [];

  const project = (): EngineProject => {
    if (!job) throw new Error('the project was not set up (see the before hook)');
    return job;
  };

  before(async function () {
    await requireEngine(this);
    job = await EngineProject.create(example('notebook-job'), {
      args: [...realDependencyArgs(), '--uid', String(UID), '--gid', String(GID)],
      secrets: true,
      git: true,
    });
    built = await job.buildScript();
  });

  after(async function () {
    this.timeout(5 * 60_000);
    for (const copy of copies) await copy.dispose();
    await job?.dispose();
  });

  it('build.sh converts the notebook and tags the image with the commit and latest', async function () {
    const nb = project();
    assert.ok(nb.dockerfile.stages.includes('convert'), `stages: ${nb.dockerfile.stages.join(', ')}`);
    const revision = await nb.revision();
    assert.deepEqual([...(built?.tags ?? [])].sort(), [nb.image(revision), nb.image('latest')].sort());
    const scripts = await nb.inspectImage(['find', '/', '-xdev', '-name', 'report.py', '-path', '*/notebooks/*']);
    assert.notEqual(
      scripts.stdout.trim(),
      '',
      describeFailure('no converted notebooks/report.py in the image', scripts),
    );
  });

  it('reads the CSV next to the notebook, prints its result and writes it to its volume (compose run)', async function () {
    const nb = project();
    const run = await nb.runOnce();
    assert.equal(run.code, 0, describeFailure('compose run', run));
    assert.ok(run.stdout.includes(RESULT), describeFailure(`compose run (no "${RESULT}")`, run));
    const [volume] = nb.compose.volumes;
    assert.ok(volume, 'compose.yaml mounts no volume');
    const written = await nb.runOnce(['cat', `${volume}/averages.csv`]);
    assert.equal(written.code, 0, describeFailure(`reading ${volume}/averages.csv`, written));
    assert.deepEqual(written.stdout.trim().split('\n'), ['sensor,value', 'a,12.2', 'b,12.95', 'c,13.95']);
  });

  it('brought up with compose up, runs once, prints its result and stays finished', async function () {
    const nb = project();
    this.timeout(3 * 60_000);
    try {
      await nb.explain(async () => {
        await nb.up();
        const container = await nb.container();
        const started = performance.now();
        while ((await nb.state(container)).Status !== 'exited' && performance.now() - started < 60_000) {
          await sleep(200);
        }
        // A restart policy would start it again within a second or two.
        await sleep(5000);
        const state = await nb.state(container);
        const restarts = await nb.restartCount(container);
        assert.equal(restarts, 0, `the finished job was started again ${restarts} times (compose restart policy)`);
        assert.equal(state.Status, 'exited');
        assert.equal(state.ExitCode, 0);
        const logs = await docker(['logs', container]);
        assert.equal(logs.stdout.split(RESULT).length - 1, 1, `expected the result once in:\n${logs.output}`);
      });
    } finally {
      await nb.down();
    }
  });

  it('runs as the generated uid, not root, with tini as PID 1', async function () {
    const nb = project();
    assert.deepEqual([nb.dockerfile.uid, nb.dockerfile.gid], [UID, GID]);
    const run = await nb.runOnce(['python', '-c', LIST_PROCESSES]);
    assert.equal(run.code, 0, describeFailure('compose run', run));
    const processes = parseProcesses(run.stdout);
    const first = processes.find((process) => process.pid === 1);
    assert.ok(first && isTini(first), `PID 1 is ${first?.cmdline ?? 'missing'}`);
    assert.ok(processes.some((process) => process.self));
    for (const process of processes) assert.equal(process.uid, UID, `${process.cmdline} runs as uid ${process.uid}`);
  });

  it('cannot write to /, can write to its volume and /tmp, and keeps volume data across down and up', async function () {
    const nb = project();
    const root = await nb.runOnce(['sh', '-c', 'echo x > /probe']);
    assert.notEqual(root.code, 0, 'writing / succeeded');
    assert.match(root.output, /Read-only file system/);
    const code = await nb.runOnce(['sh', '-c', `echo x > ${nb.dockerfile.workdir}/probe`]);
    assert.notEqual(code.code, 0, `writing ${nb.dockerfile.workdir} succeeded`);
    assert.ok(nb.compose.volumes.length > 0, 'compose.yaml mounts no volume');
    const token = `kept-${Date.now()}`;
    for (const dir of [...nb.compose.volumes, '/tmp']) {
      const write = await nb.runOnce(['sh', '-c', 'echo "$2" > "$1/kept" && cat "$1/kept"', 'sh', dir, token]);
      assert.equal(write.code, 0, describeFailure(`writing to ${dir}`, write));
      assert.equal(write.stdout.trim(), token);
    }
    await nb.down();
    for (const dir of nb.compose.volumes) {
      const read = await nb.runOnce(['cat', `${dir}/kept`]);
      assert.equal(read.code, 0, describeFailure(`reading ${dir}/kept after down and up`, read));
      assert.equal(read.stdout.trim(), token);
    }
  });

  it('leaves .env, .git and .venv of the project out of the image', async function () {
    assert.deepEqual(await project().leakedSecrets(), []);
  });

  it('holds no Jupyter in the final image', async function () {
    const nb = project();
    const converter = await nb.inspectImage(FIND_JUPYTER, `${CONVERTER.image}:${CONVERTER.tag}`);
    assert.notEqual(converter.stdout.trim(), '', 'the check finds nothing even in the converter image');
    const found = await nb.inspectImage(FIND_JUPYTER);
    assert.equal(found.code, 0, describeFailure('find', found));
    assert.equal(found.stdout.trim(), '', `Jupyter files in the final image:\n${found.stdout}`);
    const modules = await nb.inspectImage([
      'python',
      '-c',
      "import importlib.util as u; print([m for m in ('jupyter_core', 'nbconvert', 'nbformat', 'IPython') if u.find_spec(m)])",
    ]);
    assert.equal(modules.stdout.trim(), '[]', describeFailure('python -c', modules));
  });

  it('stops within 2 seconds on docker stop', async function () {
    const nb = project();
    const started = await nb.composeRun([
      'run',
      '-d',
      nb.compose.service,
      'python',
      '-c',
      'import time; print("working", flush=True); time.sleep(600)',
    ]);
    assert.equal(started.code, 0, describeFailure('compose run -d', started));
    const container = started.stdout.trim().split('\n').pop() ?? '';
    try {
      await nb.explain(async () => {
        const running = Date.now();
        while (!(await docker(['logs', container])).stdout.includes('working') && Date.now() - running < 30_000) {
          await sleep(200);
        }
        const ms = await nb.stopTime(container);
        assert.ok(ms < 2000, `docker stop took ${Math.round(ms)} ms`);
      });
    } finally {
      await docker(['rm', '--force', container]);
    }
  });

  it('build.sh outside git tags the build time (UTC) and latest, and says why', async function () {
    const copy = EngineProject.copyWithoutGit(project());
    copies.push(copy);
    const before = new Date();
    const outside = await copy.buildScript();
    const [timeTag, latest] = outside.tags;
    assert.equal(outside.tags.length, 2, `tags: ${outside.tags.join(', ')}`);
    assert.equal(latest, copy.image('latest'));
    const stamp = /:(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$/.exec(timeTag ?? '');
    assert.ok(stamp, `not a <YYYYMMDD>-<HHMMSS> tag: ${timeTag}`);
    const [, year, month, day, hour, minute, second] = stamp.map(Number);
    const tagged = Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second);
    assert.ok(Math.abs(tagged - before.getTime()) < 10 * 60_000, `${timeTag} is not the build time (UTC)`);
    assert.match(outside.result.stderr, /not in a git repository/);
  });

  it('a notebook that still uses IPython magics fails the build with a message naming it', async function () {
    const copy = EngineProject.copyWithoutGit(project());
    copies.push(copy);
    const notebook = JSON.parse(copy.read(NOTEBOOK)) as { cells: unknown[] };
    notebook.cells.push({
      cell_type: 'code',
      execution_count: null,
      id: 'magic',
      metadata: {},
      outputs: [],
      source: ['%time total = sum(range(10))\n', '!ls data'],
    });
    copy.write(NOTEBOOK, JSON.stringify(notebook, null, 1));
    const failure = await copy.build('magic').then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(failure instanceof Error, 'the build must fail');
    assert.match(
      failure.message,
      /error: (?:notebooks\/)?report\.ipynb uses IPython magics or shell escapes \(get_ipython above\): write them as plain Python/,
    );
    assert.match(failure.message, /get_ipython\(\)\.run_line_magic\('time'/);
  });
});
