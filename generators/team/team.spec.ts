import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { byKeyword, parseDockerfile, runText } from '../../tools/dockerfile.js';
import { generate, type Generated } from '../../test/support/generate.js';

const stored = (generated: Generated): Record<string, string> =>
  (JSON.parse(generated.read('.yo-rc.json')) as Record<string, Record<string, string>>)['generator-docker-best'] ?? {};

/** A team lead's project with the team's answers, and the pack written from it. */
const writePack = async (): Promise<string> => {
  const lead = await generate({
    options: {
      defaults: true,
      name: 'registry.acme.dev/shop/lead',
      uid: '20000',
      gid: '20000',
      python: '3.14',
      packages: 'libpq5=15.*',
    },
  });
  await generate({ generator: 'team', cwd: lead.dir, options: { defaults: true }, answers: {} });
  return join(lead.dir, 'docker-best-team');
};

describe('docker-best:team and team templates', () => {
  it('writes a ready-to-publish pack: package.json, the built-in templates, a preset with the team answers, a README', async () => {
    const pack = await writePack();
    const manifest = JSON.parse(readFileSync(join(pack, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest.name, 'docker-best-team');
    assert.deepEqual(manifest['docker-best'], { preset: 'preset.json', templates: 'templates' });
    const preset = JSON.parse(readFileSync(join(pack, 'preset.json'), 'utf8')) as Record<string, string>;
    assert.equal(preset.uid, '20000');
    assert.equal(preset.python, '3.14');
    assert.equal(preset.packages, 'libpq5=15.*');
    assert.equal(preset.name, 'registry.acme.dev/shop/');
    assert.equal(preset.port, undefined, 'ports belong to each project');
    for (const file of ['Dockerfile.ejs', 'compose.yaml.ejs', 'build.sh.ejs', 'partials/user.ejs']) {
      assert.equal(
        readFileSync(join(pack, 'templates', file), 'utf8'),
        readFileSync(new URL(`../../../templates/${file}`, import.meta.url), 'utf8'),
        file,
      );
    }
    assert.match(readFileSync(join(pack, 'README.md'), 'utf8'), /npx docker-best --preset docker-best-team/);
  });

  it("a pack with one template edited changes the next project's output, installed as an npm package", async () => {
    const pack = await writePack();
    const compose = join(pack, 'templates', 'compose.yaml.ejs');
    writeFileSync(
      compose,
      readFileSync(compose, 'utf8').replace(
        '    restart: <%- restart %>\n',
        '    restart: <%- restart %>\n    stop_grace_period: 5s\n',
      ),
    );

    const project = join(mkdtempSync(join(tmpdir(), 'docker-best-team-')), 'webshop');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    cpSync(pack, join(project, 'node_modules', 'docker-best-team'), { recursive: true });
    writeFileSync(join(project, 'app.py'), 'print(1)\n');
    const generated = await generate({ cwd: project, options: { defaults: true, preset: 'docker-best-team' } });

    const service = Object.values(
      (parse(generated.read('compose.yaml')) as { services: Record<string, Record<string, unknown>> }).services,
    )[0];
    assert.equal(service?.stop_grace_period, '5s', 'the edited template was used');
    assert.equal(
      service?.image,
      'registry.acme.dev/shop/webshop:${TAG:-latest}',
      'the preset registry prefix plus the folder',
    );
    const dockerfile = parseDockerfile(generated.read('Dockerfile'));
    assert.equal(runText(byKeyword(dockerfile.final, 'USER')[0]!), '20000:20000');
    assert.match(dockerfile.final.image, /^python:3\.14\./);
    assert.equal(stored(generated).preset, 'docker-best-team', 'the pack is remembered for later runs');

    const rerun = await generate({ generator: 'compose', cwd: project, force: false });
    assert.deepEqual(rerun.result.askedQuestions, []);
    assert.match(rerun.read('compose.yaml'), /stop_grace_period: 5s/);
  });

  it('--templates DIR overrides one partial and keeps the built-in rest', async () => {
    const team = mkdtempSync(join(tmpdir(), 'docker-best-templates-'));
    mkdirSync(join(team, 'partials'));
    writeFileSync(join(team, 'partials', 'labels.ejs'), 'LABEL com.acme.owner="shop-team"\n');
    const generated = await generate({ options: { defaults: true, templates: team } });
    const dockerfile = parseDockerfile(generated.read('Dockerfile'));
    assert.deepEqual(byKeyword(dockerfile.final, 'LABEL').map(runText), ['com.acme.owner="shop-team"']);
    assert.equal(byKeyword(dockerfile.final, 'ENTRYPOINT').length, 1, 'the rest is built in');
    assert.equal(stored(generated).templates, team);
  });

  it('refuses a --templates or --preset that names nothing, and a preset with an unknown key', async () => {
    await assert.rejects(
      generate({ options: { defaults: true, templates: 'no-such-pack' } }),
      /--templates 'no-such-pack': no such folder, and no installed npm package/,
    );
    await assert.rejects(
      generate({ options: { defaults: true, preset: './missing.json' } }),
      /--preset '\.\/missing\.json': no such file/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'docker-best-preset-'));
    writeFileSync(join(dir, 'team.json'), JSON.stringify({ colour: 'blue' }));
    await assert.rejects(
      generate({ options: { defaults: true, preset: join(dir, 'team.json') } }),
      /preset .*team\.json: unknown key "colour"/,
    );
  });

  describe('precedence: option > .yo-rc.json > preset > detection > built-in default', () => {
    const presetFile = (values: Record<string, string>): string => {
      const dir = mkdtempSync(join(tmpdir(), 'docker-best-preset-'));
      writeFileSync(join(dir, 'preset.json'), JSON.stringify(values));
      return join(dir, 'preset.json');
    };
    const detectedProject = { 'app.py': 'import os\nPORT = int(os.environ.get("PORT", "5000"))\n' };

    it('the preset beats detection and the built-in default', async () => {
      const generated = await generate({
        files: detectedProject,
        options: { defaults: true, preset: presetFile({ port: '7000', uid: '30000' }) },
      });
      assert.equal(stored(generated).port, '7000');
      assert.equal(stored(generated).uid, '30000');
    });

    it('detection beats the built-in default when the preset is silent', async () => {
      const generated = await generate({
        files: detectedProject,
        options: { defaults: true, preset: presetFile({ uid: '30000' }) },
      });
      assert.equal(stored(generated).port, '5000');
      assert.equal(stored(generated).gid, '10001');
    });

    it('.yo-rc.json beats the preset, and an option beats .yo-rc.json', async () => {
      const first = await generate({ files: detectedProject, options: { defaults: true, port: '6000' } });
      const preset = presetFile({ port: '7000' });
      const second = await generate({ cwd: first.dir, options: { defaults: true, preset } });
      assert.equal(stored(second).port, '6000');
      const third = await generate({ cwd: first.dir, options: { defaults: true, preset, port: '6500' } });
      assert.equal(stored(third).port, '6500');
    });

    it('a preset value is shown as the default in the prompt, marked as the team preset', async () => {
      const generated = await generate({
        options: { preset: presetFile({ uid: '30000' }) },
        answers: { details: true },
      });
      const uid = generated.prompts.find((prompt) => prompt.name === 'uid');
      assert.equal(uid?.default, '30000');
      assert.equal(uid?.shown, '(30000, team preset)');
    });
  });
});
