/** docker-best:stack — writes stack.yaml: the compose service in the form docker stack deploy takes. */
import type { BaseOptions } from 'yeoman-generator';
import { FILES } from '../../src/files.js';
import { FileGenerator } from '../../src/generator.js';

export default class StackGenerator extends FileGenerator {
  constructor(args: string[], options: BaseOptions) {
    super(args, options, FILES.stack);
  }
}
