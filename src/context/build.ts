/** build.sh: the image name it tags; everything else is bash in the template. */
import type { Answers } from '../model.js';
import { shellWord } from './quote.js';

export const BUILD_NEEDS = ['name'] as const satisfies readonly (keyof Answers)[];
export type BuildAnswers = Pick<Answers, (typeof BUILD_NEEDS)[number]>;

export interface BuildContext {
  /** The image name as a quoted shell word. */
  readonly image: string;
  /** The image name for comments and help text (validated: no shell syntax). */
  readonly name: string;
}

export const buildContext = (answers: BuildAnswers): BuildContext => ({
  image: shellWord(answers.name),
  name: answers.name,
});
