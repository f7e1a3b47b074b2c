/**
 * docker-best:team — writes a team template pack: a copy of the built-in templates to edit, a preset with
 * the team's answers, a package.json that points at both, and a README with the one command that uses it.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { BaseOptions } from 'yeoman-generator';
import { questionNamed, type AnswerName } from '../../src/answers.js';
import { DockerBestGenerator } from '../../src/generator.js';
import { BUILTIN_TEMPLATES, packageRoot } from '../../src/templates.js';
import { sanitiseName } from '../../src/validate.js';

/** The answers a team shares; the rest (entry, port, health) belong to each project. */
export const TEAM_ANSWERS = [
  'stack',
  'python',
  'release',
  'volumes',
  'packages',
  'buildpackages',
  'uid',
  'gid',
  'env',
] as const satisfies readonly AnswerName[];

/** Every file under templates/: the pack's copy to edit. */
const packTemplates = (): string[] => {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        walk(path);
      } else {
        files.push(relative(BUILTIN_TEMPLATES, path));
      }
    }
  };
  walk(BUILTIN_TEMPLATES);
  return files;
};

export default class TeamGenerator extends DockerBestGenerator {
  constructor(args: string[], options: BaseOptions) {
    super(args, options, TEAM_ANSWERS);
    this.argument('folder', {
      type: String,
      required: false,
      default: 'docker-best-team',
      description: 'Where to write the pack',
    });
    // The team's answers come from this project (option, .yo-rc.json, detection) but are not stored in it.
    this.storesAnswers = false;
  }

  writing(): void {
    const folder = typeof this.options.folder === 'string' ? this.options.folder : 'docker-best-team';
    const packageName = sanitiseName(basename(this.destinationPath(folder)));
    const preset: Record<string, string> = {};
    for (const name of TEAM_ANSWERS) preset[name] = questionNamed(name).format(this.answers[name]);
    // The project's registry and namespace, if its image name has them, become the team's name prefix.
    const stored = this.config.get('name');
    if (typeof stored === 'string' && stored.includes('/'))
      preset.name = `${stored.slice(0, stored.lastIndexOf('/'))}/`;

    for (const file of packTemplates()) {
      this.fs.copy(join(BUILTIN_TEMPLATES, file), this.destinationPath(folder, 'templates', file));
    }
    this.fs.writeJSON(this.destinationPath(folder, 'preset.json'), preset);
    this.fs.writeJSON(this.destinationPath(folder, 'package.json'), {
      name: packageName,
      version: '0.1.0',
      description: 'Team templates and default answers for generator-docker-best',
      keywords: ['docker-best-pack'],
      files: ['templates', 'preset.json'],
      'docker-best': { preset: 'preset.json', templates: 'templates' },
    });
    // The pack's README is this generator's own template, not part of the overridable tree it copies.
    this.fs.copyTpl(
      join(packageRoot(), 'generators', 'team', 'templates', 'README.md.ejs'),
      this.destinationPath(folder, 'README.md'),
      {
        packageName,
        presetSummary: Object.entries(preset)
          .map(([key, value]) => `\`${key}\` ${value}`)
          .join(', '),
      },
    );
  }
}
