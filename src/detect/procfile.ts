/**
 * A Procfile (Heroku, Dokku, honcho, foreman): its `web:` process as the command a container runs, and its
 * `release:` process as one-off steps. Lines are split into words as `sh -c` would (shell-quote), then read:
 *
 * - steps before `&&` or `;` in `web:` are one-offs (migrations), or dropped when the image build does them
 *   (`collectstatic`); a leading `cd DIR` becomes the server's own folder flag;
 * - flags whose value is a variable (`--bind 0.0.0.0:$PORT`, `--workers $WEB_CONCURRENCY`) are dropped: the
 *   Dockerfile adds the listen flags itself, and `${PORT:-5000}` gives the port;
 * - development servers (`flask run`, `manage.py runserver`, `fastapi dev`, `--reload`) are reported as such
 *   for the caller to replace with the production server of the app the code shows.
 */
import { parse as parseShell } from 'shell-quote';
import { flagValue, serverOf, withoutPythonM } from '../servers.js';

/** A word holding a variable is marked with this (a NUL never occurs in a Procfile word). */
const VAR = '\0';

export interface ProcfileLine {
  readonly name: string;
  /** The line after `name:`. */
  readonly command: string;
  /** Steps joined by `&&` or `;`, each as words; undefined when the line needs a shell for more (pipes, redirects). */
  readonly steps?: readonly (readonly string[])[];
}

/** The processes of a Procfile, in order; comments and blank lines skipped. */
export const readProcfile = (text: string): ProcfileLine[] => {
  const lines: ProcfileLine[] = [];
  for (const line of text.split(/\r?\n/).slice(0, 200)) {
    const match = /^([A-Za-z0-9_-]{1,64}):[ \t]*(\S.{0,2000})$/.exec(line.trim());
    if (match?.[1] === undefined || match[2] === undefined) continue;
    lines.push({ name: match[1], command: match[2], ...stepsOf(match[2]) });
  }
  return lines;
};

const stepsOf = (command: string): { steps?: string[][] } => {
  let words: ReturnType<typeof parseShell>;
  try {
    words = parseShell(command, (name) => `${VAR}${name}${VAR}`);
  } catch {
    return {};
  }
  const steps: string[][] = [[]];
  for (const word of words) {
    if (typeof word === 'string') steps[steps.length - 1]?.push(word);
    else if ('op' in word && (word.op === '&&' || word.op === ';')) steps.push([]);
    else if ('comment' in word) break;
    else return {};
  }
  const nonEmpty = steps.filter((step) => step.length > 0);
  return nonEmpty.length === 0 ? {} : { steps: nonEmpty };
};

/** Whether a word holds a variable. */
export const hasVariable = (word: string): boolean => word.includes(VAR);

/** A word as it was written (`$PORT` for a variable). */
export const shown = (word: string): string =>
  word.replace(/\0([^\0]*)\0/g, (_whole, name: string) => (/^\w+$/.test(name) ? `$${name}` : `\${${name}}`));

/** The default of a `${PORT:-5000}` word, if the word is one. */
const variableDefault = (word: string): string | undefined => /\0\w+:?-([^\0]*)\0/.exec(word)?.[1];

/** Programs that wrap the real command (an APM agent): left out, with a warning. */
const WRAPPERS: readonly (readonly string[])[] = [
  ['exec'],
  ['newrelic-admin', 'run-program'],
  ['ddtrace-run'],
  ['opentelemetry-instrument'],
];

/** What the `web:` process runs, as the caller needs to decide on the entry. */
export type WebProcess =
  /** A production server command, ready for exec form (variable flags dropped). */
  | {
      readonly kind: 'server';
      readonly argv: readonly string[];
      readonly port?: number;
      readonly notes: readonly string[];
    }
  /** A development server: `flask run` (with its `--app`), `manage.py runserver`, `fastapi dev`. */
  | {
      readonly kind: 'dev';
      readonly server: 'flask' | 'django';
      readonly app?: string;
      readonly notes: readonly string[];
    }
  /** `python app.py` or `python -m pkg`. */
  | { readonly kind: 'python'; readonly script?: string; readonly module?: string; readonly notes: readonly string[] }
  /** Not understood: a shell construct, a program we do not know, a variable we cannot drop. */
  | { readonly kind: 'unknown'; readonly reason: string };

export interface WebLine {
  readonly process: WebProcess;
  /** The steps before the server (`python manage.py migrate`), to run once. */
  readonly before: readonly (readonly string[])[];
  /** A leading `cd DIR`. */
  readonly dir?: string;
}

/** Flags of a server whose value is a word of its own, to drop with it when it holds a variable. */
const VALUE_FLAGS = new Set([
  '-b',
  '--bind',
  '-w',
  '--workers',
  '--port',
  '-p',
  '--host',
  '-h',
  '--threads',
  '-k',
  '--worker-class',
  '--timeout',
  '-t',
  '--log-level',
  '--server.port',
  '--server.address',
  '--listen',
  '--max-requests',
]);

const PORT_FLAGS = new Set(['-b', '--bind', '--port', '-p', '--server.port', '--listen']);

/** argv with every flag whose value holds a variable dropped; undefined when a variable is not a flag's value. */
const dropVariableFlags = (
  argv: readonly string[],
): { argv: string[]; port?: number; dropped: string[] } | undefined => {
  const out: string[] = [];
  const dropped: string[] = [];
  let port: number | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index] ?? '';
    const next = argv[index + 1];
    const eq = word.indexOf('=');
    const flag = word.startsWith('-') ? (eq === -1 ? word : word.slice(0, eq)) : undefined;
    const inline = flag !== undefined && eq !== -1 && hasVariable(word);
    const separate =
      flag !== undefined && eq === -1 && VALUE_FLAGS.has(flag) && next !== undefined && hasVariable(next);
    if (inline || separate) {
      const value = inline ? word.slice(eq + 1) : (next ?? '');
      if (PORT_FLAGS.has(flag)) {
        const fallback = variableDefault(value);
        const digits = fallback !== undefined && /^\d{1,5}$/.test(fallback) ? Number(fallback) : undefined;
        if (digits !== undefined && digits >= 1 && digits <= 65535) port = digits;
      }
      dropped.push(inline ? shown(word) : `${word} ${shown(value)}`);
      if (separate) index += 1;
      continue;
    }
    if (hasVariable(word)) return undefined;
    out.push(word);
  }
  return { argv: out, ...(port !== undefined ? { port } : {}), dropped };
};

const isPython = (word: string | undefined): boolean => /^python(?:3(?:\.\d+)?)?$/.test(word ?? '');

/** How the `web:` line's server part reads. */
export const readWeb = (line: ProcfileLine): WebLine => {
  if (line.steps === undefined) {
    return {
      process: { kind: 'unknown', reason: 'it needs a shell (a pipe, a redirect or a substitution)' },
      before: [],
    };
  }
  const steps = [...line.steps];
  let dir: string | undefined;
  const first = steps[0];
  if (first?.[0] === 'cd' && first.length === 2 && !hasVariable(first[1] ?? '') && steps.length > 1) {
    dir = (first[1] ?? '').replace(/^\.\//, '').replace(/\/+$/, '');
    steps.shift();
  }
  const server = steps.pop() ?? [];
  const before = steps;
  const notes: string[] = [];
  let argv = [...server];
  let leading = 0;
  while (leading < argv.length - 1 && /^[A-Za-z_]\w*=/.test(argv[leading] ?? '')) leading += 1;
  const assignments = argv.slice(0, leading);
  if (assignments.length > 0) {
    argv = argv.slice(assignments.length);
    notes.push(`left out ${assignments.map(shown).join(' ')} (set variables with --env)`);
  }
  for (const wrapper of WRAPPERS) {
    if (wrapper.every((word, index) => argv[index] === word) && argv.length > wrapper.length) {
      if (wrapper[0] !== 'exec') notes.push(`left out the ${wrapper.join(' ')} wrapper`);
      argv = argv.slice(wrapper.length);
    }
  }
  const result = (process: WebProcess): WebLine => ({ process, before, ...(dir !== undefined ? { dir } : {}) });
  const [program, second, third] = argv;
  if (isPython(program) && second === 'manage.py' && third === 'runserver') {
    return result({ kind: 'dev', server: 'django', notes });
  }
  if (isPython(program) && second !== undefined && second.endsWith('.py') && !hasVariable(second)) {
    if (second.endsWith('manage.py') && third === 'runserver') return result({ kind: 'dev', server: 'django', notes });
    return result({ kind: 'python', script: second, notes });
  }
  const { rest } = withoutPythonM(argv);
  if (
    isPython(program) &&
    second === '-m' &&
    third !== undefined &&
    serverOf(argv) === undefined &&
    !hasVariable(third)
  ) {
    return result({ kind: 'python', module: third, notes });
  }
  if (rest[0] === 'flask') {
    if (!rest.includes('run'))
      return result({ kind: 'unknown', reason: `${rest.map(shown).join(' ')} is not a server` });
    const app = flagValue(rest, ['--app', '-A']);
    return result({ kind: 'dev', server: 'flask', ...(app !== undefined ? { app } : {}), notes });
  }
  const known = serverOf(argv);
  if (known === undefined) {
    return result({ kind: 'unknown', reason: `${shown(program ?? '')} is not a server detection knows` });
  }
  const cleaned = dropVariableFlags(argv);
  if (cleaned === undefined) {
    return result({ kind: 'unknown', reason: 'a variable in it is not the value of a flag that can be dropped' });
  }
  let words = cleaned.argv;
  if (cleaned.dropped.length > 0)
    notes.push(`dropped ${cleaned.dropped.join(', ')}: the image sets the listen address`);
  // fastapi dev and --reload are for development.
  if (withoutPythonM(words).rest[0] === 'fastapi' && words.includes('dev')) {
    words = words.map((word) => (word === 'dev' ? 'run' : word));
    notes.push('fastapi dev became fastapi run');
  }
  if (words.includes('--reload')) {
    words = words.filter((word) => word !== '--reload');
    notes.push('dropped --reload, a development flag');
  }
  return result({
    kind: 'server',
    argv: words,
    ...(cleaned.port !== undefined ? { port: cleaned.port } : {}),
    notes,
  });
};

/** A step the image build does itself: Django's collectstatic. */
export const isBuildStep = (step: readonly string[]): boolean => step.includes('collectstatic');
