/**
 * Errors a user can fix. The bin prints them as one line without a stack trace (the trace stays available
 * with --debug); anything else is a bug and is printed in full.
 */

export class UserError extends Error {
  readonly isUserError = true;

  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

export const isUserError = (error: unknown): error is UserError =>
  error instanceof Error && (error as Partial<UserError>).isUserError === true;

/** What inquirer throws when the user presses Ctrl-C at a prompt (or the prompt is aborted). */
export const isInterrupt = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');

const MAX_SHOWN = 80;

/** A value as it can be shown inside one line: control characters escaped, long values cut. */
export const showValue = (value: string): string => {
  const escaped = JSON.stringify(value).slice(1, -1).replace(/'/g, "\\'");
  const cut = escaped.length > MAX_SHOWN ? `${escaped.slice(0, MAX_SHOWN)}… (${value.length} characters)` : escaped;
  return `'${cut}'`;
};

/** Where a value came from, as the message names it. */
export type ValueSource =
  | { readonly kind: 'option' }
  | { readonly kind: 'stored'; readonly file: string }
  | { readonly kind: 'preset'; readonly file: string }
  | { readonly kind: 'default' };

export const invalidValue = (source: ValueSource, name: string, raw: string, rule: string): UserError => {
  switch (source.kind) {
    case 'option':
      return new UserError(`--${name} ${showValue(raw)}: ${rule}`);
    case 'stored':
      return new UserError(`"${name}" in ${source.file} ${showValue(raw)}: ${rule} (fix the file or pass --${name})`);
    case 'preset':
      return new UserError(`"${name}" in preset ${source.file} ${showValue(raw)}: ${rule}`);
    case 'default':
      return new UserError(`--${name} is needed here and has no usable default: ${rule}`);
  }
};
