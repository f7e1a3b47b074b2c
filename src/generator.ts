/**
 * The base of every docker-best generator: it declares the options of the answers it needs (from the
 * answers model), settles those answers (src/resolve.ts), stores them in .yo-rc.json and renders templates.
 * A generator itself only says which answers it needs and what it writes.
 */
import Generator, { type BaseOptions } from 'yeoman-generator';
import { QUESTIONS, withPrerequisites, type AnswerName } from './answers.js';
import { detectProject, type ProjectFacts } from './detect.js';
import { checkOptionsEarly, complete, resolveAnswers, type Prompt, type ResolveMode } from './resolve.js';
import { TemplateSet } from './templates.js';
import { isUserError } from './errors.js';
import type { Answers } from './validate.js';

export const STORED_FILE = '.yo-rc.json';

/** Options every docker-best generator takes besides its answers. */
const COMMON_OPTIONS = [
  { name: 'defaults', type: Boolean, description: 'Take every default, ask nothing (for CI)' },
] as const;

type Options = BaseOptions & Record<string, unknown>;

/** The value of the last `--env VALUE` or `--env=VALUE` in `argv`, before any `--`. */
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

interface TerminalLike {
  readonly actualAdapter?: { readonly stdin?: { readonly isTTY?: boolean } };
}

export abstract class DockerBestGenerator extends Generator<Record<string, unknown>, Options> {
  /** The answers this generator needs; their prerequisites are added. */
  protected readonly needs: readonly AnswerName[];
  protected facts!: ProjectFacts;
  protected answers!: Answers;
  protected readonly templates = new TemplateSet();

  constructor(args: string[], options: Options, needs: readonly AnswerName[]) {
    super(args, options, {
      tasksMatchingPriority: true,
      inheritTasks: true,
      unique: 'namespace',
      // Nothing to install: the root generator turns Yeoman's package.json install step off.
      ...(options.composed === true ? {} : { customInstallTask: true }),
    });
    this.needs = withPrerequisites(needs);
    for (const question of QUESTIONS) {
      if (this.needs.includes(question.name)) {
        this.option(question.name, { type: String, description: question.description });
      }
    }
    for (const option of COMMON_OPTIONS)
      this.option(option.name, { type: option.type, description: option.description });
    // Yeoman reserves options.env for its Environment: whatever reaches this.options.env is not the user's
    // answer (yo, the bin and composeWith all drop it). The --env answer is read from the command line.
    const env = envArgument(this._args) ?? (options.composed === true ? undefined : envArgument(process.argv.slice(2)));
    if (env === undefined) delete this.options.env;
    else (this.options as Record<string, unknown>).env = env;
    this.#filterTaskErrorLog();
  }

  /**
   * Yeoman logs "An error occured while running <task>" before passing a task's error on. For an error the
   * user can fix, the one-line message is enough; the line is dropped for those only.
   */
  #quietUserError = false;

  async #userErrorsQuiet(task: () => Promise<void> | void): Promise<void> {
    try {
      await task();
    } catch (error) {
      if (isUserError(error)) this.#quietUserError = true;
      throw error;
    }
  }

  #filterTaskErrorLog(): void {
    const log: unknown = this.log;
    if (log === undefined) return; // instantiated for --help only
    (this as { log: unknown }).log = new Proxy(this.log, {
      get: (target, property, receiver) => {
        if (property !== 'error') return Reflect.get(target, property, receiver) as unknown;
        return (...args: unknown[]) => {
          if (this.#quietUserError && String(args[0]).startsWith('An error occured while running')) {
            this.#quietUserError = false;
            return receiver as unknown;
          }
          return (target.error as (...rest: unknown[]) => unknown)(...args);
        };
      },
    });
  }

  /** Whether questions can be asked: a terminal, or a test adapter that answers them. */
  #canAsk(): boolean {
    const adapter = this.env.adapter as unknown as TerminalLike;
    const stdin = adapter.actualAdapter?.stdin;
    return stdin === undefined || stdin.isTTY === true;
  }

  #sources(): Parameters<typeof resolveAnswers>[1] {
    return {
      options: this.options,
      stored: this.config.getAll(),
      storedFile: STORED_FILE,
      facts: this.facts,
    };
  }

  async initializing(): Promise<void> {
    await this.#userErrorsQuiet(() => {
      this.facts = detectProject(this.destinationRoot());
      checkOptionsEarly(this.needs, this.#sources());
    });
  }

  async prompting(): Promise<void> {
    await this.#userErrorsQuiet(() => this.#settleAnswers());
  }

  async #settleAnswers(): Promise<void> {
    const mode: ResolveMode = {
      takeDefaults: this.options.defaults === true,
      ...(this.#canAsk() ? { ask: (prompt: Prompt) => this.#ask(prompt) } : {}),
    };
    const resolved = await resolveAnswers(this.needs, this.#sources(), mode);
    this.answers = complete(this.needs, resolved.answers);
    // Write .yo-rc.json only when an answer changed, so that a re-run leaves it untouched.
    const stored = this.config.getAll();
    const changed = Object.entries(resolved.texts).filter(([name, text]) => stored[name] !== text);
    if (changed.length > 0) this.config.set(Object.fromEntries(changed));
  }

  async #ask(prompt: Prompt): Promise<string> {
    const { question } = prompt;
    const from =
      prompt.defaultFrom === 'detected' ? ' (detected)' : prompt.defaultFrom === 'preset' ? ' (team preset)' : '';
    const answers = await this.prompt([
      {
        type: prompt.choices ? 'select' : 'input',
        name: question.name,
        message: `${question.message}${from}`,
        default: prompt.defaultText,
        ...(prompt.choices ? { choices: [...prompt.choices] } : {}),
        validate: (value: unknown) => prompt.validate(String(value)),
      },
    ]);
    return String(answers[question.name]);
  }

  /** Render `template` (relative to the templates root) to `destination` in the project. */
  protected render(
    template: string,
    destination: string,
    context: object,
    options: { executable?: boolean } = {},
  ): void {
    this.renderTemplate(this.templates.file(template), destination, context as Record<string, unknown>, {
      transformOptions: { includer: this.templates.includer },
    });
    if (options.executable) {
      const path = this.destinationPath(destination);
      this.fs.write(path, this.fs.read(path) ?? '', { stat: { mode: 0o100755 } } as never);
    }
  }
}
