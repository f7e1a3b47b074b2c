/** docker-best:docs — writes README.Docker.md: the commands and the reasons. */
import type { BaseOptions } from 'yeoman-generator';
import { FILES } from '../../src/files.js';
import { FileGenerator } from '../../src/generator.js';

export default class DocsGenerator extends FileGenerator {
  constructor(args: string[], options: BaseOptions) {
    super(args, options, FILES.docs);
  }
}
