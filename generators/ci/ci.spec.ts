import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CI_PLATFORMS, GITHUB_ACTIONS, GITLAB_IMAGES } from '../../src/catalogue.js';
import { CI_FILES, registryOf } from '../../src/context/ci.js';
import {
  actionlintFindings,
  ciFindings,
  gitlabCiFindings,
  githubWorkflowFindings,
} from '../../test/support/ci-linters.js';
import { generate, SCRIPT_PROJECT, writeFiles, type Generated } from '../../test/support/generate.js';

const BIN = fileURLToPath(new URL('../../bin/docker-best.js', import.meta.url));

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  with?: Record<string, string | boolean>;
  env?: Record<string, string>;
}

interface Workflow {
  on: { push: unknown };
  permissions: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
}

interface GitlabJob {
  stage: string;
  image: string;
  services: { name: string; alias: string }[];
  variables: Record<string, string>;
  rules: { if: string }[];
  before_script: string[];
  script: string[];
}

const ci = async (options: Record<string, string>, files?: Record<string, string>, force = true): Promise<Generated> =>
  generate({ options: { defaults: true, ...options }, ...(files ? { files } : {}), force });

const workflowOf = (generated: Generated): Workflow => parse(generated.read(CI_FILES.github)) as Workflow;

const steps = (generated: Generated): Step[] => Object.values(workflowOf(generated).jobs)[0]?.steps ?? [];

const stepUsing = (generated: Generated, action: string, predicate: (step: Step) => boolean = () => true): Step => {
  const found = steps(generated).find((step) => step.uses === action && predicate(step));
  assert.ok(found, `no step uses ${action}`);
  return found;
};

const gitlabJob = (generated: Generated): GitlabJob => {
  const document = parse(generated.read(CI_FILES.gitlab)) as Record<string, unknown>;
  return document['docker-image'] as GitlabJob;
};

describe('docker-best:ci', () => {
  describe('GitHub Actions (the default)', () => {
    it('writes .github/workflows/docker.yml, run on every push, and no GitLab file', async () => {
      const generated = await ci({ name: 'acme/shop' });
      assert.ok(generated.exists(CI_FILES.github));
      assert.ok(!generated.exists(CI_FILES.gitlab));
      assert.ok('push' in workflowOf(generated).on);
    });

    it('pins every action by its full version, from the catalogue', async () => {
      const generated = await ci({ name: 'acme/shop' });
      const used = steps(generated).flatMap((step) => (step.uses === undefined ? [] : [step.uses]));
      const pinned = new Set<string>(Object.values(GITHUB_ACTIONS).filter((value) => value.includes('@')));
      for (const action of used) {
        assert.match(action, /@v\d+\.\d+\.\d+$/, action);
        assert.ok(pinned.has(action), `${action} is not in the catalogue`);
      }
      assert.equal(Object.values(workflowOf(generated).jobs)[0]?.['runs-on'], GITHUB_ACTIONS.runner);
    });

    it("runs Docker's build checks before building", async () => {
      const generated = await ci({ name: 'acme/shop' });
      const all = steps(generated);
      const check = all.findIndex((step) => step.uses === GITHUB_ACTIONS.buildPush && step.with?.call === 'check');
      const build = all.findIndex((step) => step.uses === GITHUB_ACTIONS.buildPush && step.with?.push === true);
      assert.ok(check >= 0 && build > check, `check at ${check}, build at ${build}`);
    });

    it('builds both platforms with a cache, an SBOM and provenance, and pushes', async () => {
      const build = stepUsing(
        await ci({ name: 'acme/shop' }),
        GITHUB_ACTIONS.buildPush,
        (step) => step.with?.push === true,
      );
      assert.equal(build.with?.platforms, CI_PLATFORMS.join(','));
      assert.equal(build.with?.['cache-from'], 'type=gha');
      assert.equal(build.with?.['cache-to'], 'type=gha,mode=max');
      assert.equal(build.with?.sbom, true);
      assert.equal(build.with?.provenance, 'mode=max');
      assert.equal(build.with?.tags, '${{ steps.meta.outputs.tags }}');
    });

    it('tags like build.sh: the 12-character commit, and latest only from the default branch', async () => {
      const meta = stepUsing(await ci({ name: 'acme/shop' }), GITHUB_ACTIONS.metadata);
      assert.equal(meta.env?.DOCKER_METADATA_SHORT_SHA_LENGTH, '12');
      assert.equal(meta.with?.images, 'acme/shop');
      const tags = String(meta.with?.tags).trim().split('\n');
      assert.deepEqual(tags, ['type=sha,prefix=,format=short', 'type=raw,value=latest,enable={{is_default_branch}}']);
    });

    it('logs in to Docker Hub with a repository variable and secret when the name has no registry', async () => {
      const generated = await ci({ name: 'acme/shop' });
      const login = stepUsing(generated, GITHUB_ACTIONS.login);
      assert.equal(login.with?.registry, undefined);
      assert.equal(login.with?.username, '${{ vars.DOCKERHUB_USERNAME }}');
      assert.equal(login.with?.password, '${{ secrets.DOCKERHUB_TOKEN }}');
      assert.match(generated.read('README.Docker.md'), /`DOCKERHUB_TOKEN` \| repository secret/);
    });

    it('pushes a name without a namespace under the Docker Hub user', async () => {
      const meta = stepUsing(await ci({ name: 'shop' }), GITHUB_ACTIONS.metadata);
      assert.equal(meta.with?.images, '${{ vars.DOCKERHUB_USERNAME }}/shop');
    });

    it("logs in to ghcr.io with the workflow's own token, which may then write packages", async () => {
      const generated = await ci({ name: 'ghcr.io/acme/shop' });
      const login = stepUsing(generated, GITHUB_ACTIONS.login);
      assert.equal(login.with?.registry, 'ghcr.io');
      assert.equal(login.with?.password, '${{ secrets.GITHUB_TOKEN }}');
      assert.deepEqual(workflowOf(generated).permissions, { contents: 'read', packages: 'write' });
    });

    it('logs in to another registry with secrets named in README.Docker.md', async () => {
      const generated = await ci({ name: 'registry.example.com:5000/team/shop' });
      const login = stepUsing(generated, GITHUB_ACTIONS.login);
      assert.equal(login.with?.registry, 'registry.example.com:5000');
      assert.equal(login.with?.username, '${{ secrets.REGISTRY_USERNAME }}');
      assert.deepEqual(workflowOf(generated).permissions, { contents: 'read' });
      const readme = generated.read('README.Docker.md');
      assert.match(readme, /`REGISTRY_USERNAME` \| repository secret/);
      assert.match(readme, /`REGISTRY_PASSWORD` \| repository secret/);
    });

    it('passes GitHub’s workflow parser, action-validator and actionlint with no finding', async () => {
      for (const name of ['acme/shop', 'shop', 'ghcr.io/acme/shop', 'registry.example.com:5000/team/shop']) {
        const generated = await ci({ name });
        assert.deepEqual(await githubWorkflowFindings(generated.dir, CI_FILES.github), [], name);
      }
    });
  });

  describe('GitLab CI', () => {
    it('writes .gitlab-ci.yml with --ci gitlab, and no workflow', async () => {
      const generated = await ci({ name: 'acme/shop', ci: 'gitlab' });
      assert.ok(generated.exists(CI_FILES.gitlab));
      assert.ok(!generated.exists(CI_FILES.github));
    });

    it('is the default in a project that has a .gitlab-ci.yml, which is not overwritten without asking', async () => {
      const mine = 'test:\n  script:\n    - pytest\n';
      const project = { ...SCRIPT_PROJECT, '.gitlab-ci.yml': mine };
      // The bin without a terminal and without --force stops before writing anything, naming the file.
      const dir = mkdtempSync(join(tmpdir(), 'docker-best-gitlab-'));
      writeFiles(dir, project);
      const run = spawnSync(process.execPath, [BIN, '--defaults'], { cwd: dir, encoding: 'utf8', input: '' });
      assert.equal(run.status, 1, run.stderr);
      assert.match(
        run.stderr,
        /^docker-best: \.gitlab-ci\.yml \(not written by the generator\) differs from what the generator writes/,
      );
      assert.equal(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8'), mine);
      assert.ok(!existsSync(join(dir, 'Dockerfile')), 'nothing was written');
      const forced = await ci({ name: 'acme/shop' }, project, true);
      assert.ok(!forced.exists(CI_FILES.github), 'the detected default is gitlab');
      assert.ok(gitlabJob(forced).script.length > 0, 'with --force it is replaced by the docker job');
    });

    it('builds in Docker-in-Docker with pinned images, checks first, then both platforms with attestations', async () => {
      const job = gitlabJob(await ci({ name: 'acme/shop', ci: 'gitlab' }));
      assert.equal(job.image, GITLAB_IMAGES.docker);
      assert.deepEqual(job.services, [{ name: GITLAB_IMAGES.dind, alias: 'docker' }]);
      assert.deepEqual(job.rules, [{ if: '$CI_PIPELINE_SOURCE == "push"' }]);
      assert.equal(job.script[0], 'docker buildx build --check .');
      const build = job.script[1] ?? '';
      assert.match(build, /--platform "\$PLATFORMS"/);
      assert.equal(job.variables.PLATFORMS, CI_PLATFORMS.join(','));
      assert.match(build, /--sbom=true --provenance=mode=max/);
      assert.match(build, /--cache-from "type=registry,ref=\$\{IMAGE\}:buildcache"/);
      assert.match(build, /--push \.$/m);
      assert.ok(job.before_script.some((line) => line.includes(GITLAB_IMAGES.binfmt)));
    });

    it('tags like build.sh: the 12-character commit, latest on the default branch only', async () => {
      const build = gitlabJob(await ci({ name: 'acme/shop', ci: 'gitlab' })).script[1] ?? '';
      assert.match(build, /cut -c1-12/);
      assert.match(
        build,
        /if \[ "\$CI_COMMIT_BRANCH" = "\$CI_DEFAULT_BRANCH" \]; then\n\s+tags="\$tags --tag \$\{IMAGE\}:latest"/,
      );
    });

    it("logs in to a GitLab registry with the job's own credentials, elsewhere with CI/CD variables", async () => {
      const own = gitlabJob(await ci({ name: 'registry.gitlab.com/acme/shop', ci: 'gitlab' }));
      assert.match(
        own.before_script[0] ?? '',
        /\$CI_REGISTRY_PASSWORD.*--username "\$CI_REGISTRY_USER".* registry\.gitlab\.com$/,
      );
      const hub = gitlabJob(await ci({ name: 'acme/shop', ci: 'gitlab' }));
      assert.match(hub.before_script[0] ?? '', /\$DOCKERHUB_TOKEN.*--username "\$DOCKERHUB_USERNAME".* docker\.io$/);
    });

    it("passes GitLab's CI schema with no finding", async () => {
      for (const name of [
        'acme/shop',
        'shop',
        'registry.gitlab.com/acme/shop',
        'registry.example.com:5000/team/shop',
      ]) {
        const generated = await ci({ name, ci: 'gitlab' });
        assert.deepEqual(gitlabCiFindings(generated.dir, CI_FILES.gitlab), [], name);
      }
    });
  });

  it('--ci none writes no CI file', async () => {
    const generated = await ci({ ci: 'none' });
    assert.ok(!generated.exists(CI_FILES.github));
    assert.ok(!generated.exists(CI_FILES.gitlab));
    assert.deepEqual(await ciFindings(generated.dir), []);
  });

  it('reads the registry from the image name as Docker does', () => {
    assert.deepEqual(registryOf('shop'), { host: 'docker.io', dockerHub: true, path: 'shop' });
    assert.deepEqual(registryOf('acme/shop'), { host: 'docker.io', dockerHub: true, path: 'acme/shop' });
    assert.deepEqual(registryOf('localhost/shop'), { host: 'localhost', dockerHub: false, path: 'shop' });
    assert.deepEqual(registryOf('registry.example.com:5000/a/b'), {
      host: 'registry.example.com:5000',
      dockerHub: false,
      path: 'a/b',
    });
  });

  describe('the validators can fail', () => {
    it('each GitHub validator reports a workflow without runs-on', async () => {
      const generated = await ci({ name: 'acme/shop' });
      const broken = generated.read(CI_FILES.github).replace('runs-on:', 'runs_on:');
      writeFileSync(join(generated.dir, CI_FILES.github), broken);
      const tools = new Set((await githubWorkflowFindings(generated.dir, CI_FILES.github)).map((f) => f.tool));
      assert.deepEqual([...tools].sort(), ['@actions/workflow-parser', 'action-validator', 'actionlint']);
      assert.ok((await actionlintFindings(CI_FILES.github, broken)).some((finding) => finding.line === 15));
    });

    it("GitLab's schema reports an unknown job key on its line", async () => {
      const generated = await ci({ name: 'acme/shop', ci: 'gitlab' });
      const broken = generated
        .read(CI_FILES.gitlab)
        .replace('  stage: build\n', '  stage: build\n  scripts: [pytest]\n');
      writeFileSync(join(generated.dir, CI_FILES.gitlab), broken);
      const findings = gitlabCiFindings(generated.dir, CI_FILES.gitlab);
      assert.ok(
        findings.some((finding) => finding.rule === 'additionalProperties'),
        JSON.stringify(findings),
      );
    });
  });
});
