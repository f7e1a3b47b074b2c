/**
 * The command line of the package's bin (bin/docker-best.ts): the generator without a global `yo`.
 *
 *   npx docker-best [generator] [options]      generator: dockerfile, dockerignore, build, compose, docs
 *
 * Options come from the generator itself (the answers model), so --help lists every one. A user error
 * (a refused value, a missing answer) prints one line and exits 1; --debug adds the stack trace.
 */
import { fileURLToPath } from 'node:url';
import { addEnvironmentOptions, createEnv } from 'yeoman-environment';
import { isUserError } from './errors.js';
import { destinationsOf, FILE_NAMES, FILES } from './files.js';

/** Sub-generators reachable as the first argument, with what they write: one per generated file, and team. */
export const SUBGENERATORS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(FILE_NAMES.map((name) => [name, destinationsOf(FILES[name]).join(' or ')])),
  team: 'a team template pack (templates, preset, package.json, README)',
};

/** File-system errors that are the machine's state, not a bug: reported in one line. */
const FS_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EISDIR', 'ENOTDIR']);

export const main = async (argv: readonly string[]): Promise<void> => {
  const debug = argv.includes('--debug');
  const rest = argv.filter((arg) => arg !== '--debug');
  const first = rest[0];
  const sub = first !== undefined && Object.hasOwn(SUBGENERATORS, first) ? first : undefined;
  const generatorArgs = sub === undefined ? rest : rest.slice(1);
  const folder = sub ?? 'app';
  const namespace = sub === undefined ? 'docker-best:app' : `docker-best:${sub}`;
  const resolved = fileURLToPath(new URL(`../generators/${folder}/index.js`, import.meta.url));

  const env = createEnv();
  const meta = env.register(resolved, { namespace });

  // Yeoman's own options (--force, --dry-run, --bail, --skip-install, ...) come with the command.
  const command = addEnvironmentOptions();
  command
    .name('docker-best')
    .usage(
      sub === undefined ? '[generator] [options]' : sub === 'team' ? 'team [folder] [options]' : `${sub} [options]`,
    )
    .description(
      sub === undefined
        ? 'Write a production Docker setup for a Python project: Dockerfile, .dockerignore, build.sh, compose.yaml and README.Docker.md.'
        : sub === 'team'
          ? "Write a team template pack: the built-in templates to edit, a preset with the team's answers, a package.json and a README."
          : `Write only ${SUBGENERATORS[sub] ?? sub}.`,
    )
    .option('--debug', 'Print stack traces of errors')
    .showHelpAfterError();
  command.env = env;
  command.registerGenerator(await meta.instantiateHelp());
  if (sub === undefined) {
    const list = Object.entries(SUBGENERATORS)
      .map(([name, file]) => `  ${name.padEnd(14)} writes ${name === 'team' ? '' : 'only '}${file}`)
      .join('\n');
    command.addHelpText('after', `\nGenerators (first argument; default: all of them):\n${list}\n`);
  }

  command.action(async function (this: typeof command) {
    // Yeoman reserves options.env for the Environment: the generator reads --env itself (src/yeoman.ts).
    const options = this.opts<Record<string, unknown>>();
    delete options.env;
    const generator = await meta.instantiate(this.args, options);
    await env.runGenerator(generator);
  });

  try {
    await command.parseAsync(['node', 'docker-best', ...generatorArgs]);
  } catch (error) {
    const fsError = error as Partial<NodeJS.ErrnoException>;
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
    process.exitCode = 1;
  }
};
