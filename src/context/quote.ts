/**
 * Escaping for each syntax the generator writes. Validation already restricts what users can type; these
 * make sure that even a value that slipped through cannot leave its quotes.
 */
import { parse } from 'yaml';

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

/**
 * A YAML scalar as a person writes it: plain when it is a lowercase name that YAML 1.1 (docker-compose 1.29
 * reads compose files with it) and YAML 1.2 both read back as that same string (`data`, `unless-stopped`),
 * double-quoted otherwise (`"no"`, `"8"`, `"e0"`, anything else). The yaml library decides, not a pattern.
 */
export const yamlScalar = (value: string): string =>
  /^[a-z][a-z0-9_.-]*$/.test(value) && readsBackAs(value, '1.1') && readsBackAs(value, '1.2')
    ? value
    : yamlString(value);

const readsBackAs = (value: string, version: '1.1' | '1.2'): boolean => {
  try {
    return parse(value, { version }) === value;
  } catch {
    return false;
  }
};
