/** docker-best:build — writes build.sh, executable. */
import { BUILD_NEEDS, buildContext } from '../../src/context/build.js';
import { DockerBestGenerator } from '../../src/generator.js';
import type { BaseOptions } from 'yeoman-generator';

export default class BuildGenerator extends DockerBestGenerator {
  constructor(args: string[], options: BaseOptions) {
    super(args, options, BUILD_NEEDS);
  }

  writing(): void {
    this.render('build.sh', 'build.sh', buildContext(this.answers), { executable: true });
  }
}
