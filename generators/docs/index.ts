/** docker-best:docs — writes README.Docker.md. */
import { DOCS_NEEDS, docsContext } from '../../src/context/docs.js';
import { DockerBestGenerator } from '../../src/generator.js';
import type { BaseOptions } from 'yeoman-generator';

export default class DocsGenerator extends DockerBestGenerator {
  constructor(args: string[], options: BaseOptions) {
    super(args, options, DOCS_NEEDS);
  }

  writing(): void {
    this.render('README.Docker.md', 'README.Docker.md', docsContext(this.answers));
  }
}
