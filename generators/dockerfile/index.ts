/** docker-best:dockerfile — writes the multi-stage Dockerfile. */
import { DOCKERFILE_NEEDS, dockerfileContext } from '../../src/context/dockerfile.js';
import { DockerBestGenerator } from '../../src/generator.js';
import type { BaseOptions } from 'yeoman-generator';

export default class DockerfileGenerator extends DockerBestGenerator {
  constructor(args: string[], options: BaseOptions) {
    super(args, options, [...DOCKERFILE_NEEDS, 'name']);
  }

  writing(): void {
    this.render('Dockerfile', 'Dockerfile', dockerfileContext(this.answers, this.facts, this.answers.name));
  }
}
