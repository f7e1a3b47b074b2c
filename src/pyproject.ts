/**
 * Just enough of TOML to read what the generator needs from pyproject.toml: `[project]` name and
 * dependencies, `[project.scripts]`, and `[build-system]` build-backend. Tables, basic and literal strings,
 * arrays of strings over several lines, and comments. Anything else is skipped, never an error: a
 * pyproject.toml we cannot read only means fewer detected defaults.
 */

export interface ConsoleScript {
  readonly name: string;
  readonly module: string;
  readonly func: string;
}

export interface Pyproject {
  readonly name?: string;
  readonly dependencies: readonly string[];
  readonly scripts: readonly ConsoleScript[];
  readonly buildBackend?: string;
  /** `[project] readme` when it names a file. */
  readonly readme?: string;
}

type Value = string | string[];

/** Read one TOML string at the start of `text`; returns the value and the rest. */
const readString = (text: string): [string, string] | undefined => {
  const basic = /^"((?:[^"\\\n]|\\.)*)"/.exec(text);
  if (basic?.[1] !== undefined) {
    const value = basic[1].replace(/\\(["\\nt])/g, (_all, ch: string) => (ch === 'n' ? '\n' : ch === 't' ? '\t' : ch));
    return [value, text.slice(basic[0].length)];
  }
  const literal = /^'([^'\n]*)'/.exec(text);
  if (literal?.[1] !== undefined) return [literal[1], text.slice(literal[0].length)];
  return undefined;
};

const stripComment = (line: string): string => {
  let quote: string | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const ch = line[index];
    if (quote !== undefined) {
      if (ch === '\\' && quote === '"') index += 1;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') return line.slice(0, index);
  }
  return line;
};

/** Parse into `table -> key -> value`, for string and string-array values only. */
export const parseTomlTables = (text: string): Map<string, Map<string, Value>> => {
  const tables = new Map<string, Map<string, Value>>();
  let current = '';
  const table = (name: string): Map<string, Value> => {
    let found = tables.get(name);
    if (!found) {
      found = new Map();
      tables.set(name, found);
    }
    return found;
  };
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    const line = stripComment(lines[index] ?? '').trim();
    if (line === '') continue;
    const header = /^\[\s*([A-Za-z0-9_.\-"' ]+?)\s*\]$/.exec(line);
    if (header?.[1] !== undefined) {
      current = header[1].replace(/["'\s]/g, '');
      continue;
    }
    const assignment = /^("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line);
    if (!assignment?.[1] || assignment[2] === undefined) continue;
    const key = assignment[1].replace(/^["']|["']$/g, '');
    let rest = assignment[2];
    if (rest.startsWith('[')) {
      // Gather an array over several lines until its closing bracket.
      while (!/\]\s*$/.test(rest) && index + 1 < lines.length) {
        index += 1;
        rest += ` ${stripComment(lines[index] ?? '').trim()}`;
      }
      const items: string[] = [];
      let body = rest.slice(1).trim();
      while (body !== '' && !body.startsWith(']')) {
        const read = readString(body);
        if (!read) break;
        items.push(read[0]);
        body = read[1].trim().replace(/^,/, '').trim();
      }
      table(current).set(key, items);
    } else {
      const read = readString(rest);
      if (read) table(current).set(key, read[0]);
    }
  }
  return tables;
};

const asString = (value: Value | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

export const parsePyproject = (text: string): Pyproject => {
  const tables = parseTomlTables(text);
  const project = tables.get('project') ?? new Map<string, Value>();
  const dependencies = project.get('dependencies');
  const scripts: ConsoleScript[] = [];
  for (const [name, target] of tables.get('project.scripts') ?? []) {
    const match = typeof target === 'string' ? /^([A-Za-z_][\w.]*)(?::([A-Za-z_][\w.]*))?$/.exec(target.trim()) : null;
    if (match?.[1] !== undefined) scripts.push({ name, module: match[1], func: match[2] ?? '' });
  }
  const name = asString(project.get('name'));
  const buildBackend = asString(tables.get('build-system')?.get('build-backend'));
  const readme = asString(project.get('readme'));
  return {
    ...(name !== undefined ? { name } : {}),
    dependencies: Array.isArray(dependencies) ? dependencies : [],
    scripts,
    ...(buildBackend !== undefined ? { buildBackend } : {}),
    ...(readme !== undefined ? { readme } : {}),
  };
};
