/** docker-best:dockerignore — writes .dockerignore; it needs no answers. */
import { DockerBestGenerator } from '../../src/generator.js';
import type { BaseOptions } from 'yeoman-generator';

export default class DockerignoreGenerator extends DockerBestGenerator {
  constructor(args: string[], options: BaseOptions) {
    super(args, options, []);
  }

  writing(): void {
    this.render('dockerignore', '.dockerignore', {});
  }
}
