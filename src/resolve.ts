/**
 * Settling answers. For each question a generator needs, in question order, the first source that has a
 * value wins:
 *
 *   option  >  .yo-rc.json  >  preset  >  detection  >  built-in default
 *
 * An option or a stored answer is final and never asked. Otherwise the question is asked with the preset,
 * detected or built-in value as its default; with --defaults that default is taken; with no terminal and no
 * --defaults the question is missing, and all missing questions end the run in one error.
 *
 * Pure apart from the `ask` callback, so the precedence is tested without Yeoman.
 */
import { questionNamed, withPrerequisites, type AnswerName, type Known, type QuestionView } from './answers.js';
import type { ProjectFacts } from './detect.js';
import { invalidValue, UserError, type ValueSource } from './errors.js';
import type { Answers } from './model.js';

export type RawValues = Readonly<Record<string, unknown>>;

export interface AnswerSources {
  /** Options from the command line (or composeWith); absent ones are undefined. */
  readonly options: RawValues;
  /** Answers stored in .yo-rc.json. */
  readonly stored: RawValues;
  readonly storedFile: string;
  /** A team preset's default answers. */
  readonly preset?: { readonly values: RawValues; readonly file: string };
  readonly facts: ProjectFacts;
}

export interface Prompt {
  readonly question: QuestionView;
  /** Canonical text of the default. */
  readonly defaultText: string;
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
}

export interface Resolved {
  readonly answers: Known;
  /** Canonical text of every settled answer, to store in .yo-rc.json. */
  readonly texts: Partial<Record<AnswerName, string>>;
}

/** Raw value as text; undefined when the source does not give one. */
export const rawText = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
};

const depsSettled = (question: QuestionView, known: Known): boolean =>
  question.after.every((name) => known[name] !== undefined);

/**
 * Validate every given option whose prerequisites are already fixed by options or stored answers, before
 * anything is asked: a bad option then fails at once, not after a round of prompts.
 */
export const checkOptionsEarly = (names: readonly AnswerName[], sources: AnswerSources): void => {
  const known: Known = {};
  const settled = known as Record<string, unknown>;
  for (const name of withPrerequisites(names)) {
    const question = questionNamed(name);
    const option = rawText(sources.options[name]);
    const stored = rawText(sources.stored[name]);
    const [text, source]: [string | undefined, ValueSource] =
      option !== undefined ? [option, { kind: 'option' }] : [stored, { kind: 'stored', file: sources.storedFile }];
    if (text === undefined || !depsSettled(question, known)) continue;
    if (question.applies && !question.applies(known)) continue;
    const parsed = question.parse(text, known);
    if (!parsed.ok) throw invalidValue(source, name, text, parsed.rule);
    settled[name] = parsed.value;
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

  for (const name of withPrerequisites(names)) {
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
      settled[name] = question.defaultValue(known, sources.facts);
      continue;
    }

    const settle = (text: string, source: ValueSource): void => {
      const parsed = question.parse(text, known);
      if (!parsed.ok) throw invalidValue(source, name, text, parsed.rule);
      settled[name] = parsed.value;
      texts[name] = question.format(parsed.value);
    };

    if (option !== undefined) {
      settle(option, { kind: 'option' });
      continue;
    }
    const stored = rawText(sources.stored[name]);
    if (stored !== undefined) {
      settle(stored, { kind: 'stored', file: sources.storedFile });
      continue;
    }

    // Not given: the default is the preset's, else what the project shows, else the built-in one.
    const presetRaw = rawText(sources.preset?.values[name]);
    const fallbackText = question.format(question.defaultValue(known, sources.facts));
    const presetText =
      presetRaw === undefined ? undefined : (question.fromPreset?.(presetRaw, fallbackText) ?? presetRaw);
    let defaultText: string;
    let defaultFrom: Prompt['defaultFrom'];
    if (presetText !== undefined && sources.preset) {
      const parsed = question.parse(presetText, known);
      if (!parsed.ok) throw invalidValue({ kind: 'preset', file: sources.preset.file }, name, presetText, parsed.rule);
      defaultText = question.format(parsed.value);
      defaultFrom = 'preset';
    } else {
      defaultText = fallbackText;
      defaultFrom = question.detected?.(known, sources.facts) ? 'detected' : 'default';
    }

    if (mode.takeDefaults) {
      settle(defaultText, { kind: 'default' });
    } else if (mode.ask) {
      const validate = (raw: string): true | string => {
        const parsed = question.parse(raw, known);
        return parsed.ok ? true : parsed.rule;
      };
      const choices = question.choices?.(known);
      const answer = await mode.ask({ question, defaultText, defaultFrom, validate, ...(choices ? { choices } : {}) });
      settle(answer, { kind: 'option' });
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
  return { answers: known, texts };
};

/** The answers a generator needs, once settled, typed as complete. */
export const complete = (names: readonly AnswerName[], known: Known): Answers => {
  for (const name of withPrerequisites(names)) {
    if (known[name] === undefined) throw new Error(`internal: answer ${name} was not settled`);
  }
  return known as Answers;
};
