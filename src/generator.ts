/**
 * The base of every docker-best generator: it declares the options of the answers it needs (from the
 * answers model), settles those answers (src/resolve.ts), stores them in .yo-rc.json and renders templates.
 * A generator itself only says which answers it needs and what it writes.
 */
import { isFilePending } from 'mem-fs-editor/state';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { QUESTIONS, withPrerequisites, type AnswerName } from './answers.js';
import { detectProject, type ProjectFacts } from './detect/index.js';
import {
  checkOptionsEarly,
  complete,
  EXPLICIT_KEY,
  rawText,
  resolveAnswers,
  type Prompt,
  type ResolveMode,
} from './resolve.js';
import { destinationOf, type GeneratedFile } from './files.js';
import { commitTransactionally, writeTarget } from './commit.js';
import {
  asUserError,
  cannotWrite,
  checkYoResolveFile,
  conflictError,
  shadowsError,
  type Conflict,
  fileState,
  fingerprint,
  notAFile,
  relativePath,
  Resolutions,
  takenByNonFile,
  unwritable,
} from './conflicts.js';
import { checkStoredFile, FINGERPRINTS, TEAM_KEYS } from './stored.js';
import { loadPreset, resolveTemplates, settleTrust, type Preset, type TeamSource } from './preset.js';
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

  /** The file of src/files.ts this generator writes, when it writes one. */
  protected readonly file: GeneratedFile | undefined;

  constructor(args: string[], options: Options, needs: readonly AnswerName[], file?: GeneratedFile) {
    const self: { generator?: DockerBestGenerator } = {};
    super(args, options, {
      tasksMatchingPriority: true,
      inheritTasks: true,
      unique: 'namespace',
      // The root generator owns the run-wide steps: nothing to install (Yeoman's package.json install step
      // off), and its own commit, all files or none (src/commit.ts).
      ...(options.composed === true
        ? {}
        : { customInstallTask: true, customCommitTask: () => self.generator?.commitFiles() }),
    });
    self.generator = this;
    this.file = file;
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

  /** A team setting: the option, else the stored one; `given` when it is the option. */
  #teamSetting(key: (typeof TEAM_KEYS)[number]): { spec: string; given: boolean } | undefined {
    const given = this.options[key];
    if (typeof given === 'string' && given !== '') return { spec: given, given: true };
    const stored = this.config.get(key);
    return typeof stored === 'string' && stored !== '' ? { spec: stored, given: false } : undefined;
  }

  async initializing(): Promise<void> {
    const env = userEnvAnswer(this._args, this.options.composed === true);
    if (env === undefined) delete this.options.env;
    else (this.options as Record<string, unknown>).env = env;
    await this.#quiet.run(() => {
      const root = this.destinationRoot();
      this.facts = detectProject(root);
      const preset = this.#teamSetting('preset');
      this.#preset = preset === undefined ? undefined : loadPreset(preset.spec, root);
      const templates = this.#teamSetting('templates');
      const templateDir = templates !== undefined ? resolveTemplates(templates.spec, root) : this.#preset?.templates;
      if (this.options.composed !== true) {
        // Templates run code: one only .yo-rc.json names is used once trusted (src/preset.ts).
        const sources: TeamSource[] = [];
        if (preset !== undefined && this.#preset !== undefined) {
          const { file, templates: presetTemplates } = this.#preset;
          sources.push({ kind: 'preset', ...preset, paths: presetTemplates ? [file, presetTemplates] : [file] });
        }
        if (templates !== undefined && templateDir !== undefined) {
          sources.push({ kind: 'templates', ...templates, paths: [templateDir] });
        }
        settleTrust(sources, STORED_FILE, {
          info: (line) => this.log.info(line),
          warn: (line) => this.log.info(`warning: ${line}`),
        });
      }
      this.templates = new TemplateSet(templateDir === undefined ? [] : [templateDir]);
      const shadowed = this.file?.shadows?.(this.facts) ?? [];
      if (shadowed.length > 0 && this.options.force !== true)
        throw shadowsError(this.file?.destination ?? '', shadowed);
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
    // them (with the --deps already given, if any), else at the end of a run that succeeded (a failed run stays
    // one line), with the --deps the run settled.
    const shows = this.options.composed !== true;
    const asksFirst = mode.ask !== undefined && !mode.takeDefaults;
    if (shows && asksFirst) for (const line of detectionSummary(this.facts, this.#givenDeps())) this.log(line);
    const resolved = await resolveAnswers(this.needs, this.#sources(), mode);
    this.answers = complete(this.needs, resolved.answers);
    if (shows && !asksFirst) {
      this.#pendingSummary = detectionSummary(this.facts, resolved.texts.deps);
    }
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
   * Yeoman reads .yo-rc.json when the generator is made; it is checked first (src/stored.ts): a link out of
   * the project, invalid JSON or a value of the wrong type ends the run in one line, never a stack trace.
   */
  override _getStorage(...args: Parameters<Generator['_getStorage']>): ReturnType<Generator['_getStorage']> {
    checkStoredFile(this.destinationRoot(), STORED_FILE);
    return super._getStorage(...args);
  }

  /** Whether .yo-resolve applies (Yeoman's skipYoResolve turns it off). */
  #yoResolveEnabled(): boolean {
    const env = this.env as unknown as { conflicterOptions?: { skipYoResolve?: boolean } };
    return this.options.skipYoResolve !== true && env.conflicterOptions?.skipYoResolve !== true;
  }

  /**
   * Before anything is written, the generator that runs the show (the app, or a generator run alone) looks at
   * every file about to be written, with Yeoman's own .yo-resolve reading (src/conflicts.ts): files still as
   * it last wrote them are regenerated without a question; files the user changed go to Yeoman's prompt, and
   * without a terminal they stop the run, named, unless --force or .yo-resolve decides them. A link out of
   * the project, a folder where a file goes or an unknown .yo-resolve word stop the run too. The new
   * fingerprints go to .yo-rc.json.
   */
  async conflicts(): Promise<void> {
    await this.#quiet.run(async () => {
      if (this.options.composed === true) return;
      try {
        await this.#checkConflicts();
      } catch (error) {
        throw asUserError(this.destinationRoot(), error);
      }
    });
  }

  async #checkConflicts(): Promise<void> {
    const root = this.destinationRoot();
    const yoResolve = this.#yoResolveEnabled();
    if (yoResolve) checkYoResolveFile(root);
    const resolutions = new Resolutions({ enabled: yoResolve });
    const stored: unknown = this.storesAnswers ? this.config.get(FINGERPRINTS) : undefined;
    const remembered: Record<string, string> =
      typeof stored === 'object' && stored !== null ? (stored as Record<string, string>) : {};
    const pending = this.fs.store.all().filter((file) => isFilePending(file) && file.contents !== null);
    const changed: Conflict[] = [];
    const fingerprints: Record<string, string> = { ...remembered };
    for (const file of pending) {
      const target = writeTarget(root, file.path);
      if (file.path.endsWith(STORED_FILE)) continue;
      const contents = file.contents ?? Buffer.alloc(0);
      fingerprints[relativePath(root, file.path)] = fingerprint(contents);
      const action = await resolutions.action(file.path);
      if (action === 'keep') continue;
      if (takenByNonFile(target)) throw notAFile(root, file.path);
      const state = fileState(root, { path: file.path, contents }, remembered);
      // Still as we wrote it, and .yo-resolve says nothing: Yeoman's conflicter writes it without asking.
      if (state === 'regenerated' && action === undefined) (file as { conflicter?: string }).conflicter = 'force';
      if (((state === 'changed' || state === 'foreign') && action === undefined) || action === 'ask') {
        changed.push({ path: relativePath(root, file.path), state: state === 'foreign' ? 'foreign' : 'changed' });
      }
    }
    if (this.options.dryRun !== true) {
      const blocked = unwritable(pending.map((file) => writeTarget(root, file.path)));
      if (blocked !== undefined) throw cannotWrite(root, blocked);
    }
    const unattended = !canAsk(this.env.adapter) && this.options.force !== true && this.options.dryRun !== true;
    if (unattended && changed.length > 0) throw conflictError(root, changed, { yoResolve });
    if (this.storesAnswers && JSON.stringify(fingerprints) !== JSON.stringify(remembered)) {
      this.config.set(FINGERPRINTS, fingerprints);
    }
  }

  /** The commit task of the run (see the constructor): Yeoman's decisions, then every file written or none. */
  async commitFiles(): Promise<void> {
    const env = this.env as unknown as {
      adapter: Parameters<typeof commitTransactionally>[0]['adapter'];
      conflicterOptions?: Record<string, unknown>;
      sharedFs: Parameters<typeof commitTransactionally>[0]['sharedFs'];
    };
    await commitTransactionally({
      root: this.destinationRoot(),
      adapter: env.adapter,
      conflicterOptions: env.conflicterOptions,
      sharedFs: env.sharedFs,
      skipYoResolve: !this.#yoResolveEnabled(),
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

  /** The --deps text given before anything is asked: the option, else the stored answer. */
  #givenDeps(): string | undefined {
    if (!this.needs.includes('deps')) return undefined;
    return rawText(this.options.deps) ?? rawText(this.config.get('deps'));
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
  constructor(args: string[], options: Options, file: GeneratedFile) {
    super(args, options, file.needs, file);
  }

  writing(): void {
    const file = this.file;
    if (file === undefined) return;
    const destination = destinationOf(file, this.answers);
    if (destination === null) return;
    this.render(file.template, destination, file.context(this.answers, this.facts), {
      executable: file.executable,
    });
  }
}
