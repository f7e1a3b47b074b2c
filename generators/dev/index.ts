/** docker-best:dev — writes compose.dev.yaml: the same service for development, with Compose Watch. */
import type { BaseOptions } from 'yeoman-generator';
import { FILES } from '../../src/files.js';
import { FileGenerator } from '../../src/generator.js';

export default class DevGenerator extends FileGenerator {
  constructor(args: string[], options: BaseOptions) {
    super(args, options, FILES.dev);
  }
}
