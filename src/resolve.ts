/**
 * Settling answers. For each question a generator needs, in question order, the first source that has a
 * value wins:
 *
 *   option  >  .yo-rc.json  >  preset  >  detection  >  built-in default
 *
 * An option is final and never asked. A stored answer is final too, unless it was derived (not set by the
 * user) from an answer that changed in this run: then it is derived again. `--stack jupyter` on a re-run gives
 * the notebook as the entry, `--port 5000` gives a health check on it. What the user set (an option, or a
 * prompt answered with something else than the default) is remembered as explicit in .yo-rc.json and kept.
 *
 * Otherwise the question is asked with the preset, detected or built-in value as its default; with
 * --defaults that default is taken; with no terminal and no --defaults the question is missing, and all
 * missing questions end the run in one error. A question with no usable default (nothing to run was
 * detected) must be answered.
 *
 * Pure apart from the `ask` callback, so the precedence is tested without Yeoman.
 */
import {
  ANSWER_NAMES,
  questionNamed,
  withPrerequisites,
  type AnswerName,
  type Known,
  type QuestionView,
} from './answers.js';
import type { ProjectFacts } from './detect/index.js';
import { invalidValue, UserError, type ValueSource } from './errors.js';
import type { Answers } from './model.js';

export type RawValues = Readonly<Record<string, unknown>>;

/** .yo-rc.json key of the answers the user set, as opposed to derived ones. */
export const EXPLICIT_KEY = 'explicit';

export interface AnswerSources {
  /** Options from the command line (or composeWith); absent ones are undefined. */
  readonly options: RawValues;
  /** Answers stored in .yo-rc.json (with the `explicit` list). */
  readonly stored: RawValues;
  readonly storedFile: string;
  /** A team preset's default answers. */
  readonly preset?: { readonly values: RawValues; readonly file: string };
  readonly facts: ProjectFacts;
}

export interface Prompt {
  readonly question: QuestionView;
  /** Canonical text of the default; undefined when there is none (the answer must be typed). */
  readonly defaultText: string | undefined;
  /** Where the default came from, to show in the prompt. */
  readonly defaultFrom: 'preset' | 'detected' | 'default';
  readonly choices?: readonly string[];
  /** Checks a typed answer: true, or the rule it broke. */
  readonly validate: (raw: string) => true | string;
}

export interface ResolveMode {
  /** Take every default instead of asking (--defaults). */
  readonly takeDefaults: boolean;
  /** Ask one question; absent when there is no terminal to ask on. */
  readonly ask?: (prompt: Prompt) => Promise<string>;
  /**
   * Ask, once, whether to go through the details (questions marked `detail`); they take their defaults when
   * the answer is no. Absent: every question is asked.
   */
  readonly askDetails?: (details: readonly string[]) => Promise<boolean>;
}

export interface Resolved {
  readonly answers: Known;
  /** Canonical text of every settled answer, to store in .yo-rc.json. */
  readonly texts: Partial<Record<AnswerName, string>>;
  /** The answers the user set in this run or an earlier one (options, typed answers), to store. */
  readonly explicit: readonly AnswerName[];
}

/** Raw value as text; undefined when the source does not give one. */
export const rawText = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
};

const questionExists = (key: string): boolean => (ANSWER_NAMES as readonly string[]).includes(key);

const depsSettled = (question: QuestionView, known: Known): boolean =>
  question.after.every((name) => known[name] !== undefined);

/** The stored `explicit` list. */
const storedExplicit = (stored: RawValues): Set<string> => {
  const list = stored[EXPLICIT_KEY];
  return new Set(Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : []);
};

/**
 * What the command line or .yo-rc.json gives for a question: the option; else the stored answer, unless it
 * was derived and an answer it depends on changed in this run (`changed`).
 */
const given = (
  question: QuestionView,
  sources: AnswerSources,
  explicit: ReadonlySet<string>,
  changed: ReadonlySet<AnswerName>,
): { text: string; source: ValueSource } | 'rederive' | undefined => {
  const option = rawText(sources.options[question.name]);
  if (option !== undefined) return { text: option, source: { kind: 'option' } };
  const stored = rawText(sources.stored[question.name]);
  const dependsOnChange = question.after.some((name) => changed.has(name));
  // On a re-run, a question that now applies because of a changed answer is derived as well.
  if (stored === undefined) return dependsOnChange && isRerun(sources) ? 'rederive' : undefined;
  if (!explicit.has(question.name) && dependsOnChange) return 'rederive';
  return { text: stored, source: { kind: 'stored', file: sources.storedFile } };
};

/** Whether .yo-rc.json holds answers of an earlier run. */
const isRerun = (sources: AnswerSources): boolean =>
  Object.keys(sources.stored).some((key) => key !== EXPLICIT_KEY && questionExists(key));

/** Whether a settled answer differs from what .yo-rc.json holds for it (its dependants are then derived again). */
const differsFromStored = (sources: AnswerSources, name: AnswerName, text: string): boolean => {
  const stored = rawText(sources.stored[name]);
  return stored !== undefined && stored !== text;
};

/**
 * Validate every given option whose prerequisites are already fixed by options or stored answers, before
 * anything is asked: a bad option then fails at once, not after a round of prompts.
 */
export const checkOptionsEarly = (names: readonly AnswerName[], sources: AnswerSources): void => {
  const known: Known = {};
  const settled = known as Record<string, unknown>;
  const explicit = storedExplicit(sources.stored);
  const changed = new Set<AnswerName>();
  for (const name of withPrerequisites(names)) {
    const question = questionNamed(name);
    if (!depsSettled(question, known)) continue;
    if (question.applies && !question.applies(known)) continue;
    const value = given(question, sources, explicit, changed);
    if (value === undefined || value === 'rederive') continue;
    const parsed = question.parse(value.text, known, sources.facts);
    if (!parsed.ok) throw invalidValue(value.source, name, value.text, parsed.rule);
    settled[name] = parsed.value;
    if (differsFromStored(sources, name, question.format(parsed.value))) changed.add(name);
  }
};

export const resolveAnswers = async (
  names: readonly AnswerName[],
  sources: AnswerSources,
  mode: ResolveMode,
): Promise<Resolved> => {
  const known: Known = {};
  const settled = known as Record<string, unknown>;
  const texts: Partial<Record<AnswerName, string>> = {};
  const missing: AnswerName[] = [];
  const explicitBefore = storedExplicit(sources.stored);
  const explicit = new Set<AnswerName>();
  /** Answers whose value differs from the stored one: derived answers after them are derived again. */
  const changed = new Set<AnswerName>();
  /** Whether the user chose to go through the details; asked the first time a detail would be asked. */
  let details: boolean | undefined;
  const order = withPrerequisites(names);

  for (const name of order) {
    const question = questionNamed(name);
    if (!depsSettled(question, known)) {
      // Unknown whether a conditional question applies at all: only name it once it does.
      if (!question.applies) missing.push(name);
      continue;
    }
    const option = rawText(sources.options[name]);
    if (question.applies && !question.applies(known)) {
      if (option !== undefined) {
        throw new UserError(`--${name} does not apply here: ${question.description}; check the options it goes with`);
      }
      // Not asked and not stored; the value is only there so that every answer has one.
      const value = question.defaultValue(known, sources.facts);
      if (value !== undefined) settled[name] = value;
      continue;
    }

    const askDetailsOnce = async (): Promise<boolean> =>
      mode.askDetails === undefined
        ? true
        : mode.askDetails([
            ...new Set(
              order
                .filter((other) => known[other] === undefined)
                .map((other) => questionNamed(other).detail)
                .filter((label): label is string => label !== undefined),
            ),
          ]);

    const settle = (text: string, source: ValueSource): void => {
      const parsed = question.parse(text, known, sources.facts);
      if (!parsed.ok) throw invalidValue(source, name, text, parsed.rule);
      settled[name] = parsed.value;
      texts[name] = question.format(parsed.value);
      if (differsFromStored(sources, name, texts[name])) changed.add(name);
    };

    const value = given(question, sources, explicitBefore, changed);
    if (value !== undefined && value !== 'rederive') {
      settle(value.text, value.source);
      if (value.source.kind === 'option' || explicitBefore.has(name)) explicit.add(name);
      continue;
    }

    // Not given: the default is the preset's, else what the project shows, else the built-in one.
    const presetRaw = rawText(sources.preset?.values[name]);
    const fallback = question.defaultValue(known, sources.facts);
    const fallbackText = fallback === undefined ? undefined : question.format(fallback);
    const presetText =
      presetRaw === undefined ? undefined : (question.fromPreset?.(presetRaw, fallbackText ?? '') ?? presetRaw);
    let defaultText: string | undefined;
    let defaultFrom: Prompt['defaultFrom'];
    if (presetText !== undefined && sources.preset) {
      const parsed = question.parse(presetText, known, sources.facts);
      if (!parsed.ok) throw invalidValue({ kind: 'preset', file: sources.preset.file }, name, presetText, parsed.rule);
      defaultText = question.format(parsed.value);
      defaultFrom = 'preset';
    } else {
      defaultText = fallbackText;
      defaultFrom = question.detected?.(known, sources.facts) ? 'detected' : 'default';
    }

    // A derived answer derived again takes its new default, as it took the old one: nothing is asked.
    if ((mode.takeDefaults || value === 'rederive') && defaultText !== undefined) {
      settle(defaultText, { kind: 'default' });
    } else if (mode.takeDefaults) {
      // --defaults asks nothing: an answer with no usable default must be given.
      throw new UserError(`--${name} is needed: ${question.noDefault?.(sources.facts) ?? 'it has no default'}`);
    } else if (
      mode.ask &&
      question.detail !== undefined &&
      defaultText !== undefined &&
      !(details ??= await askDetailsOnce())
    ) {
      settle(defaultText, { kind: 'default' });
    } else if (mode.ask) {
      const validate = (raw: string): true | string => {
        const parsed = question.parse(raw, known, sources.facts);
        return parsed.ok ? true : parsed.rule;
      };
      const choices = question.choices?.(known);
      const answer = await mode.ask({ question, defaultText, defaultFrom, validate, ...(choices ? { choices } : {}) });
      settle(answer, { kind: 'option' });
      if (texts[name] !== defaultText) explicit.add(name);
    } else {
      missing.push(name);
    }
  }

  if (missing.length > 0) {
    throw new UserError(
      `no terminal to ask on, and no answer for ${missing.map((name) => `--${name}`).join(', ')}: ` +
        'give them as options, or add --defaults to take the defaults (see --help)',
    );
  }
  return { answers: known, texts, explicit: [...explicit] };
};

/** The answers a generator needs, once settled, typed as complete. */
export const complete = (names: readonly AnswerName[], known: Known): Answers => {
  for (const name of withPrerequisites(names)) {
    if (known[name] === undefined) throw new Error(`internal: answer ${name} was not settled`);
  }
  return known as Answers;
};
