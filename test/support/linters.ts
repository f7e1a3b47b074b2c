/**
 * The external linters the generated files must pass with zero findings (SPEC section 7), one function per
 * linter, each returning findings in one shape, and the count of the inline suppressions that silence them.
 *
 * - dockerlinter (npm, hadolint's rules; it runs shellcheck on every RUN line), all levels
 * - dockerfile-utils validation, every check on
 * - the Compose Specification JSON schema (shipped by dclint), with ajv
 * - dclint, errors and warnings, with the project's .dclintrc.yaml
 * - shellcheck on build.sh, all severities
 * - shellcheck on each RUN line of the Dockerfile, straight from the file: dockerlinter feeds RUN lines to
 *   shellcheck through `echo '<line>'`, which re-escapes quotes and backslashes; this check sees them as written.
 *
 * Everything here works on absolute paths: yeoman-test changes the process's working directory.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import * as dclintModule from 'dclint';
import { DockerfileParser, type Instruction, type Run } from 'dockerfile-ast';
import { validate as validateDockerfile, ValidationCode, ValidationSeverity } from 'dockerfile-utils';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';

export interface Finding {
  readonly tool: string;
  readonly file: string;
  readonly line: number;
  readonly rule: string;
  readonly message: string;
}

/** The repository root (this file runs as dist/test/support/linters.js). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const require = createRequire(import.meta.url);

/** Where a package is installed (its package.json's folder). */
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

const INSTALL_HINT = 'run `npm ci` and `bash scripts/install-lint-tools.sh`';

// ---------------------------------------------------------------------------------------------------------
// Processes

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a program without a shell; a non-zero exit is a result, not an error. */
const run = (command: string, args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<Ran> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => reject(new Error(`${command}: ${error.message} (${INSTALL_HINT})`)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

/** A scratch folder for one run, removed afterwards. */
const withScratch = async <T>(use: (dir: string) => Promise<T>): Promise<T> => {
  const dir = mkdtempSync(join(tmpdir(), 'docker-best-lint-'));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const toolError = (tool: string, file: string, message: string): Finding => ({
  tool,
  file,
  line: 0,
  rule: 'tool-error',
  message: message.trim().slice(0, 2000),
});

// ---------------------------------------------------------------------------------------------------------
// Shells of RUN lines

/** Shell dialects shellcheck knows, by the basename of the shell program. */
const SHELLCHECK_DIALECTS: Readonly<Record<string, string>> = {
  sh: 'sh',
  ash: 'sh', // busybox, Alpine's /bin/sh: POSIX sh is the dialect to hold it to
  dash: 'dash',
  bash: 'bash',
  ksh: 'ksh',
  mksh: 'ksh',
};

export interface RunScript {
  /** 1-based line of the RUN instruction. */
  readonly line: number;
  /** The shell text, laid out on the same lines and columns as in the Dockerfile. */
  readonly script: string;
  /** The shell program that runs it: `/bin/sh` unless a SHELL instruction says otherwise. */
  readonly shell: string;
  /** Codes a `# linter ignore=` comment right above the RUN turns off. */
  readonly ignored: readonly string[];
}

/** `# linter ignore=EF0003,SC2086 reason` (dockerlinter's marker; `# hadolint ignore=` matches it too). */
const LINTER_IGNORE_RE = /#\s*(?:hado)?linter\s+ignore=([A-Za-z0-9,]+)(.*)$/i;

/**
 * The RUN instructions of a Dockerfile in shell form, as scripts, with the shell each runs in: `/bin/sh`
 * (dash on Debian, busybox ash on Alpine) unless a SHELL instruction of the file says otherwise. A base image
 * may carry a SHELL of its own (the Jupyter images set bash); holding its RUN lines to POSIX sh is stricter.
 */
export const runScripts = (content: string): RunScript[] => {
  const dockerfile = DockerfileParser.parse(content);
  const lines = content.split('\n');
  const stageShell = new Map<string, string>();
  let shell = '/bin/sh';
  let stage = '';
  const scripts: RunScript[] = [];
  const keep = (): void => {
    if (stage !== '') stageShell.set(stage.toLowerCase(), shell);
  };
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      keep();
      const [image, as, name] = instruction.getArguments().map((argument) => argument.getValue());
      // A stage built FROM an earlier stage inherits its SHELL.
      shell = stageShell.get((image ?? '').toLowerCase()) ?? '/bin/sh';
      stage = as?.toUpperCase() === 'AS' && name !== undefined ? name : '';
    } else if (keyword === 'SHELL') {
      const program = jsonStrings(instruction)[0];
      if (program !== undefined) shell = program;
    } else if (keyword === 'RUN' && jsonStrings(instruction).length === 0) {
      const range = instruction.getArgumentsRange();
      if (range === null) continue;
      const body: string[] = [];
      for (let index = range.start.line; index <= range.end.line; index += 1) {
        let text = lines[index] ?? '';
        if (index === range.end.line) text = text.slice(0, range.end.character);
        if (index === range.start.line) text = ' '.repeat(range.start.character) + text.slice(range.start.character);
        // The builder drops comment and blank lines inside an instruction; a lone backslash keeps the
        // continuation going in the shell while keeping line numbers aligned.
        else if (/^\s*(#.*)?$/.test(text)) text = '\\';
        body.push(text);
      }
      const start = instruction.getRange().start.line;
      const marker = LINTER_IGNORE_RE.exec(lines[start - 1] ?? '');
      scripts.push({
        line: start + 1,
        script: `${body.join('\n')}\n`,
        shell,
        ignored: marker?.[1]?.split(',').map((code) => code.toUpperCase()) ?? [],
      });
    }
  }
  return scripts;
};

const jsonStrings = (instruction: Instruction): string[] => {
  const withJson = instruction as Instruction & { getJSONStrings?: () => { getJSONValue(): string }[] };
  return typeof withJson.getJSONStrings === 'function'
    ? withJson.getJSONStrings().map((argument) => argument.getJSONValue())
    : [];
};

const dialectOf = (shell: string): string | undefined => SHELLCHECK_DIALECTS[basename(shell)];

// ---------------------------------------------------------------------------------------------------------
// dockerlinter

const DOCKERLINTER_BIN = (): string => join(packageDir('dockerlinter'), 'bin', 'dockerfilelinter');

/** The PATH dockerlinter runs shellcheck with: its own node_modules/.bin first, as it sets it itself. */
const dockerlinterPath = (): string =>
  [join(packageDir('dockerlinter'), 'node_modules', '.bin'), process.env.PATH].join(':');

/**
 * dockerlinter on a Dockerfile, every level (info, warning, error), with shellcheck on the RUN lines in the
 * dialect of the shell they run in. It writes temp<N>.sh files in its working directory, so each run gets
 * its own scratch folder (which also keeps it from picking up ignore lists next to the file).
 */
export const dockerlinter = async (dir: string, file = 'Dockerfile'): Promise<Finding[]> => {
  const tool = 'dockerlinter';
  const content = readFileSync(join(dir, file), 'utf8');
  const shells = [...new Set(runScripts(content).map((script) => script.shell))];
  const dialects = [...new Set(shells.map(dialectOf))];
  const [dialect] = dialects;
  if (dialects.length > 1 || (shells.length > 0 && dialect === undefined)) {
    return [toolError(tool, file, `RUN lines use shells dockerlinter cannot check as one: ${shells.join(', ')}`)];
  }
  return withScratch(async (scratch) => {
    writeFileSync(join(scratch, 'Dockerfile'), content);
    const ran = await run(
      process.execPath,
      [DOCKERLINTER_BIN(), '-f', 'Dockerfile', '-s', dialect ?? 'sh', '-j'],
      scratch,
      { ...process.env, PATH: dockerlinterPath() },
    );
    const out = ran.stdout.trim();
    if (ran.code !== 0 || ran.stderr.trim() !== '') {
      return [toolError(tool, file, `exit ${String(ran.code)}: ${ran.stderr}${out}`)];
    }
    if (out === '') return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(out);
    } catch {
      // Its shellcheck step logs failures (e.g. no shellcheck on PATH) to stdout before the JSON.
      return [toolError(tool, file, out)];
    }
    if (!Array.isArray(parsed)) return [toolError(tool, file, out)];
    const flagged = runFlagLines(content);
    return parsed.flatMap((item: unknown): Finding[] => {
      if (isRecord(item) && isRunFlagMisreading(item, flagged)) return [];
      return [dockerlinterFinding(item, file)];
    });
  });
};

/** RUN's own flags (BuildKit's `--mount`, `--network`, `--security`), not the shell command's. */
const RUN_FLAGS = new Set(['mount', 'network', 'security']);

/** 1-based lines of the RUN instructions that carry RUN's own flags. */
export const runFlagLines = (content: string): ReadonlySet<number> =>
  new Set(
    DockerfileParser.parse(content)
      .getInstructions()
      .filter(
        (instruction) =>
          instruction.getKeyword() === 'RUN' &&
          (instruction as Run).getFlags().some((flag) => RUN_FLAGS.has(flag.getName())),
      )
      .map((instruction) => instruction.getRange().start.line + 1),
  );

/**
 * dockerlinter 1.2.2 hands the whole RUN line, its own `--mount=...` flags included, to shellcheck, which then
 * reads the first flag as the command name and answers SC2215 ("This flag is used as a command name"). That is
 * a bug of the port, not of the Dockerfile: exactly that finding, on a RUN that has such flags, is dropped.
 * The shell command itself is still checked, by dockerlinter's other rules and by shellcheckRuns, which
 * leaves the flags out.
 */
export const isRunFlagMisreading = (item: Record<string, unknown>, flagged: ReadonlySet<number>): boolean =>
  item.code === 'SC2215' && typeof item.lineNumber === 'number' && flagged.has(item.lineNumber);

const dockerlinterFinding = (item: unknown, file: string): Finding => {
  const tool = 'dockerlinter';
  if (!isRecord(item)) return toolError(tool, file, JSON.stringify(item));
  return {
    tool,
    file,
    line: typeof item.lineNumber === 'number' ? item.lineNumber : 0,
    rule: String(item.code),
    message: `${String(item.level)}: ${String(item.message)}`,
  };
};

// ---------------------------------------------------------------------------------------------------------
// dockerfile-utils

/** Every check dockerfile-utils has a setting for, reported. */
const DOCKERFILE_UTILS_SETTINGS = {
  deprecatedMaintainer: ValidationSeverity.WARNING,
  directiveCasing: ValidationSeverity.WARNING,
  emptyContinuationLine: ValidationSeverity.WARNING,
  instructionCasing: ValidationSeverity.WARNING,
  instructionCmdMultiple: ValidationSeverity.WARNING,
  instructionEntrypointMultiple: ValidationSeverity.WARNING,
  instructionHealthcheckMultiple: ValidationSeverity.WARNING,
  instructionJSONInSingleQuotes: ValidationSeverity.WARNING,
  instructionWorkdirRelative: ValidationSeverity.WARNING,
};

export const dockerfileUtils = (dir: string, file = 'Dockerfile'): Finding[] =>
  validateDockerfile(readFileSync(join(dir, file), 'utf8'), DOCKERFILE_UTILS_SETTINGS).map((diagnostic) => {
    const code = typeof diagnostic.code === 'number' ? ValidationCode[diagnostic.code] : undefined;
    return {
      tool: 'dockerfile-utils',
      file,
      line: diagnostic.range.start.line + 1,
      rule: code ?? String(diagnostic.code),
      message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
    };
  });

// ---------------------------------------------------------------------------------------------------------
// Compose Specification schema

export const COMPOSE_SCHEMA_FILE = (): string => join(packageDir('dclint'), 'schemas', 'compose.schema.json');

let composeValidator: ValidateFunction | undefined;

/** The schema as dclint ships it: draft-07, named by its https URL, with union types. */
const composeSchemaValidator = (): ValidateFunction => {
  if (composeValidator) return composeValidator;
  const schema: unknown = JSON.parse(readFileSync(COMPOSE_SCHEMA_FILE(), 'utf8'));
  if (!isRecord(schema)) throw new Error(`${COMPOSE_SCHEMA_FILE()} is not a JSON schema`);
  // strictTypes is about how the schema is written (it mixes union types), not about the files checked.
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  const draft07 = ajv.getSchema('http://json-schema.org/draft-07/schema')?.schema;
  if (typeof schema.$schema === 'string' && isRecord(draft07) && ajv.getSchema(schema.$schema) === undefined) {
    ajv.addMetaSchema({ ...draft07, $id: schema.$schema });
  }
  composeValidator = ajv.compile(schema);
  return composeValidator;
};

/** The line of the deepest node of `path` that the document has. */
const lineOf = (document: Document, counter: LineCounter, path: readonly string[]): number => {
  for (let length = path.length; length >= 0; length -= 1) {
    const keys = path.slice(0, length).map((key) => (/^\d+$/.test(key) ? Number(key) : key));
    const node: unknown = length === 0 ? document.contents : document.getIn(keys, true);
    if (isRecord(node) && Array.isArray(node.range) && typeof node.range[0] === 'number') {
      return counter.linePos(node.range[0]).line;
    }
  }
  return 1;
};

const schemaMessage = (error: ErrorObject): string =>
  `${error.instancePath || '/'} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`;

export const composeSchema = (dir: string, file = 'compose.yaml'): Finding[] => {
  const tool = 'compose-schema';
  const counter = new LineCounter();
  const document = parseDocument(readFileSync(join(dir, file), 'utf8'), { lineCounter: counter });
  if (document.errors.length > 0) {
    return document.errors.map((error) => ({
      tool,
      file,
      line: error.linePos?.[0].line ?? 0,
      rule: error.code,
      message: error.message,
    }));
  }
  const validator = composeSchemaValidator();
  if (validator(document.toJS())) return [];
  return (validator.errors ?? []).map((error) => {
    const path = error.instancePath
      .split('/')
      .slice(1)
      .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
    const extra = isRecord(error.params) ? error.params.additionalProperty : undefined;
    return {
      tool,
      file,
      line: lineOf(document, counter, typeof extra === 'string' ? [...path, extra] : path),
      rule: error.keyword,
      message: schemaMessage(error),
    };
  });
};

// ---------------------------------------------------------------------------------------------------------
// dclint

export const DCLINT_CONFIG_FILE = join(REPO_ROOT, '.dclintrc.yaml');

/** dclint's config as its DCLinter class takes it. */
interface DclintOptions {
  readonly rules: Readonly<Record<string, unknown>>;
  readonly quiet: boolean;
  readonly debug: boolean;
  readonly exclude: readonly string[];
}

/** What DCLinter.lintFiles returns, as far as the suite reads it. */
interface DclintResult {
  readonly messages: readonly {
    readonly rule: string;
    readonly type: string;
    readonly message: string;
    readonly line: number;
  }[];
}

/**
 * dclint's class, typed here: its .d.ts files import each other without file extensions, which NodeNext
 * resolution cannot follow, so TypeScript sees no types for them.
 */
const DCLinter = Reflect.get(dclintModule, 'DCLinter') as new (config: DclintOptions) => {
  lintFiles(paths: string[], recursive: boolean): DclintResult[];
};

export interface DclintConfig {
  /** What DCLinter takes. */
  readonly config: DclintOptions;
  /** Rules the project turns off, each with the reason given next to it. */
  readonly off: readonly { readonly rule: string; readonly reason: string }[];
}

let dclintLoaded: DclintConfig | undefined;

/**
 * The project's .dclintrc.yaml (YAML, which dclint's own CLI reads too), checked against dclint's config schema.
 * Every rule it turns off must say why in a comment on its line.
 */
export const dclintConfig = (): DclintConfig => {
  if (dclintLoaded) return dclintLoaded;
  const document = parseDocument(readFileSync(DCLINT_CONFIG_FILE, 'utf8'));
  if (document.errors.length > 0) throw new Error(`${DCLINT_CONFIG_FILE}: ${document.errors[0]?.message ?? ''}`);
  const raw: unknown = document.toJS();
  const schema: unknown = JSON.parse(
    readFileSync(join(packageDir('dclint'), 'schemas', 'linter-config.schema.json'), 'utf8'),
  );
  if (!isRecord(schema) || !isRecord(raw)) throw new Error(`${DCLINT_CONFIG_FILE} must be a mapping`);
  const ajv = new Ajv({ allErrors: true, strict: false });
  const check = ajv.compile(schema);
  if (!check(raw)) throw new Error(`${DCLINT_CONFIG_FILE}: ${ajv.errorsText(check.errors)}`);
  const off: { rule: string; reason: string }[] = [];
  const rules = document.get('rules', true);
  if (isMap(rules)) {
    for (const pair of rules.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const level: unknown = isScalar(pair.value) ? pair.value.value : undefined;
      if (level !== 0) continue;
      const reason = (isScalar(pair.value) ? pair.value.comment : undefined)?.trim() ?? '';
      if (reason === '')
        throw new Error(`${DCLINT_CONFIG_FILE}: rule ${String(pair.key.value)} is off without a reason`);
      off.push({ rule: String(pair.key.value), reason });
    }
  }
  const config: DclintOptions = {
    quiet: raw.quiet === true,
    debug: raw.debug === true,
    exclude: Array.isArray(raw.exclude) ? raw.exclude.map(String) : [],
    rules: isRecord(raw.rules) ? raw.rules : {},
  };
  dclintLoaded = { config, off };
  return dclintLoaded;
};

/** dclint with the project config: every error and warning, including its YAML and schema checks. */
export const dclint = (dir: string, file = 'compose.yaml'): Finding[] => {
  const linter = new DCLinter(dclintConfig().config);
  const results: readonly DclintResult[] = linter.lintFiles([join(dir, file)], false);
  return results.flatMap((result) =>
    result.messages.map((message) => ({
      tool: 'dclint',
      file,
      line: message.line,
      rule: String(message.rule),
      message: `${message.type}: ${message.message}`,
    })),
  );
};

// ---------------------------------------------------------------------------------------------------------
// shellcheck

export const SHELLCHECK = 'shellcheck';

/** The shellcheck found on PATH (Debian's), or an error saying how to install it. */
export const shellcheckVersion = async (path = process.env.PATH): Promise<string> => {
  const ran = await run(SHELLCHECK, ['--version'], REPO_ROOT, { ...process.env, PATH: path }).catch(
    (error: unknown) => {
      throw new Error(`shellcheck is not installed: ${INSTALL_HINT} (${String(error)})`);
    },
  );
  const version = /^version:\s*(\S+)/m.exec(ran.stdout)?.[1];
  if (ran.code !== 0 || !ran.stdout.includes('ShellCheck') || version === undefined) {
    throw new Error(`"${SHELLCHECK} --version" did not answer as ShellCheck: ${ran.stdout}${ran.stderr}`);
  }
  return version;
};

/** Make sure the tools can run: shellcheck on PATH, also the PATH dockerlinter runs it with. */
export const requireTools = async (): Promise<string> => {
  if (!existsSync(DOCKERLINTER_BIN())) throw new Error(`dockerlinter is not installed: ${INSTALL_HINT}`);
  const version = await shellcheckVersion();
  await shellcheckVersion(dockerlinterPath());
  return version;
};

export const INSTALL_SCRIPT = join(REPO_ROOT, 'scripts', 'install-lint-tools.sh');

/** Time for apt-get update and install. */
export const INSTALL_TIMEOUT = 10 * 60_000;

let toolsReady: Promise<string> | undefined;

/**
 * The tools, installed when missing: the npm ones come with `npm ci`; Debian's shellcheck is installed by
 * scripts/install-lint-tools.sh (as root, or through sudo). Resolves to the shellcheck version.
 */
export const ensureTools = (): Promise<string> => {
  toolsReady ??= (async () => {
    if (!existsSync(DOCKERLINTER_BIN())) throw new Error(`dockerlinter is not installed: ${INSTALL_HINT}`);
    try {
      return await requireTools();
    } catch (missing) {
      const ran = await run('bash', [INSTALL_SCRIPT], REPO_ROOT);
      if (ran.code !== 0) {
        throw new Error(
          `${String(missing)}\nscripts/install-lint-tools.sh failed (exit ${String(ran.code)}): ${ran.stderr.trim()}`,
        );
      }
      return requireTools();
    }
  })();
  return toolsReady;
};

interface ShellcheckComment {
  readonly file: string;
  readonly line: number;
  readonly code: number;
  readonly level: string;
  readonly message: string;
}

const shellcheckJson = async (
  files: readonly string[],
  cwd: string,
  extra: readonly string[],
): Promise<ShellcheckComment[]> => {
  // --norc: no ~/.shellcheckrc or project rc can turn checks off behind the suite's back. -S style: all severities.
  const ran = await run(SHELLCHECK, ['--norc', '-S', 'style', '-f', 'json1', ...extra, ...files], cwd);
  let parsed: unknown;
  try {
    parsed = JSON.parse(ran.stdout);
  } catch {
    throw new Error(`shellcheck failed (exit ${String(ran.code)}): ${ran.stderr}${ran.stdout}`);
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.comments) || (ran.code !== 0 && ran.code !== 1)) {
    throw new Error(`shellcheck failed (exit ${String(ran.code)}): ${ran.stderr}${ran.stdout}`);
  }
  return parsed.comments.filter(isRecord).map((comment) => ({
    file: String(comment.file),
    line: Number(comment.line),
    code: Number(comment.code),
    level: String(comment.level),
    message: String(comment.message),
  }));
};

/** shellcheck on a script (build.sh): all severities, the dialect from its shebang. */
export const shellcheckScript = async (dir: string, file = 'build.sh'): Promise<Finding[]> => {
  try {
    const comments = await shellcheckJson([file], dir, []);
    return comments.map((comment) => ({
      tool: 'shellcheck',
      file,
      line: comment.line,
      rule: `SC${comment.code}`,
      message: `${comment.level}: ${comment.message}`,
    }));
  } catch (error) {
    return [toolError('shellcheck', file, String(error))];
  }
};

/**
 * shellcheck on each RUN line in shell form, taken from the Dockerfile as written, in its shell's dialect,
 * honouring the same `# linter ignore=SC....` comment dockerlinter does.
 */
export const shellcheckRuns = async (dir: string, file = 'Dockerfile'): Promise<Finding[]> => {
  const tool = 'shellcheck (RUN)';
  const scripts = runScripts(readFileSync(join(dir, file), 'utf8'));
  if (scripts.length === 0) return [];
  return withScratch(async (scratch) => {
    const findings: Finding[] = [];
    // One shellcheck per dialect and ignore list; each RUN is its own file.
    const groups = new Map<string, { dialect: string; ignored: readonly string[]; scripts: RunScript[] }>();
    for (const script of scripts) {
      const dialect = dialectOf(script.shell);
      if (dialect === undefined) {
        findings.push(toolError(tool, file, `line ${script.line}: shellcheck has no dialect for ${script.shell}`));
        continue;
      }
      const ignored = script.ignored.filter((code) => code.startsWith('SC'));
      const key = `${dialect} ${ignored.join(',')}`;
      const group = groups.get(key) ?? { dialect, ignored, scripts: [] };
      group.scripts.push(script);
      groups.set(key, group);
      writeFileSync(join(scratch, `run-${script.line}.sh`), script.script);
    }
    for (const group of groups.values()) {
      const names = group.scripts.map((script) => `run-${script.line}.sh`);
      const extra = ['-s', group.dialect, ...(group.ignored.length > 0 ? ['-e', group.ignored.join(',')] : [])];
      try {
        for (const comment of await shellcheckJson(names, scratch, extra)) {
          const start = Number(/^run-(\d+)\.sh$/.exec(comment.file)?.[1] ?? 0);
          findings.push({
            tool,
            file,
            line: start + comment.line - 1,
            rule: `SC${comment.code}`,
            message: `${comment.level}: ${comment.message}`,
          });
        }
      } catch (error) {
        findings.push(toolError(tool, file, String(error)));
      }
    }
    return findings;
  });
};

// ---------------------------------------------------------------------------------------------------------
// Suppressions

export interface Suppression {
  readonly file: string;
  readonly line: number;
  /** Which linter the marker speaks to. */
  readonly tool: string;
  readonly rules: readonly string[];
  readonly reason: string;
  /** The marker line as written, trimmed. */
  readonly text: string;
}

const SUPPRESSION_MARKERS: readonly { tool: string; pattern: RegExp; rules: (match: RegExpExecArray) => string[] }[] = [
  { tool: 'dockerlinter', pattern: LINTER_IGNORE_RE, rules: (match) => (match[1] ?? '').split(',') },
  {
    tool: 'shellcheck',
    pattern: /#\s*shellcheck\s+disable=([A-Za-z0-9,]+)(.*)$/,
    rules: (match) => (match[1] ?? '').split(','),
  },
  {
    // dclint reads every word after disable-line as a rule name; the reason follows a `--` (ignored as a rule).
    tool: 'dclint',
    pattern: /#\s*dclint\s+(disable(?:-line|-file)?)\b((?:\s+(?!--)\S+)*)(.*)$/,
    rules: (match) => (match[2] ?? '').trim().split(/\s+/).filter(Boolean),
  },
];

/** The generated files that can carry a suppression. */
export const LINTED_FILES = ['Dockerfile', 'build.sh', 'compose.yaml', '.dockerignore'] as const;

/** Every inline suppression marker in the linted files of `dir`. */
export const findSuppressions = (dir: string, files: readonly string[] = LINTED_FILES): Suppression[] => {
  const found: Suppression[] = [];
  for (const file of files) {
    if (!existsSync(join(dir, file))) continue;
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .forEach((text, index) => {
        for (const marker of SUPPRESSION_MARKERS) {
          const match = marker.pattern.exec(text);
          if (!match) continue;
          const reason = (match[match.length - 1] ?? '').replace(/^[\s#:–—-]+/, '').trim();
          found.push({
            file,
            line: index + 1,
            tool: marker.tool,
            rules: marker.rules(match),
            reason,
            text: text.trim(),
          });
        }
      });
  }
  return found;
};

/** A suppression must name its rules and say why. */
export const suppressionFindings = (dir: string): Finding[] =>
  findSuppressions(dir)
    .filter((suppression) => suppression.rules.length === 0 || suppression.reason.split(/\s+/).length < 3)
    .map((suppression) => ({
      tool: 'suppressions',
      file: suppression.file,
      line: suppression.line,
      rule: 'suppression-without-reason',
      message: `a suppression names the rule ids and says why, in a few words: ${suppression.text}`,
    }));

// ---------------------------------------------------------------------------------------------------------
// Everything

/** Every linter on the generated files in `dir`. */
export const lintGenerated = async (dir: string): Promise<Finding[]> => {
  const [fromDockerlinter, fromRuns, fromBuild] = await Promise.all([
    dockerlinter(dir),
    shellcheckRuns(dir),
    shellcheckScript(dir),
  ]);
  return [
    ...fromDockerlinter,
    ...fromRuns,
    ...dockerfileUtils(dir),
    ...composeSchema(dir),
    ...dclint(dir),
    ...fromBuild,
    ...suppressionFindings(dir),
  ];
};

export const formatFinding = (finding: Finding): string =>
  `${finding.file}:${finding.line} ${finding.tool} ${finding.rule} ${finding.message}`;
