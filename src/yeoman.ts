/**
 * Workarounds for Yeoman 8 (yeoman-generator 8, yeoman-environment 6), in one place. Each says what Yeoman
 * does, why that is wrong for docker-best, and what is done instead. Remove one when Yeoman no longer needs it.
 */
import { isInterrupt, isUserError } from './errors.js';

/**
 * 1. `--env`. Yeoman reserves `options.env` for its Environment: what reaches `this.options.env` is never the
 * user's answer (yo, the bin and composeWith drop it; option parsing even turns the Environment into the
 * string "[object Object]"). The answer is read from the generator's own arguments, or from the command line
 * when the generator was not composed.
 *
 * The value of the last `--env VALUE` or `--env=VALUE` in `argv`, before any `--`.
 */
export const envArgument = (argv: readonly string[]): string | undefined => {
  let value: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (arg === '--') break;
    if (arg === '--env' && index + 1 < argv.length) {
      index += 1;
      value = argv[index];
    } else if (arg.startsWith('--env=')) {
      value = arg.slice('--env='.length);
    }
  }
  return value;
};

/** The user's `--env` answer for a generator with these arguments, or undefined when none was given. */
export const userEnvAnswer = (generatorArgs: readonly string[], composed: boolean): string | undefined =>
  envArgument(generatorArgs) ?? (composed ? undefined : envArgument(process.argv.slice(2)));

interface TerminalLike {
  readonly actualAdapter?: { readonly stdin?: { readonly isTTY?: boolean } };
}

/**
 * 2. Asking without a terminal. Yeoman's adapter prompts on stdin whether or not it is a terminal, so a run
 * in CI would hang on the first question. Questions are asked only when stdin is a terminal, or when the
 * adapter has no stdin of its own (yeoman-test's adapter, which answers them).
 */
export const canAsk = (adapter: unknown): boolean => {
  const stdin = (adapter as TerminalLike).actualAdapter?.stdin;
  return stdin === undefined || stdin.isTTY === true;
};

/** Yeoman's own words (with its spelling) before it passes a task's error on. */
const TASK_ERROR_LINE = 'An error occured while running';

type Logger = { error: (...args: unknown[]) => unknown };

/**
 * 3. User errors in one line. Yeoman logs "An error occured while running <task>" before passing a task's
 * error on. For an error the user can fix (a refused value, a missing answer) and for Ctrl-C at a prompt, the
 * bin's one line is enough, so that line is dropped for those errors only; every other error keeps it.
 */
export class QuietUserErrors {
  #pending = false;

  /** A logger like `log` that drops Yeoman's task-error line right after a user error. */
  wrap<L extends object>(log: L): L {
    return new Proxy(log, {
      get: (target, property, receiver) => {
        if (property !== 'error') return Reflect.get(target, property, receiver) as unknown;
        return (...args: unknown[]) => {
          if (this.#pending && String(args[0]).startsWith(TASK_ERROR_LINE)) {
            this.#pending = false;
            return receiver as unknown;
          }
          return (target as unknown as Logger).error(...args);
        };
      },
    });
  }

  /** Run a task; a user error it throws is passed on with Yeoman's line about it silenced. */
  async run(task: () => Promise<void> | void): Promise<void> {
    try {
      await task();
    } catch (error) {
      if (isUserError(error) || isInterrupt(error)) this.#pending = true;
      throw error;
    }
  }
}
