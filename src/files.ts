/**
 * The files docker-best writes: for each, its template, where it goes, the answers it needs and the render
 * context built from them. A generator per file (generators/<name>/) writes its entry; the app composes
 * them all; the tests render the same table.
 */
import type { AnswerName } from './answers.js';
import { BUILD_NEEDS, buildContext } from './context/build.js';
import { COMPOSE_NEEDS, composeContext } from './context/compose.js';
import { DOCKERFILE_NEEDS, dockerfileContext } from './context/dockerfile.js';
import { DOCS_NEEDS, docsContext } from './context/docs.js';
import type { ProjectFacts } from './detect/index.js';
import type { Answers } from './model.js';

export interface GeneratedFile {
  /** Template path under templates/ (without .ejs). */
  readonly template: string;
  /** Path in the project. */
  readonly destination: string;
  readonly needs: readonly AnswerName[];
  readonly executable: boolean;
  readonly context: (answers: Answers, facts: ProjectFacts) => object;
}

/** What a generator of this table writes, in one line (the bin's help lists it). */
export const FILES = {
  dockerfile: {
    template: 'Dockerfile',
    destination: 'Dockerfile',
    needs: DOCKERFILE_NEEDS,
    executable: false,
    context: (answers, facts) => dockerfileContext(answers, facts),
  },
  dockerignore: {
    template: 'dockerignore',
    destination: '.dockerignore',
    needs: [],
    executable: false,
    context: () => ({ setupFiles: setupFiles() }),
  },
  build: {
    template: 'build.sh',
    destination: 'build.sh',
    needs: BUILD_NEEDS,
    executable: true,
    context: (answers) => buildContext(answers),
  },
  compose: {
    template: 'compose.yaml',
    destination: 'compose.yaml',
    needs: COMPOSE_NEEDS,
    executable: false,
    context: (answers) => composeContext(answers),
  },
  docs: {
    template: 'README.Docker.md',
    destination: 'README.Docker.md',
    needs: DOCS_NEEDS,
    executable: false,
    context: (answers, facts) => docsContext(answers, facts),
  },
} as const satisfies Record<string, GeneratedFile>;

export type FileName = keyof typeof FILES;
export const FILE_NAMES = Object.keys(FILES) as FileName[];

/** The generator's own state in a project. */
export const STATE_FILES = ['.yo-rc.json', '.yo-resolve'] as const;

/**
 * The Docker setup itself: every generated file and the generator's state. `.dockerignore` keeps them out of
 * the build context, so changing the setup does not invalidate the source layers. (A function declaration:
 * the table above calls it at render time.)
 */
export function setupFiles(): string[] {
  return [...FILE_NAMES.map((name) => FILES[name].destination), ...STATE_FILES];
}
