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
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ANSWER_NAMES } from './answers.js';
import { showValue, UserError } from './errors.js';

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

// ---------------------------------------------------------------------------------------------------------
// Trust

/**
 * Team templates are code: EJS runs the JavaScript in them. A preset brings its templates and shapes the
 * image. One named on the command line is the user's choice; one that only the project's .yo-rc.json names
 * came with the project (a clone of someone's repository) and is used only once this user has passed it
 * on the command line, with the same contents. Trust is kept per user, outside any project, by a digest of
 * every file: a pack that changes (a pull) is asked for again.
 */
export const trustFile = (): string =>
  process.env.DOCKER_BEST_TRUST_FILE ??
  join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'docker-best', 'trusted.json');

/** Files read to make a digest, at most: a pack is a few dozen templates. */
const MAX_DIGEST_FILES = 2000;

/** Every file under `path` (or `path` itself), following links as the template lookup does. */
const filesOf = (path: string, found: string[] = []): string[] => {
  if (found.length > MAX_DIGEST_FILES) return found;
  if (!statSync(path).isDirectory()) {
    found.push(path);
    return found;
  }
  for (const entry of readdirSync(path).sort()) filesOf(join(path, entry), found);
  return found;
};

/** A digest of what `paths` hold: names relative to each path, and contents. */
export const contentDigest = (paths: readonly string[]): string => {
  const hash = createHash('sha256');
  for (const path of paths) {
    const files = filesOf(path);
    if (files.length > MAX_DIGEST_FILES) {
      throw new UserError(`${path} holds more than ${MAX_DIGEST_FILES} files: that is not a template pack`);
    }
    for (const file of files) {
      hash.update(`${relative(path, file)}\0`);
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  }
  return `sha256:${hash.digest('hex')}`;
};

interface TrustRecord {
  readonly digest: string;
  readonly path: string;
  readonly at: string;
}

const readTrust = (): TrustRecord[] => {
  try {
    const json: unknown = JSON.parse(readFileSync(trustFile(), 'utf8'));
    const list = isObject(json) && Array.isArray(json.trusted) ? (json.trusted as unknown[]) : [];
    return list.filter(
      (item): item is TrustRecord =>
        isObject(item) &&
        typeof item.digest === 'string' &&
        typeof item.path === 'string' &&
        typeof item.at === 'string',
    );
  } catch {
    return [];
  }
};

/** Remember `digest` as trusted; a failure to write is only a warning (the next run asks again). */
const recordTrust = (digest: string, path: string, warn: (line: string) => void): void => {
  const records = readTrust().filter((record) => record.path !== path && record.digest !== digest);
  records.push({ digest, path, at: new Date().toISOString() });
  const file = trustFile();
  try {
    mkdirSync(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ trusted: records.slice(-200) }, null, 2)}\n`);
    renameSync(temp, file);
  } catch (error) {
    warn(
      `could not remember that you trust ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)} on ${file}): the next run without the option will ask again`,
    );
  }
};

export interface TeamSource {
  readonly kind: 'templates' | 'preset';
  /** As written in the option or in .yo-rc.json. */
  readonly spec: string;
  /** Whether it was given on the command line (trusted) rather than only named by .yo-rc.json. */
  readonly given: boolean;
  /** What it reads: the template folder, or the preset file and its templates. */
  readonly paths: readonly string[];
}

/**
 * Trust `sources` given on the command line; refuse one that only .yo-rc.json names unless its contents were
 * trusted before; announce the ones used from .yo-rc.json.
 */
export const settleTrust = (
  sources: readonly TeamSource[],
  storedFile: string,
  say: { info: (line: string) => void; warn: (line: string) => void },
): void => {
  for (const source of sources) {
    const digest = contentDigest(source.paths);
    const where = source.paths[0] ?? source.spec;
    if (source.given) {
      recordTrust(digest, where, say.warn);
      continue;
    }
    const records = readTrust();
    if (records.some((record) => record.digest === digest)) {
      say.info(`using the team ${source.kind} ${where}, named in ${storedFile} (trusted: you passed them before)`);
      continue;
    }
    const changed = records.some((record) => record.path === where);
    const what = source.kind === 'templates' ? 'team templates' : 'team preset';
    throw new UserError(
      `${storedFile} names the ${what} ${showValue(source.spec)} (${where}), which ${changed ? 'changed since you last passed it' : 'you have not passed on the command line'}: templates run code (EJS is JavaScript) and these came with the project; look at them, then pass --${source.kind} ${showValue(source.spec)} once to trust them`,
    );
  }
};
