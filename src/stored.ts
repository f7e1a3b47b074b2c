/**
 * The project's stored state, `.yo-rc.json`, checked before Yeoman reads it. Yeoman's own reading throws a
 * stack trace on invalid JSON, and the answers model passes over values of the wrong type without a word; a
 * `.yo-rc.json` that is a link out of the project would be read from, and written to, the file it leads to.
 * Here each of those ends the run with one line naming the file, the key and what to do.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ANSWER_NAMES } from './answers.js';
import { writeTarget } from './commit.js';
import { showValue, UserError } from './errors.js';
import { EXPLICIT_KEY } from './resolve.js';

/** The generator's key in .yo-rc.json (its npm package name, as Yeoman names it). */
export const STORE_KEY = 'generator-docker-best';
/** Fingerprints of the files last written (src/conflicts.ts). */
export const FINGERPRINTS = 'fingerprints';
/** The team settings kept in .yo-rc.json next to the answers. */
export const TEAM_KEYS = ['templates', 'preset'] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isText = (value: unknown): boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : typeof value;

/** What is wrong with one stored key's value, or undefined when it is fine. */
const problem = (key: string, value: unknown): string | undefined => {
  if ((ANSWER_NAMES as readonly string[]).includes(key)) {
    if (isText(value)) return undefined;
    if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) {
      return undefined;
    }
    return `is ${describe(value)}; an answer is text, as typed for --${key}`;
  }
  if (key === EXPLICIT_KEY) {
    return Array.isArray(value) && value.every((item) => typeof item === 'string')
      ? undefined
      : `is ${describe(value)}; it is the list of answers you set, e.g. ["port"]`;
  }
  if (key === FINGERPRINTS) {
    return isObject(value) && Object.values(value).every((item) => typeof item === 'string')
      ? undefined
      : `is ${describe(value)}; it maps each generated file to its fingerprint`;
  }
  if ((TEAM_KEYS as readonly string[]).includes(key)) {
    return typeof value === 'string' ? undefined : `is ${describe(value)}; it is a folder, file or package name`;
  }
  return 'is not a key docker-best knows';
};

/** The stored values of `text` (a .yo-rc.json), checked; throws a one-line UserError naming `file`. */
export const checkStoredText = (text: string, file: string): void => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UserError(
      `${file} is not valid JSON (${why}): fix it, or remove it to have the answers detected and asked again`,
    );
  }
  if (!isObject(json)) {
    throw new UserError(
      `${file} must hold a JSON object, e.g. { "${STORE_KEY}": { "port": "8000" } }: fix or remove it`,
    );
  }
  const ours = json[STORE_KEY];
  if (ours === undefined) return;
  if (!isObject(ours)) {
    throw new UserError(`"${STORE_KEY}" in ${file} is ${describe(ours)}, not an object of answers: fix or remove it`);
  }
  for (const [key, value] of Object.entries(ours)) {
    const wrong = problem(key, value);
    if (wrong !== undefined) {
      const shown = showValue(JSON.stringify(value) ?? String(value));
      throw new UserError(
        `"${key}" in ${file} ${shown} ${wrong}: fix it, or remove the key to have it detected or asked again`,
      );
    }
  }
};

/**
 * Check `name` (.yo-rc.json) in `root` before Yeoman reads it: not a link out of the project, a readable file,
 * valid JSON, every value of its type.
 */
export const checkStoredFile = (root: string, name: string): void => {
  const path = join(root, name);
  const target = writeTarget(root, path);
  let text: string;
  try {
    if (statSync(target).isDirectory()) {
      throw new UserError(`${name} in ${root} is a folder: remove it (the answers are then detected and asked again)`);
    }
    text = readFileSync(target, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === undefined) throw error;
    throw new UserError(`${name} in ${root} cannot be read (${code}): fix its permissions, or remove it`);
  }
  checkStoredText(text, name);
};
