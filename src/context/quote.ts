/**
 * Escaping for each syntax the generator writes. Validation already restricts what users can type; these
 * make sure that even a value that slipped through cannot leave its quotes.
 */

/** A Dockerfile exec form: `["python", "app.py"]`. JSON strings cannot contain a raw newline or quote. */
export const execForm = (argv: readonly string[]): string => `[${argv.map((arg) => JSON.stringify(arg)).join(', ')}]`;

/** A double-quoted Dockerfile value (ENV, LABEL): backslash, quote and `$` escaped, no newline possible. */
export const dockerfileString = (value: string): string =>
  `"${value.replace(/[\\"$]/g, (ch) => `\\${ch}`).replace(/[\r\n]/g, ' ')}"`;

/** A single-quoted shell word. */
export const shellWord = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** A YAML double-quoted scalar (JSON strings are valid YAML). */
export const yamlString = (value: string): string => JSON.stringify(value);

/** A YAML single-quoted scalar: a quote is doubled, no newline possible. */
export const yamlSingleQuoted = (value: string): string => `'${value.replace(/[\r\n]/g, ' ').replace(/'/g, "''")}'`;
