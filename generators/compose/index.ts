/** docker-best:compose — writes compose.yaml. */
import { COMPOSE_NEEDS, composeContext } from '../../src/context/compose.js';
import { DockerBestGenerator } from '../../src/generator.js';
import type { BaseOptions } from 'yeoman-generator';

export default class ComposeGenerator extends DockerBestGenerator {
  constructor(args: string[], options: BaseOptions) {
    super(args, options, COMPOSE_NEEDS);
  }

  writing(): void {
    this.render('compose.yaml', 'compose.yaml', composeContext(this.answers));
  }
}
