/**
 * The command line of the package's bin (bin/docker-best.ts): the generator without a global `yo`.
 *
 *   npx generator-docker-best [generator] [options]
 *
 * The options are the answers model's (one per question), the team settings, and the few of Yeoman's that a
 * user needs (--force, --dry-run, --skip-install); --help shows them with examples and nothing of Yeoman's
 * internals. A user error (a refused value, a missing answer) prints one line and exits 1 (--debug adds the
 * stack trace); Ctrl-C at a prompt exits 130 with one line, having written nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { createEnv } from 'yeoman-environment';
import { questionNamed, type AnswerName } from './answers.js';
import { isInterrupt, isUserError } from './errors.js';
import { FILE_NAMES, FILES } from './files.js';
import { COMMON_OPTIONS } from './generator.js';
import { packageRoot } from './templates.js';

/** Sub-generators reachable as the first argument, with what they write: one per generated file, and team. */
export const SUBGENERATORS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(FILE_NAMES.map((name) => [name, FILES[name].destination])),
  team: 'a team template pack (templates, preset, package.json, README)',
};

/** The bin as users run it (the package has one bin, so npx runs it by the package's name). */
export const COMMAND = 'npx generator-docker-best';

/** Yeoman's options a user needs, passed to the Environment as they are. */
const YEOMAN_OPTIONS: readonly { readonly flags: string; readonly description: string }[] = [
  { flags: '--force', description: 'Overwrite files that differ from what would be written, without asking' },
  { flags: '--dry-run', description: 'Show what would change, write nothing' },
  { flags: '--skip-install', description: "Yeoman's install step (docker-best installs nothing)" },
];

const EXAMPLES = [
  [`${COMMAND}`, 'ask, with what the project shows as the defaults'],
  [`${COMMAND} --defaults`, 'take every default, ask nothing (CI)'],
  [`${COMMAND} --defaults --entry "gunicorn shop.wsgi"`, 'say what the container runs'],
  [`${COMMAND} compose --port 9000`, 'refresh one file with one answer changed'],
  [`${COMMAND} team acme-docker-pack`, "write a team pack: templates to edit, the team's answers"],
  ['yo docker-best:dockerfile', 'the same with a global yo (npm install -g yo generator-docker-best)'],
] as const;

/** File-system errors that are the machine's state, not a bug: reported in one line. */
const FS_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EISDIR', 'ENOTDIR']);

/** Exit status of a run interrupted by Ctrl-C, as shells report SIGINT. */
export const INTERRUPTED = 130;

export const packageVersion = (): string => {
  const json = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  return typeof json.version === 'string' ? json.version : 'unknown';
};

const DESCRIPTION = {
  app: `Write a production Docker setup for a Python project: ${FILE_NAMES.map((name) => FILES[name].destination).join(', ')}.`,
  team: "Write a team template pack: the built-in templates to edit, a preset with the team's answers, a package.json and a README.",
};

/** The command for one generator: its answers as options, the team settings, and Yeoman's few. */
const buildCommand = (sub: string | undefined, needs: readonly AnswerName[]): Command => {
  const command = new Command(COMMAND)
    .usage(
      sub === undefined ? '[generator] [options]' : sub === 'team' ? 'team [folder] [options]' : `${sub} [options]`,
    )
    .description(
      sub === undefined
        ? DESCRIPTION.app
        : sub === 'team'
          ? DESCRIPTION.team
          : `Write only ${SUBGENERATORS[sub] ?? sub}.`,
    )
    .helpOption('-h, --help', 'Show this help')
    .version(packageVersion(), '-v, --version', 'Show the version')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  if (sub === 'team') command.argument('[folder]', 'Where to write the pack', 'docker-best-team');
  for (const name of needs) command.addOption(new Option(`--${name} <value>`, questionNamed(name).description));
  for (const option of COMMON_OPTIONS) {
    command.addOption(
      new Option(option.type === Boolean ? `--${option.name}` : `--${option.name} <value>`, option.description),
    );
  }
  for (const option of YEOMAN_OPTIONS) command.addOption(new Option(option.flags, option.description));
  command.addOption(new Option('--debug', 'Print stack traces of errors'));
  const lines: string[] = [];
  if (sub === undefined) {
    lines.push('', 'Generators (first argument; default: all of them):');
    for (const [name, writes] of Object.entries(SUBGENERATORS)) {
      lines.push(`  ${name.padEnd(14)} writes ${name === 'team' ? '' : 'only '}${writes}`);
    }
  }
  lines.push('', 'Examples:');
  const width = Math.max(...EXAMPLES.map(([example]) => example.length));
  for (const [example, what] of EXAMPLES) lines.push(`  ${example.padEnd(width)}  ${what}`);
  lines.push('', 'Answers are stored in .yo-rc.json; a re-run reuses them and asks nothing.');
  command.addHelpText('after', `${lines.join('\n')}\n`);
  return command;
};

/** Report a failed run: one line for what the user can fix, the whole error for a bug. */
const report = (error: unknown, debug: boolean): number => {
  const fsError = error as Partial<NodeJS.ErrnoException>;
  if (isInterrupt(error) && !debug) {
    process.stderr.write('docker-best: interrupted: nothing was written\n');
    return INTERRUPTED;
  }
  if (isUserError(error) && !debug) {
    process.stderr.write(`docker-best: ${error.message}\n`);
  } else if (
    !debug &&
    typeof fsError.code === 'string' &&
    typeof fsError.path === 'string' &&
    FS_CODES.has(fsError.code)
  ) {
    // Writing failed part-way (disk full, permissions changed under us): one line, what and where.
    process.stderr.write(
      `docker-best: could not write ${fsError.path}: ${fsError.code} (${fsError.syscall ?? 'write'}); rerun with --debug for details\n`,
    );
  } else {
    process.stderr.write(`docker-best: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  return 1;
};

export const main = async (argv: readonly string[]): Promise<void> => {
  // Output piped into `head` that stops reading is not an error of ours.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  const debug = argv.includes('--debug');
  const first = argv[0];
  const sub = first !== undefined && Object.hasOwn(SUBGENERATORS, first) ? first : undefined;
  const generatorArgs = sub === undefined ? argv : argv.slice(1);
  const folder = sub ?? 'app';
  const namespace = sub === undefined ? 'docker-best:app' : `docker-best:${sub}`;
  const resolved = fileURLToPath(new URL(`../generators/${folder}/index.js`, import.meta.url));

  const env = createEnv();
  const meta = env.register(resolved, { namespace });
  const help = (await meta.instantiateHelp()) as unknown as { needs?: readonly AnswerName[] };
  const command = buildCommand(sub, help.needs ?? []);
  command.action(async function (this: Command) {
    const options = this.opts<Record<string, unknown>>();
    // Yeoman reserves options.env for the Environment: the generator reads --env itself (src/yeoman.ts).
    delete options.env;
    delete options.debug;
    const generator = await meta.instantiate(this.args, options);
    await env.runGenerator(generator);
  });

  try {
    await command.parseAsync(['node', COMMAND, ...generatorArgs]);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return; // --help, --version
      process.stderr.write(`docker-best: ${error.message.replace(/^error: /, '')} (see --help)\n`);
      process.exitCode = 1;
      return;
    }
    process.exitCode = report(error, debug);
  }
};
