/**
 * Run a docker-best generator the way a user would (yeoman-test drives the real generator classes) in a
 * fresh folder holding a small project, and read back what it wrote.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import helpers, { type RunResult } from 'yeoman-test';
import { FILE_NAMES, type FileName } from '../../src/files.js';

// Trusted team templates and presets (src/preset.ts) are remembered in a file of the tests' own, never in the
// user's ~/.config; runs of the bin that the tests spawn inherit it.
process.env.DOCKER_BEST_TRUST_FILE ??= join(mkdtempSync(join(tmpdir(), 'docker-best-trust-')), 'trusted.json');

/** Every generator: the app, one per generated file (src/files.ts), and team. */
export type GeneratorName = 'app' | FileName | 'team';
export const GENERATOR_NAMES: readonly GeneratorName[] = ['app', ...FILE_NAMES, 'team'];

/** The compiled generator module for `name` (tests run from dist/test/...). */
export const generatorPath = (name: GeneratorName): string =>
  fileURLToPath(new URL(`../../generators/${name}/index.js`, import.meta.url));

/** A project with a script, an empty requirements.txt: what most tests start from. */
export const SCRIPT_PROJECT: Readonly<Record<string, string>> = {
  'app.py': 'print("hello")\n',
  'requirements.txt': '',
};

export interface GenerateInput {
  readonly generator?: GeneratorName;
  /** Options as a user passes them (strings, or true for flags). `env` is passed as a real --env argument. */
  readonly options?: Readonly<Record<string, string | boolean>>;
  /** Project files written to disk before the run (relative path -> content). */
  readonly files?: Readonly<Record<string, string>>;
  /** Answers for prompts (yeoman-test's mocked answers). */
  readonly answers?: Readonly<Record<string, unknown>>;
  /** Run in this existing folder instead of a fresh one (for re-runs). */
  readonly cwd?: string;
  /**
   * yeoman-test overwrites every file (`force`) by default; false runs Yeoman's real conflict handling, where
   * identical files are left alone and changed ones are asked about (answered by `answers`).
   */
  readonly force?: boolean;
  /** Called for each question asked, before it is answered; throwing there simulates Ctrl-C at the prompt. */
  readonly onPrompt?: (name: string) => void;
  /** Called with the folder before the run, e.g. to inspect it after a failed run. */
  readonly onDir?: (dir: string) => void;
}

export interface AskedPrompt {
  readonly name: string;
  readonly message: string;
  readonly default: unknown;
  /** The default as the prompt shows it, with where it came from: `(8000, detected)`. */
  readonly shown?: string;
}

interface AskedQuestion {
  name?: string;
  message?: unknown;
  default?: unknown;
  theme?: { style?: { defaultAnswer?: (text: string) => string } };
}

/** The default as a prompt shows it: the question's own style, else inquirer's `(default)`. */
const shownDefault = (question: AskedQuestion): string | undefined => {
  if (typeof question.default !== 'string') return undefined;
  const text = question.default;
  return question.theme?.style?.defaultAnswer?.(text) ?? `(${text})`;
};

export interface Generated {
  readonly dir: string;
  readonly result: RunResult;
  /** The questions asked, with their message and default, in order. */
  readonly prompts: readonly AskedPrompt[];
  read(file: string): string;
  exists(file: string): boolean;
  mode(file: string): number;
}

export const writeFiles = (dir: string, files: Readonly<Record<string, string>>): void => {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
};

export const generate = async (input: GenerateInput = {}): Promise<Generated> => {
  const name = input.generator ?? 'app';
  const { env, ...options } = input.options ?? {};
  const args = typeof env === 'string' ? ['--env', env] : [];
  // Our own folder, not yeoman-test's: it keeps its temporary folders only until the next run, and re-run
  // tests need the first run's files.
  const dir = input.cwd ?? mkdtempSync(join(tmpdir(), 'docker-best-test-'));
  writeFiles(dir, input.files ?? (input.cwd === undefined ? SCRIPT_PROJECT : {}));
  input.onDir?.(dir);
  const force = input.force ?? true;
  const prompts: AskedPrompt[] = [];
  const generatorOptions: Record<string, string | boolean> = { force, ...options };
  const result = await helpers
    .run(
      generatorPath(name),
      {
        namespace: name === 'app' ? 'docker-best:app' : `docker-best:${name}`,
        tmpdir: false,
        cwd: dir,
        autoCleanup: false,
      },
      { force },
    )
    .withOptions(generatorOptions)
    .withArguments(args)
    .withAnswers(input.answers ?? {})
    .withAdapterOptions({
      callback: (answer: unknown, { question }: { question: AskedQuestion }) => {
        const shown = shownDefault(question);
        prompts.push({
          name: question.name ?? '',
          message: String(question.message),
          default: question.default,
          ...(shown !== undefined ? { shown } : {}),
        });
        input.onPrompt?.(question.name ?? '');
        return answer;
      },
    });
  return {
    dir,
    result,
    prompts,
    read: (file) => readFileSync(join(dir, file), 'utf8'),
    exists: (file) => existsSync(join(dir, file)),
    mode: (file) => statSync(join(dir, file)).mode & 0o777,
  };
};

/**
 * A run that must be refused with a UserError (one line, no stack trace): its message and the folder it ran
 * in, to check that nothing was written. Fails when the run succeeds or throws anything else.
 */
export const refusedRun = async (input: GenerateInput): Promise<{ message: string; dir: string }> => {
  let dir = '';
  const error = await generate({
    ...input,
    onDir: (folder) => {
      dir = folder;
      input.onDir?.(folder);
    },
  }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof Error && (error as { isUserError?: boolean }).isUserError === true, String(error));
  return { message: error.message, dir };
};
