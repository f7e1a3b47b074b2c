/** docker-best:ci — writes the CI workflow: .github/workflows/docker.yml or .gitlab-ci.yml (--ci). */
import type { BaseOptions } from 'yeoman-generator';
import { FILES } from '../../src/files.js';
import { FileGenerator } from '../../src/generator.js';

export default class CiGenerator extends FileGenerator {
  constructor(args: string[], options: BaseOptions) {
    super(args, options, FILES.ci);
  }
}
