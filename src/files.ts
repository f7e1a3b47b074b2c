/**
 * The files docker-best writes: for each, its template, where it goes, the answers it needs and the render
 * context built from them. A generator per file (generators/<name>/) writes its entry; the app composes
 * them all; the tests render the same table.
 */
import type { AnswerName } from './answers.js';
import { BUILD_NEEDS, buildContext } from './context/build.js';
import { CI_FILES, CI_NEEDS, ciContext, ciDestination } from './context/ci.js';
import { COMPOSE_NEEDS, composeContext, stackContext } from './context/compose.js';
import { DEV_NEEDS, devContext } from './context/dev.js';
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
  /**
   * Where the file goes when an answer decides it (the CI workflow: GitHub or GitLab), or null for no file;
   * absent: always `destination`.
   */
  readonly destinationFor?: (answers: Answers) => string | null;
  /** Every other path the file may be written to (kept out of the build context too). */
  readonly alternatives?: readonly string[];
  /** Files of the project that this one would silently replace in its tools' eyes (a docker-compose.yml). */
  readonly shadows?: (facts: ProjectFacts) => readonly string[];
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
    context: (answers, facts) => composeContext(answers, facts),
    // A compose file the project already has would be shadowed: docker compose reads compose.yaml first.
    shadows: (facts) => facts.composeFiles,
  },
  stack: {
    template: 'stack.yaml',
    destination: 'stack.yaml',
    needs: COMPOSE_NEEDS,
    executable: false,
    context: (answers) => stackContext(answers),
  },
  dev: {
    template: 'compose.dev.yaml',
    destination: 'compose.dev.yaml',
    needs: DEV_NEEDS,
    executable: false,
    context: (answers, facts) => devContext(answers, facts),
  },
  ci: {
    template: 'ci.yml',
    destination: CI_FILES.github,
    needs: CI_NEEDS,
    executable: false,
    context: (answers) => ciContext(answers),
    destinationFor: (answers) => ciDestination(answers),
    alternatives: [CI_FILES.gitlab],
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

/** Where a file of the table goes for these answers; null when the answers say it is not written. */
export const destinationOf = (file: GeneratedFile, answers: Answers): string | null =>
  file.destinationFor === undefined ? file.destination : file.destinationFor(answers);

/** Every path a file of the table may be written to. */
export const destinationsOf = (file: GeneratedFile): string[] => [file.destination, ...(file.alternatives ?? [])];
export const FILE_NAMES = Object.keys(FILES) as FileName[];

/** The generator's own state in a project. */
export const STATE_FILES = ['.yo-rc.json', '.yo-resolve'] as const;

/**
 * The Docker setup itself: every generated file and the generator's state. `.dockerignore` keeps them out of
 * the build context, so changing the setup does not invalidate the source layers. (A function declaration:
 * the table above calls it at render time.)
 */
export function setupFiles(): string[] {
  return [...FILE_NAMES.flatMap((name) => destinationsOf(FILES[name])), ...STATE_FILES];
}
