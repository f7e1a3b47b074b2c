/** docker-best:dockerfile — writes the multi-stage Dockerfile. */
import type { BaseOptions } from 'yeoman-generator';
import { FILES } from '../../src/files.js';
import { FileGenerator } from '../../src/generator.js';

export default class DockerfileGenerator extends FileGenerator {
  constructor(args: string[], options: BaseOptions) {
    super(args, options, FILES.dockerfile);
  }
}
