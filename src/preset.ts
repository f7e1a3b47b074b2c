/**
 * A team's own templates and default answers. `--templates` and `--preset` each name a folder or file, or an
 * npm package installed in the project (or next to the generator). A pack written by `docker-best:team`
 * serves both: its package.json says where its templates and its preset are.
 *
 * Pack package.json:   { "docker-best": { "templates": "templates", "preset": "preset.json" } }
 * Preset file:         { "python": "3.14", "uid": "20000", "name": "registry.acme.dev/shop/", "templates": "templates" }
 *
 * A preset's values are option texts, validated like options. A `name` ending in `/` is a registry prefix: the
 * project folder's name is added to it. `templates` in a preset is relative to the preset file.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ANSWER_NAMES } from './answers.js';
import { UserError } from './errors.js';

export interface PackInfo {
  readonly root: string;
  readonly templates?: string;
  readonly preset?: string;
}

export interface Preset {
  /** Where it came from, for messages. */
  readonly file: string;
  readonly values: Readonly<Record<string, string>>;
  /** Template folder the preset names, resolved. */
  readonly templates?: string;
}

const readJson = (file: string, what: string): unknown => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new UserError(
      `${what} ${file} is not readable JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A pack's folder and what its package.json declares, or undefined when `dir` has no package.json. */
export const readPack = (dir: string): PackInfo | undefined => {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const json = readJson(manifest, 'package.json');
  const declared = isObject(json) && isObject(json['docker-best']) ? json['docker-best'] : {};
  const at = (key: string, fallback: string): string | undefined => {
    const value = typeof declared[key] === 'string' ? declared[key] : fallback;
    const path = resolve(dir, value);
    return existsSync(path) ? path : undefined;
  };
  const templates = at('templates', 'templates');
  const preset = at('preset', 'preset.json');
  return { root: dir, ...(templates ? { templates } : {}), ...(preset ? { preset } : {}) };
};

/** Find an installed npm package from the project, then from the generator itself. */
const findPackage = (name: string, projectDir: string): string | undefined => {
  if (!/^(@[a-z0-9._~-]+\/)?[a-z0-9._~-]+$/i.test(name)) return undefined;
  for (const from of [join(projectDir, 'package.json'), import.meta.url]) {
    try {
      return dirname(createRequire(from).resolve(`${name}/package.json`));
    } catch {
      // not installed there
    }
  }
  return undefined;
};

/** A path or a package name, as a folder or file on disk. */
const locate = (spec: string, projectDir: string): string | undefined => {
  const path = isAbsolute(spec) ? spec : resolve(projectDir, spec);
  if (existsSync(path)) return path;
  return findPackage(spec, projectDir);
};

/** `--templates`: a folder of templates, a pack folder, or an installed pack package. */
export const resolveTemplates = (spec: string, projectDir: string): string => {
  const found = locate(spec, projectDir);
  if (found === undefined || !statSync(found).isDirectory()) {
    throw new UserError(
      `--templates '${spec}': no such folder, and no installed npm package of that name (npm install it, or give a path)`,
    );
  }
  const pack = readPack(found);
  return pack?.templates ?? found;
};

const ALLOWED_PRESET_KEYS = new Set<string>([...ANSWER_NAMES, 'templates']);

/** `--preset`: a JSON file, a pack folder, or an installed pack package. */
export const loadPreset = (spec: string, projectDir: string): Preset => {
  const found = locate(spec, projectDir);
  if (found === undefined) {
    throw new UserError(
      `--preset '${spec}': no such file, and no installed npm package of that name (npm install it, or give a path)`,
    );
  }
  let file = found;
  let packTemplates: string | undefined;
  if (statSync(found).isDirectory()) {
    const pack = readPack(found);
    packTemplates = pack?.templates;
    if (pack?.preset === undefined) {
      throw new UserError(
        `--preset '${spec}': ${found} has no preset.json (or "docker-best": { "preset": ... } in its package.json)`,
      );
    }
    file = pack.preset;
  }
  const json = readJson(file, 'preset');
  if (!isObject(json))
    throw new UserError(`preset ${file} must be a JSON object of answers, e.g. { "python": "3.14" }`);
  const values: Record<string, string> = {};
  let templates = packTemplates;
  for (const [key, value] of Object.entries(json)) {
    if (!ALLOWED_PRESET_KEYS.has(key)) {
      throw new UserError(
        `preset ${file}: unknown key "${key}"; a preset holds answers (${ANSWER_NAMES.join(', ')}) and templates`,
      );
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new UserError(`preset ${file}: "${key}" must be text, as typed for --${key}`);
    }
    if (key === 'templates') templates = resolve(dirname(file), String(value));
    else values[key] = String(value);
  }
  return { file, values, ...(templates !== undefined ? { templates } : {}) };
};
