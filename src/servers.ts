/**
 * The servers a Python web app runs under, and what the generator must know of each: the program, the
 * package that provides it, its default port, how its command line names a port, how to make it listen on
 * every interface of the container, and its reloading variant for development.
 *
 * Pure functions over argv (exec-form words): detection reads a port from them, the Dockerfile context makes
 * a command reachable from outside the container, the development override asks for reloading.
 */

export interface Server {
  /** The program as argv[0] names it (after an optional `python -m`). */
  readonly program: string;
  /** The PyPI package that provides it, as the version catalogue pins it. */
  readonly package: string;
  /** The port it listens on when its flags name none. */
  readonly defaultPort: number;
  /** A production server (gunicorn, uvicorn) rather than a development one (flask run, manage.py runserver). */
  readonly production: boolean;
  /** The port its flags name, if any. */
  readonly port: (argv: readonly string[]) => number | undefined;
  /** The same command, made to listen on 0.0.0.0 at `port` (flags it already has are replaced). */
  readonly listen: (argv: readonly string[], port: number) => string[];
  /** The reloading variant for development, if the server has one. */
  readonly reload?: (argv: readonly string[]) => string[];
  /** A health route the server itself serves (Streamlit's `/_stcore/health`). */
  readonly healthPath?: string;
}

/** The value of a flag: `--name value`, `--name=value`, `-n value`, `-nvalue`; the last one wins. */
export const flagValue = (argv: readonly string[], names: readonly string[]): string | undefined => {
  let value: string | undefined;
  for (let index = 1; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    for (const name of names) {
      if (arg === name && index + 1 < argv.length) value = argv[index + 1];
      else if (name.startsWith('--') && arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1);
      else if (!name.startsWith('--') && arg.startsWith(name) && arg.length > name.length)
        value = arg.slice(name.length);
    }
  }
  return value;
};

/** argv without any occurrence of the flags `names` (and their values). */
export const withoutFlag = (argv: readonly string[], names: readonly string[]): string[] => {
  const out: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (index > 0 && names.includes(arg)) {
      index += 1;
      continue;
    }
    if (
      index > 0 &&
      names.some((name) => arg.startsWith(`${name}=`) || (!name.startsWith('--') && arg.startsWith(name)))
    )
      continue;
    out.push(arg);
  }
  return out;
};

/** A whole TCP port number, or undefined: `8000` yes; `08000`, `123456`, `$PORT` no. */
export const portNumber = (text: string | undefined): number | undefined => {
  if (text === undefined || !/^[1-9][0-9]{0,4}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
};

/** The port of a `HOST:PORT` bind address (`0.0.0.0:8000`, `:8000`, `[::]:8000`); none for unix sockets. */
export const bindPort = (bind: string | undefined): number | undefined => {
  if (bind === undefined || bind.startsWith('unix:') || bind.startsWith('fd://')) return undefined;
  const colon = bind.lastIndexOf(':');
  return colon === -1 ? portNumber(bind) : portNumber(bind.slice(colon + 1));
};

/** Insert words right after argv[0] ... argv[at-1]: servers take their flags after the program (or subcommand). */
const insertAfter = (argv: readonly string[], at: number, words: readonly string[]): string[] => [
  ...argv.slice(0, at),
  ...words,
  ...argv.slice(at),
];

const BIND = ['-b', '--bind'];

/** A server whose address is one `--bind HOST:PORT` flag (gunicorn, hypercorn). */
const bindServer = (program: string, pkg: string, reload?: Server['reload']): Server => ({
  program,
  package: pkg,
  defaultPort: 8000,
  production: true,
  port: (argv) => bindPort(flagValue(argv, BIND)),
  listen: (argv, port) => insertAfter(withoutFlag(argv, BIND), 1, ['--bind', `0.0.0.0:${port}`]),
  ...(reload ? { reload } : {}),
});

/** A server with separate `--host` and `--port` flags. */
const hostPortServer = (
  program: string,
  pkg: string,
  defaultPort: number,
  options: { production: boolean; subcommand?: string; portFlags?: readonly string[]; reloadFlag?: string },
): Server => {
  const portFlags = options.portFlags ?? ['--port'];
  const at = options.subcommand === undefined ? 1 : 2;
  return {
    program,
    package: pkg,
    defaultPort,
    production: options.production,
    port: (argv) => portNumber(flagValue(argv, portFlags)),
    listen: (argv, port) =>
      insertAfter(withoutFlag(withoutFlag(argv, ['--host', '-h']), portFlags), at, [
        '--host',
        '0.0.0.0',
        '--port',
        String(port),
      ]),
    ...(options.reloadFlag !== undefined
      ? {
          reload: (argv: readonly string[]) =>
            argv.includes(options.reloadFlag ?? '') ? [...argv] : insertAfter(argv, at, [options.reloadFlag ?? '']),
        }
      : {}),
  };
};

const STREAMLIT_PORT = ['--server.port'];

/** Streamlit takes its options after the script and the script's own arguments after `--`. */
const beforeScriptArgs = (argv: readonly string[], words: readonly string[]): string[] => {
  const end = argv.indexOf('--');
  return end === -1 ? [...argv, ...words] : insertAfter(argv, end, words);
};

export const SERVERS: readonly Server[] = [
  bindServer('gunicorn', 'gunicorn', (argv) =>
    argv.includes('--reload') ? [...argv] : insertAfter(argv, 1, ['--reload']),
  ),
  bindServer('hypercorn', 'hypercorn', (argv) =>
    argv.includes('--reload') ? [...argv] : insertAfter(argv, 1, ['--reload']),
  ),
  hostPortServer('uvicorn', 'uvicorn', 8000, { production: true, reloadFlag: '--reload' }),
  hostPortServer('fastapi', 'fastapi-cli', 8000, { production: true, subcommand: 'run' }),
  {
    program: 'streamlit',
    package: 'streamlit',
    defaultPort: 8501,
    production: true,
    port: (argv) => portNumber(flagValue(argv, STREAMLIT_PORT)),
    listen: (argv, port) =>
      beforeScriptArgs(withoutFlag(argv, ['--server.port', '--server.address', '--server.headless']), [
        '--server.address',
        '0.0.0.0',
        '--server.port',
        String(port),
        '--server.headless',
        'true',
      ]),
    healthPath: '/_stcore/health',
    // Streamlit reruns the script when its source changes.
    reload: (argv) => beforeScriptArgs(withoutFlag(argv, ['--server.runOnSave']), ['--server.runOnSave', 'true']),
  },
  {
    program: 'waitress-serve',
    package: 'waitress',
    defaultPort: 8080,
    production: true,
    port: (argv) => bindPort(flagValue(argv, ['--listen'])) ?? portNumber(flagValue(argv, ['--port'])),
    listen: (argv, port) =>
      insertAfter(withoutFlag(argv, ['--listen', '--port', '--host']), 1, [`--listen=0.0.0.0:${port}`]),
  },
  {
    program: 'daphne',
    package: 'daphne',
    defaultPort: 8000,
    production: true,
    port: (argv) => portNumber(flagValue(argv, ['-p', '--port'])),
    listen: (argv, port) =>
      insertAfter(withoutFlag(argv, ['-b', '--bind', '-p', '--port']), 1, [
        '--bind',
        '0.0.0.0',
        '--port',
        String(port),
      ]),
  },
  hostPortServer('flask', 'flask', 5000, {
    production: false,
    subcommand: 'run',
    portFlags: ['-p', '--port'],
    reloadFlag: '--debug',
  }),
];

/**
 * argv without a leading `python -m` (or `python3 -m`), so `python -m gunicorn app:app` is read as
 * `gunicorn app:app`. The words that were removed are returned too, to put them back.
 */
export const withoutPythonM = (argv: readonly string[]): { prefix: string[]; rest: string[] } => {
  const [first = '', second = ''] = argv;
  if (/^python(?:3(?:\.\d+)?)?$/.test(first) && second === '-m' && argv.length > 2) {
    return { prefix: argv.slice(0, 2), rest: argv.slice(2) };
  }
  return { prefix: [], rest: [...argv] };
};

/** The server an exec-form command runs, if it is one we know. */
export const serverOf = (argv: readonly string[]): Server | undefined => {
  const { rest } = withoutPythonM(argv);
  const program = (rest[0] ?? '').split('/').pop() ?? '';
  if (program === 'flask' && rest[1] !== 'run') return undefined;
  if (program === 'fastapi' && rest[1] !== 'run' && rest[1] !== 'dev') return undefined;
  if (program === 'streamlit' && rest[1] !== 'run') return undefined;
  return SERVERS.find((server) => server.program === program);
};

/** The port a command listens on: its own flags, else its server's default; undefined for no known server. */
export const commandPort = (argv: readonly string[]): number | undefined => {
  const server = serverOf(argv);
  if (server === undefined) return undefined;
  return server.port(withoutPythonM(argv).rest) ?? server.defaultPort;
};

/** Why a command listens on its port: its own flags, or its server's default. */
export const commandPortReason = (argv: readonly string[]): string | undefined => {
  const server = serverOf(argv);
  if (server === undefined) return undefined;
  return server.port(withoutPythonM(argv).rest) !== undefined
    ? `the port the ${server.program} command names`
    : `${server.program}'s default port`;
};

/** The command made to listen on 0.0.0.0 at `port`; a command of no known server is returned as it is. */
export const listenOn = (argv: readonly string[], port: number): string[] => {
  const server = serverOf(argv);
  if (server === undefined) return [...argv];
  const { prefix, rest } = withoutPythonM(argv);
  return [...prefix, ...server.listen(rest, port)];
};

/** The reloading variant of a command for development, or undefined when its server has none. */
export const reloading = (argv: readonly string[]): string[] | undefined => {
  const server = serverOf(argv);
  if (server?.reload === undefined) return undefined;
  const { prefix, rest } = withoutPythonM(argv);
  return [...prefix, ...server.reload(rest)];
};
