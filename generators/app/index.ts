/**
 * docker-best (app) — the whole setup. It settles every answer once (asking in one sitting), stores them,
 * then composes the generators that write each file; they find their answers stored and ask nothing.
 */
import { fileURLToPath } from 'node:url';
import type { BaseOptions } from 'yeoman-generator';
import { ANSWER_NAMES } from '../../src/answers.js';
import { FILE_NAMES, FILES } from '../../src/files.js';
import { nextSteps } from '../../src/summary.js';
import { DockerBestGenerator } from '../../src/generator.js';

export default class AppGenerator extends DockerBestGenerator {
  constructor(args: string[], options: BaseOptions) {
    super(args, options, ANSWER_NAMES);
  }

  async configuring(): Promise<void> {
    // `composed` tells a part that the app owns the run-wide features (install, conflicts).
    const options: Record<string, unknown> = { composed: true };
    for (const part of FILE_NAMES) {
      await this.composeWith(fileURLToPath(new URL(`../${part}/index.js`, import.meta.url)), {
        generatorOptions: options,
      });
    }
  }

  /** After writing: the commands that come next. */
  override end(): void {
    super.end();
    const written = new Set(FILE_NAMES.map((name) => FILES[name].destination));
    for (const line of nextSteps(this.answers, written)) this.log(line);
  }
}
