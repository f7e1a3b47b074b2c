/**
 * The base of every docker-best generator: it declares the options of the answers it needs (from the
 * answers model), settles those answers (src/resolve.ts), stores them in .yo-rc.json and renders templates.
 * A generator itself only says which answers it needs and what it writes.
 */
import { isFilePending } from 'mem-fs-editor/state';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { QUESTIONS, withPrerequisites, type AnswerName } from './answers.js';
import { detectProject, type ProjectFacts } from './detect/index.js';
import { checkOptionsEarly, complete, EXPLICIT_KEY, resolveAnswers, type Prompt, type ResolveMode } from './resolve.js';
import type { GeneratedFile } from './files.js';
import {
  cannotWrite,
  conflictError,
  fileState,
  fingerprint,
  relativePath,
  unsettledConflicts,
  unwritable,
} from './conflicts.js';
import { loadPreset, resolveTemplates, type Preset } from './preset.js';
import { renderText, TemplateSet } from './templates.js';
import { canAsk, QuietUserErrors, userEnvAnswer } from './yeoman.js';
import { detectionSummary } from './summary.js';
import type { Answers } from './model.js';

export const STORED_FILE = '.yo-rc.json';

/** Options every docker-best generator takes besides its answers; `templates` and `preset` are stored too. */
export const COMMON_OPTIONS = [
  {
    name: 'templates',
    type: String,
    description: 'Folder or installed npm package with team templates, searched first',
  },
  { name: 'preset', type: String, description: 'JSON file or installed npm package with team default answers' },
  { name: 'defaults', type: Boolean, description: 'Take every default, ask nothing (for CI)' },
] as const;

/** .yo-rc.json key of the fingerprints of the files last written (see src/conflicts.ts). */
const FINGERPRINTS = 'fingerprints';

/** The team settings kept in .yo-rc.json next to the answers. */
const TEAM_KEYS = ['templates', 'preset'] as const;

type Options = BaseOptions & Record<string, unknown>;

export abstract class DockerBestGenerator extends Generator<Record<string, unknown>, Options> {
  /** The answers this generator needs; their prerequisites are added. */
  protected readonly needs: readonly AnswerName[];
  protected facts!: ProjectFacts;
  protected answers!: Answers;
  protected templates = new TemplateSet();
  /** Whether settled answers are stored in the project's .yo-rc.json (the team generator only reads them). */
  protected storesAnswers = true;
  #preset: Preset | undefined;
  readonly #quiet = new QuietUserErrors();
  /** What the project shows, to print at the end of an unattended run. */
  #pendingSummary: readonly string[] = [];

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
    if ((this as { log?: unknown }).log !== undefined) {
      // Absent when instantiated for --help only.
      (this as { log: unknown }).log = this.#quiet.wrap(this.log);
    }
  }

  #sources(): Parameters<typeof resolveAnswers>[1] {
    return {
      options: this.options,
      stored: this.config.getAll(),
      storedFile: STORED_FILE,
      facts: this.facts,
      ...(this.#preset ? { preset: { values: this.#preset.values, file: this.#preset.file } } : {}),
    };
  }

  /** A team setting: the option, else the stored one. */
  #teamSetting(key: (typeof TEAM_KEYS)[number]): string | undefined {
    const given = this.options[key];
    if (typeof given === 'string' && given !== '') return given;
    const stored = this.config.get(key);
    return typeof stored === 'string' && stored !== '' ? stored : undefined;
  }

  async initializing(): Promise<void> {
    const env = userEnvAnswer(this._args, this.options.composed === true);
    if (env === undefined) delete this.options.env;
    else (this.options as Record<string, unknown>).env = env;
    await this.#quiet.run(() => {
      const root = this.destinationRoot();
      this.facts = detectProject(root);
      const preset = this.#teamSetting('preset');
      this.#preset = preset === undefined ? undefined : loadPreset(preset, root);
      const templates = this.#teamSetting('templates');
      const templateDir = templates !== undefined ? resolveTemplates(templates, root) : this.#preset?.templates;
      this.templates = new TemplateSet(templateDir === undefined ? [] : [templateDir]);
      checkOptionsEarly(this.needs, this.#sources());
    });
  }

  async prompting(): Promise<void> {
    await this.#quiet.run(() => this.#settleAnswers());
  }

  async #settleAnswers(): Promise<void> {
    const mode: ResolveMode = {
      takeDefaults: this.options.defaults === true,
      ...(canAsk(this.env.adapter)
        ? {
            ask: (prompt: Prompt) => this.#ask(prompt),
            askDetails: (details: readonly string[]) => this.#askDetails(details),
          }
        : {}),
    };
    // The generator that runs the show says what the project shows, once: before the questions when it asks
    // them, else at the end of a run that succeeded (a failed run stays one line).
    const summary = this.options.composed === true ? [] : detectionSummary(this.facts);
    if (mode.ask !== undefined && !mode.takeDefaults) for (const line of summary) this.log(line);
    else this.#pendingSummary = summary;
    const resolved = await resolveAnswers(this.needs, this.#sources(), mode);
    this.answers = complete(this.needs, resolved.answers);
    if (!this.storesAnswers) return;
    const texts: Record<string, unknown> = { ...resolved.texts };
    // Explicit answers of questions this generator did not settle stay as they were.
    const before: unknown = this.config.get(EXPLICIT_KEY);
    const kept = (Array.isArray(before) ? before : []).filter(
      (name): name is string => typeof name === 'string' && !this.needs.includes(name as AnswerName),
    );
    const explicit = [...new Set([...kept, ...resolved.explicit])].sort();
    if (explicit.length > 0 || this.config.get(EXPLICIT_KEY) !== undefined) texts[EXPLICIT_KEY] = explicit;
    for (const key of TEAM_KEYS) {
      const given = this.options[key];
      if (typeof given === 'string' && given !== '') texts[key] = given;
    }
    // Write .yo-rc.json only when something changed, so that a re-run leaves it untouched.
    const stored = this.config.getAll();
    const changed = Object.entries(texts).filter(
      ([name, text]) => JSON.stringify(stored[name]) !== JSON.stringify(text),
    );
    if (changed.length > 0) this.config.set(Object.fromEntries(changed));
  }

  /**
   * Before anything is written, the generator that runs the show (the app, or a generator run alone) looks at
   * every file about to be written (src/conflicts.ts): files still as it last wrote them are regenerated
   * without a question; files the user changed go to Yeoman's prompt, and without a terminal they stop the
   * run, named, unless --force or .yo-resolve decides them. The new fingerprints go to .yo-rc.json.
   */
  async conflicts(): Promise<void> {
    await this.#quiet.run(() => {
      if (this.options.composed === true) return;
      const root = this.destinationRoot();
      const stored: unknown = this.storesAnswers ? this.config.get(FINGERPRINTS) : undefined;
      const remembered: Record<string, string> =
        typeof stored === 'object' && stored !== null ? (stored as Record<string, string>) : {};
      const pending = this.fs.store
        .all()
        .filter((file) => isFilePending(file) && file.contents !== null && !file.path.endsWith(STORED_FILE));
      const changed: string[] = [];
      const fingerprints: Record<string, string> = { ...remembered };
      for (const file of pending) {
        const contents = file.contents ?? Buffer.alloc(0);
        const state = fileState(root, { path: file.path, contents }, remembered);
        // Still as we wrote it: Yeoman's conflicter writes it without asking.
        if (state === 'regenerated') (file as { conflicter?: string }).conflicter = 'force';
        if (state === 'changed') changed.push(relativePath(root, file.path));
        fingerprints[relativePath(root, file.path)] = fingerprint(contents);
      }
      if (this.options.dryRun !== true) {
        const blocked = unwritable(pending.map((file) => file.path));
        if (blocked !== undefined) throw cannotWrite(root, blocked);
      }
      const unattended = !canAsk(this.env.adapter) && this.options.force !== true && this.options.dryRun !== true;
      const conflicts = unsettledConflicts(root, changed, { useYoResolve: this.options.skipYoResolve !== true });
      if (unattended && conflicts.length > 0) throw conflictError(conflicts);
      if (this.storesAnswers && JSON.stringify(fingerprints) !== JSON.stringify(remembered)) {
        this.config.set(FINGERPRINTS, fingerprints);
      }
    });
  }

  /**
   * Ask one question. The default is shown once, marked with where it came from (`(8000, detected)`), and an
   * empty answer takes it: backspace on an empty line does not lose it.
   */
  async #ask(prompt: Prompt): Promise<string> {
    const { question, defaultText } = prompt;
    const from = prompt.defaultFrom === 'detected' ? 'detected' : prompt.defaultFrom === 'preset' ? 'team preset' : '';
    const orDefault = (value: unknown): string => {
      const text = typeof value === 'string' ? value : '';
      return text.trim() === '' && defaultText !== undefined ? defaultText : text;
    };
    const answers = await this.prompt([
      {
        type: prompt.choices ? 'select' : 'input',
        name: question.name,
        message: question.message,
        ...(defaultText !== undefined ? { default: defaultText } : {}),
        ...(prompt.choices ? { choices: [...prompt.choices] } : {}),
        validate: (value: unknown) => prompt.validate(orDefault(value)),
        // The answer as taken: an empty line shows the default it stands for.
        transformer: (value: string, { isFinal }: { isFinal: boolean }) => (isFinal ? orDefault(value) : value),
        ...(from === '' || prompt.choices
          ? {}
          : { theme: { style: { defaultAnswer: (text: string) => `(${text}, ${from})` } } }),
      },
    ]);
    return orDefault(answers[question.name]);
  }

  /** The one confirm before the details: no takes their defaults. */
  async #askDetails(details: readonly string[]): Promise<boolean> {
    if (details.length === 0) return false;
    const answers = await this.prompt([
      {
        type: 'confirm',
        name: 'details',
        message: `Customise the details too (${details.join(', ')})?`,
        default: false,
      },
    ]);
    return answers.details === true;
  }

  /** At the end of a run that asked nothing: what the project shows. */
  end(): void {
    for (const line of this.#pendingSummary) this.log(line);
  }

  /** Render `template` (relative to the templates root) to `destination` in the project. */
  protected render(
    template: string,
    destination: string,
    context: object,
    options: { executable?: boolean } = {},
  ): void {
    const text = renderText(this.templates, template, context);
    this.fs.write(
      this.destinationPath(destination),
      text,
      options.executable ? ({ stat: { mode: 0o100755 } } as never) : undefined,
    );
  }
}

/** A generator that writes one file of the table in src/files.ts. */
export abstract class FileGenerator extends DockerBestGenerator {
  readonly #file: GeneratedFile;

  constructor(args: string[], options: Options, file: GeneratedFile) {
    super(args, options, file.needs);
    this.#file = file;
  }

  writing(): void {
    const file = this.#file;
    this.render(file.template, file.destination, file.context(this.answers, this.facts), {
      executable: file.executable,
    });
  }
}
