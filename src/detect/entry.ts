/**
 * What a Python image runs, decided in this order, the first that applies winning:
 *
 * 1. a Procfile's `web:` line (its server part; a development server replaced by the production one);
 * 2. `[tool.fastapi] entrypoint` in pyproject.toml;
 * 3. a framework application object in the code (FastAPI/Starlette/Quart/Litestar -> uvicorn, Flask/Falcon/
 *    Bottle/Dash -> gunicorn, app factories included);
 * 4. a Django project (manage.py, its settings, wsgi.py) -> gunicorn;
 * 5. a Streamlit script -> `streamlit run`;
 * 6. a console script of pyproject.toml, when the project installs itself;
 * 7. a package with `__main__.py` -> `-m pkg`;
 * 8. a script with a `__main__` guard, or the project's only script.
 *
 * Each candidate is checked with the same parser `--entry` uses and against the project's files: an entry
 * never names a file or module the project does not have. The port and health route go with the entry.
 */
import { commandPort, commandPortReason, flagValue, withoutPythonM } from '../servers.js';
import { formatEntry, parseEntry } from '../validate.js';
import { appDirFlag, findApps, serveCommand, type App } from './apps.js';
import { detectDjango, type DjangoProject } from './django.js';
import type { Detected, OneOff } from './facts.js';
import { table, text } from './files.js';
import { codePort } from './ports.js';
import { hasVariable, isBuildStep, readProcfile, readWeb, shown, type WebLine } from './procfile.js';
import type { Pyproject } from './pyproject.js';
import { appRoutes, pickHealthRoute } from './routes.js';
import { isTestPath, type Sources } from './sources.js';

export interface EntryFacts {
  readonly entry?: Detected<string>;
  readonly port?: Detected<number>;
  readonly healthpath?: Detected<string>;
  readonly django?: DjangoProject;
  readonly oneOffs: readonly OneOff[];
  readonly warnings: readonly string[];
}

/** A candidate entry before it is checked and settled. */
interface Candidate {
  readonly kind: 'command' | 'script' | 'module';
  readonly words: readonly string[];
  readonly why: string;
  /** The app it serves, for its health route. */
  readonly app?: App;
  /** Django's health route goes with a Django server command. */
  readonly djangoHealth?: boolean;
  /** Files whose code names the port (script, module and console-script entries). */
  readonly portFiles?: readonly string[];
  /** A port the Procfile gives (`${PORT:-5000}`). */
  readonly port?: Detected<number>;
}

/** Script names that are tools, not the project's program. */
const NOT_ENTRIES = new Set([
  'setup.py',
  'manage.py',
  'conftest.py',
  'noxfile.py',
  'fabfile.py',
  'tasks.py',
  'dodo.py',
]);
const SCRIPT_NAMES = ['main.py', 'app.py', 'run.py', 'server.py', 'bot.py', 'cli.py', 'worker.py', 'job.py'];

const scriptRank = (path: string): number => {
  const index = SCRIPT_NAMES.indexOf(path.split('/').pop() ?? '');
  return index === -1 ? SCRIPT_NAMES.length : index;
};

/** The module file of a dotted module at the top or under src/ (`pkg/cli.py`, `src/pkg/cli/__init__.py`). */
const moduleFile = (sources: Sources, module: string): string | undefined => sources.find(module, ['', 'src'])?.file;

const portOf = (argv: readonly string[]): Detected<number> | undefined => {
  const port = commandPort(argv);
  const why = commandPortReason(argv);
  return port === undefined || why === undefined ? undefined : { value: port, why };
};

/** The app a server command loads, among those the code shows (`module:attr`, `module:factory()`, a file path). */
const appOfCommand = (argv: readonly string[], apps: readonly App[]): App | undefined =>
  apps.find((app) =>
    argv.some(
      (word) =>
        word === `${app.module}:${app.attr}` ||
        word === `${app.module}:${app.attr}()` ||
        (word === app.module && app.attr === 'app') ||
        word === app.file,
    ),
  );

/** The `cd DIR` of a Procfile line, as the server's own flag; undefined when the server has none. */
const withDir = (argv: readonly string[], dir: string | undefined): string[] | undefined => {
  if (dir === undefined || dir === '' || dir === '.') return [...argv];
  const { prefix, rest } = withoutPythonM(argv);
  const program = rest[0] ?? '';
  if (program === 'gunicorn' || program === 'uvicorn') {
    return [...prefix, program, ...appDirFlag(program, dir), ...rest.slice(1)];
  }
  if (program === 'streamlit' && rest[1] === 'run' && rest[2] !== undefined) {
    return [...prefix, ...rest.slice(0, 2), `${dir}/${rest[2]}`, ...rest.slice(3)];
  }
  return undefined;
};

/** Whether the file or module a server command names is in the project. */
const commandTargetExists = (sources: Sources, argv: readonly string[], dir: string): string | undefined => {
  const { rest } = withoutPythonM(argv);
  const program = rest[0] ?? '';
  const flagsWithValue = new Set([
    '-c',
    '--config',
    '-b',
    '--bind',
    '-w',
    '--workers',
    '-k',
    '--worker-class',
    '--chdir',
    '--app-dir',
    '--host',
    '--port',
    '-p',
    '--log-file',
    '--log-level',
    '--access-logfile',
    '--error-logfile',
    '--timeout',
    '-t',
    '--threads',
    '--env-file',
    '--root-path',
    '--workers',
    '--name',
    '-n',
  ]);
  const positional: string[] = [];
  for (let index = program === 'streamlit' || program === 'fastapi' ? 2 : 1; index < rest.length; index += 1) {
    const word = rest[index] ?? '';
    if (word === '--') break;
    if (word.startsWith('-')) {
      if (!word.includes('=') && flagsWithValue.has(word)) index += 1;
      continue;
    }
    positional.push(word);
  }
  // The application: a `module:attr`, a dotted module or a script (a flag's number is not one).
  const target = positional.find((word) => /^[A-Za-z_][\w.]*(?::.+)?$/.test(word) || word.endsWith('.py'));
  if (target === undefined) return program === 'fastapi' ? undefined : `${program} names no application`;
  const base = flagValue(rest, ['--chdir', '--app-dir']) ?? dir;
  if (target.endsWith('.py')) {
    const path = base === '' ? target : `${base}/${target}`;
    return sources.files.has(path.replace(/^\.\//, '')) ? undefined : `${target} is not in the project`;
  }
  const module = target.split(':')[0] ?? target;
  return sources.find(module, [base, '', 'src']) !== undefined ? undefined : `module ${module} is not in the project`;
};

export const detectEntry = (sources: Sources, pyproject: Pyproject | undefined, installable: boolean): EntryFacts => {
  const warnings: string[] = [];
  const oneOffs: OneOff[] = [];
  // Installed in the image (src/detect/deps.ts decides): its console scripts are on PATH, src/ importable.
  const installs = installable;
  let appsCache: App[] | undefined;
  const apps = (): App[] => (appsCache ??= findApps(sources));
  let djangoCache: DjangoProject | undefined | null = null;
  const django = (): DjangoProject | undefined => {
    if (djangoCache === null) djangoCache = detectDjango(sources);
    return djangoCache;
  };

  const fromApp = (app: App, extra = ''): Candidate => {
    const { argv, why } = serveCommand(app, installs);
    return { kind: 'command', words: argv, why: `${why}${extra}`, app };
  };
  const fromDjango = (extra = ''): Candidate | undefined => {
    const project = django();
    if (project?.entry === undefined) return undefined;
    return {
      kind: 'command',
      words: project.entry.value,
      why: `${project.entry.why}${extra}`,
      djangoHealth: true,
    };
  };

  // 1. The Procfile's web: line.
  const procfile = sources.files.read('Procfile');
  const lines = procfile === undefined ? [] : readProcfile(procfile);
  for (const release of lines.filter((line) => line.name === 'release')) {
    for (const step of release.steps ?? []) {
      if (step.some(hasVariable))
        warnings.push(`Procfile release step ${step.map(shown).join(' ')} uses a variable: not kept`);
      else oneOffs.push({ argv: step, why: 'the Procfile release: step' });
    }
  }
  const web = lines.find((line) => line.name === 'web');
  const candidates: (() => Candidate | undefined)[] = [];
  if (web !== undefined) {
    candidates.push(() =>
      fromProcfile(sources, readWeb(web), web.command, { apps, django, fromApp, fromDjango, oneOffs, warnings }),
    );
  }
  // 2. [tool.fastapi] entrypoint.
  candidates.push(() => {
    const entrypoint = text(table(table(pyproject?.document.tool)?.fastapi)?.entrypoint);
    if (entrypoint === undefined) return undefined;
    const [module = '', attr = 'app'] = entrypoint.split(':');
    const file = moduleFile(sources, module);
    if (file === undefined) {
      warnings.push(`[tool.fastapi] entrypoint names ${entrypoint}, which is not in the project`);
      return undefined;
    }
    const app = apps().find((candidate) => candidate.file === file && candidate.attr === attr);
    const root = sources.importRoot(file);
    const dir = root === 'src' && installs ? '' : root;
    const dotted = sources.moduleOf(file, root) ?? module;
    return {
      kind: 'command',
      words: ['uvicorn', ...appDirFlag('uvicorn', dir), `${dotted}:${attr}`],
      why: `[tool.fastapi] entrypoint = "${entrypoint}" in pyproject.toml; served by uvicorn`,
      ...(app !== undefined ? { app } : {}),
    };
  });
  // 3. A framework app in the code.
  candidates.push(() => {
    const [best, ...others] = apps();
    if (best === undefined) return undefined;
    const also = others.filter((app) => app.file !== best.file || app.attr !== best.attr);
    if (also.length > 0) {
      warnings.push(
        `more than one application in the code; chose ${best.module}:${best.attr} (also ${also
          .slice(0, 3)
          .map((app) => `${app.module}:${app.attr}`)
          .join(', ')}): give --entry to choose another`,
      );
    }
    return fromApp(best);
  });
  // 4. Django.
  candidates.push(() => fromDjango());
  // 5. Streamlit.
  candidates.push(() => {
    const script = streamlitScript(sources);
    return script === undefined
      ? undefined
      : { kind: 'command', words: ['streamlit', 'run', script], why: `Streamlit app ${script}` };
  });
  // 6. Console scripts.
  candidates.push(() => consoleScript(sources, pyproject, installs, warnings));
  // 7. A package's __main__.py.
  candidates.push(() => {
    const main = sources.pyFiles
      .filter((path) => /^(?:src\/)?[A-Za-z_][A-Za-z0-9_]*\/__main__\.py$/.test(path))
      .filter((path) => !path.startsWith('src/') || installs)
      .sort((a, b) => a.length - b.length || a.localeCompare(b))[0];
    if (main === undefined) return undefined;
    const pkg = main.replace(/^src\//, '').split('/')[0] ?? '';
    return { kind: 'module', words: [pkg], why: `package ${pkg} has a __main__.py`, portFiles: [main] };
  });
  // 8. A script with a main guard, else the only script that does something.
  candidates.push(() => {
    const scripts = sources.pyFiles.filter(
      (path) =>
        !path.includes('/') && !NOT_ENTRIES.has(path) && !isTestPath(path) && /^[A-Za-z0-9_.-]+\.py$/.test(path),
    );
    const guarded = scripts
      .filter((path) => sources.parse(path)?.mainGuard === true)
      .sort((a, b) => scriptRank(a) - scriptRank(b) || a.localeCompare(b));
    const [first] = guarded;
    if (first !== undefined) {
      return { kind: 'script', words: [first], why: `${first} has a __main__ guard`, portFiles: [first] };
    }
    // The only script is the program when it does something when run, or is named like one (main.py, app.py).
    const [only] = scripts;
    const named = only !== undefined && scriptRank(only) < SCRIPT_NAMES.length;
    if (scripts.length === 1 && only !== undefined && (named || sources.parse(only)?.effects === true)) {
      return {
        kind: 'script',
        words: [only],
        why: `${only} is the project's only script`,
        portFiles: [only],
      };
    }
    return undefined;
  });

  for (const make of candidates) {
    const candidate = make();
    if (candidate === undefined) continue;
    const settled = settle(sources, candidate, django, warnings);
    if (settled === undefined) continue;
    if (candidate.djangoHealth === true) {
      const project = django();
      if (project !== undefined) {
        oneOffs.push(project.oneOff);
        warnings.push(...project.warnings);
      }
    }
    const project = django();
    return {
      ...settled,
      ...(project !== undefined ? { django: project } : {}),
      oneOffs: dedupe(oneOffs),
      warnings,
    };
  }
  const project = django();
  return { ...(project !== undefined ? { django: project } : {}), oneOffs: dedupe(oneOffs), warnings };
};

const dedupe = (oneOffs: readonly OneOff[]): OneOff[] => {
  const seen = new Set<string>();
  const out: OneOff[] = [];
  for (const oneOff of oneOffs) {
    const key = oneOff.argv.join('\0');
    // A release step that already migrates makes Django's own migrate step redundant.
    if (oneOff.argv.includes('migrate') && out.some((kept) => kept.argv.includes('migrate'))) continue;
    if (!seen.has(key)) out.push(oneOff);
    seen.add(key);
  }
  return out;
};

interface ProcfileHelpers {
  readonly apps: () => App[];
  readonly django: () => DjangoProject | undefined;
  readonly fromApp: (app: App, extra?: string) => Candidate;
  readonly fromDjango: (extra?: string) => Candidate | undefined;
  readonly oneOffs: OneOff[];
  readonly warnings: string[];
}

const fromProcfile = (
  sources: Sources,
  web: WebLine,
  command: string,
  helpers: ProcfileHelpers,
): Candidate | undefined => {
  const { warnings } = helpers;
  const process = web.process;
  const shownLine = command.length > 120 ? `${command.slice(0, 117)}...` : command;
  if (process.kind === 'unknown') {
    warnings.push(`Procfile web: ${shownLine} is not used: ${process.reason}; the entry was looked for in the code`);
    return undefined;
  }
  for (const step of web.before) {
    if (isBuildStep(step)) continue;
    const argv = inDir(step, web.dir);
    if (argv === undefined || argv.some(hasVariable)) {
      warnings.push(
        `Procfile web: step ${step.map(shown).join(' ')} is not kept as a one-off command (it needs a shell)`,
      );
      continue;
    }
    helpers.oneOffs.push({ argv, why: 'a step before the server in the Procfile web: line' });
  }
  const notes = process.notes.length > 0 ? ` (${process.notes.join('; ')})` : '';
  if (process.kind === 'dev') {
    const dev = process.server === 'flask' ? 'flask run' : 'manage.py runserver';
    const extra = `; the Procfile's ${dev} is a development server`;
    if (process.server === 'django') {
      const candidate = helpers.fromDjango(extra);
      if (candidate === undefined)
        warnings.push(`Procfile web: ${shownLine}: no Django project found to serve with gunicorn`);
      return candidate;
    }
    const wanted = process.app?.replace(/\.py$/, '').replace(/\//g, '.').split(':')[0];
    const app = helpers
      .apps()
      .find(
        (candidate) => candidate.framework.name === 'Flask' && (wanted === undefined || candidate.module === wanted),
      );
    if (app === undefined) {
      warnings.push(
        `Procfile web: ${shownLine}: no Flask app found to serve with gunicorn; the entry was looked for in the code`,
      );
      return undefined;
    }
    return helpers.fromApp(app, extra);
  }
  if (process.kind === 'python') {
    const script = process.script === undefined ? undefined : joinDir(web.dir, process.script);
    const file = script ?? (process.module === undefined ? undefined : moduleFile(sources, process.module));
    if (file === undefined || !sources.files.has(file)) {
      warnings.push(`Procfile web: ${shownLine} runs what is not in the project: the entry was looked for in the code`);
      return undefined;
    }
    // `python app.py` of a module that holds an app runs the framework's development server.
    const app = helpers.apps().find((candidate) => candidate.file === file && !candidate.factory);
    if (app !== undefined)
      return helpers.fromApp(app, `; the Procfile runs python ${file}, the framework's development server`);
    return script !== undefined
      ? { kind: 'script', words: [script], why: `Procfile web: ${shownLine}${notes}`, portFiles: [script] }
      : {
          kind: 'module',
          words: [process.module ?? ''],
          why: `Procfile web: ${shownLine}${notes}`,
          portFiles: [file],
        };
  }
  const argv = withDir(process.argv, web.dir);
  if (argv === undefined) {
    warnings.push(
      `Procfile web: ${shownLine}: cd ${web.dir ?? ''} cannot be given to ${process.argv[0] ?? ''}; the entry was looked for in the code`,
    );
    return undefined;
  }
  const missing = commandTargetExists(sources, argv, '');
  if (missing !== undefined) {
    warnings.push(`Procfile web: ${shownLine} is not used: ${missing}`);
    return undefined;
  }
  const project = helpers.django();
  const djangoHealth =
    project?.entry !== undefined &&
    argv.some((word) => {
      const target = project.entry?.value[project.entry.value.length - 1] ?? '';
      return word === target || word === `${target}:application`;
    });
  const app = appOfCommand(argv, helpers.apps());
  return {
    kind: 'command',
    words: argv,
    why: `Procfile web: ${shownLine}${notes}`,
    ...(app !== undefined ? { app } : {}),
    ...(djangoHealth ? { djangoHealth } : {}),
    ...(process.port !== undefined
      ? { port: { value: process.port, why: `the Procfile's \${PORT:-${process.port}}` } }
      : {}),
  };
};

/** A step after `cd DIR`, run from the project's top: `python manage.py x` -> `python DIR/manage.py x`. */
const inDir = (step: readonly string[], dir: string | undefined): readonly string[] | undefined => {
  if (dir === undefined || dir === '') return step;
  const [program, script] = step;
  if (/^python(?:3(?:\.\d+)?)?$/.test(program ?? '') && script !== undefined && script.endsWith('.py')) {
    return [program ?? 'python', joinDir(dir, script), ...step.slice(2)];
  }
  return undefined;
};

const joinDir = (dir: string | undefined, path: string): string => {
  const clean = path.replace(/^\.\//, '');
  return dir === undefined || dir === '' ? clean : `${dir}/${clean}`;
};

/** The Streamlit script: a file importing streamlit, not a page of a multipage app, best named first. */
const STREAMLIT_NAMES = ['streamlit_app.py', 'app.py', 'main.py', 'home.py', 'dashboard.py'];

const streamlitScript = (sources: Sources): string | undefined => {
  const scripts = sources.pyFiles.filter((path) => {
    if (isTestPath(path) || path.split('/').includes('pages')) return false;
    const text = sources.files.source(path);
    if (text === undefined || !/\bstreamlit\b/.test(text)) return false;
    return (sources.parse(path)?.importedModules ?? []).some(
      (ref) => ref.level === 0 && (ref.module === 'streamlit' || ref.module.startsWith('streamlit.')),
    );
  });
  const rank = (path: string): number => {
    const index = STREAMLIT_NAMES.indexOf((path.split('/').pop() ?? '').toLowerCase());
    return index === -1 ? STREAMLIT_NAMES.length : index;
  };
  // A helper module that imports streamlit is imported by the app; the app itself is imported by none.
  const imported = new Set(
    scripts.flatMap((path) =>
      (sources.parse(path)?.importedModules ?? [])
        .map((ref) => sources.absolute(ref, path))
        .map((module) => (module === undefined ? undefined : sources.find(module, sources.rootsFor(path))?.file)),
    ),
  );
  const apps = scripts.filter((path) => !imported.has(path));
  return (apps.length > 0 ? apps : scripts).sort(
    (a, b) => a.split('/').length - b.split('/').length || rank(a) - rank(b) || a.localeCompare(b),
  )[0];
};

/** A console script of pyproject.toml (or Poetry's), runnable once the project is installed. */
const consoleScript = (
  sources: Sources,
  pyproject: Pyproject | undefined,
  installs: boolean,
  warnings: string[],
): Candidate | undefined => {
  const scripts = (pyproject?.scripts ?? []).filter((script) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(script.name));
  const present = scripts.filter((script) => moduleFile(sources, script.module) !== undefined);
  if (present.length === 0) return undefined;
  const normalise = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');
  const own = pyproject?.name === undefined ? undefined : normalise(pyproject.name);
  const chosen = present.find((script) => normalise(script.name) === own) ?? present[0];
  if (chosen === undefined) return undefined;
  const file = moduleFile(sources, chosen.module) ?? '';
  if (!installs) {
    // Not installed, the script is not on PATH; its module runs with -m when it has a main guard.
    if (sources.parse(file)?.mainGuard === true && !file.startsWith('src/')) {
      return {
        kind: 'module',
        words: [chosen.module],
        why: `console script ${chosen.name} = "${chosen.module}:${chosen.func}"; the project does not install itself, so its module runs with -m`,
        portFiles: [file],
      };
    }
    warnings.push(
      `console script ${chosen.name} needs the project installed, and pyproject.toml has no [build-system]`,
    );
    return undefined;
  }
  if (present.length > 1) {
    warnings.push(
      `pyproject.toml has ${present.length} console scripts; chose ${chosen.name}: give --entry to choose another`,
    );
  }
  return {
    kind: 'command',
    words: [chosen.name],
    why: `console script ${chosen.name} = "${chosen.module}:${chosen.func}" in pyproject.toml, on PATH once the project is installed`,
    portFiles: [file],
  };
};

/** The candidate as --entry text, checked as --entry checks it, with its port and health route. */
const settle = (
  sources: Sources,
  candidate: Candidate,
  django: () => DjangoProject | undefined,
  warnings: string[],
): Pick<EntryFacts, 'entry' | 'port' | 'healthpath'> | undefined => {
  const entryText =
    candidate.kind === 'command'
      ? formatEntry({ kind: 'command', argv: candidate.words })
      : candidate.kind === 'module'
        ? `-m ${candidate.words[0] ?? ''}`
        : (candidate.words[0] ?? '');
  const parsed = parseEntry(entryText, { stack: 'python-debian' }, { paths: sources.files.paths, declared: [] });
  if (!parsed.ok) {
    warnings.push(`${entryText.slice(0, 120)} (${candidate.why}) cannot be the entry: ${parsed.rule}`);
    return undefined;
  }
  const entry: Detected<string> = { value: formatEntry(parsed.value), why: candidate.why };
  let port: Detected<number> | undefined = candidate.port;
  if (parsed.value.kind === 'command') port ??= portOf(parsed.value.argv);
  for (const file of candidate.portFiles ?? []) {
    if (port !== undefined) break;
    const found = codePort(sources, file);
    if (found !== undefined) port = { value: found.port, why: found.why };
  }
  let healthpath: Detected<string> | undefined;
  if (candidate.app !== undefined && port !== undefined) {
    const { routes, refusing } = appRoutes(sources, candidate.app.value);
    const route = pickHealthRoute(routes);
    if (route !== undefined && refusing.length > 0) {
      warnings.push(
        `${route.path} looks like a health route, but ${refusing[0] ?? ''} adds a middleware that refuses or redirects plain local requests: the health check connects to the port instead`,
      );
    } else if (route !== undefined) {
      healthpath = {
        value: route.path,
        why: `GET ${route.path}${route.view !== undefined ? ` (${route.view})` : ''} in ${route.file}`,
      };
    }
  }
  const instance = candidate.app === undefined ? undefined : flaskInstanceInCode(candidate.app);
  if (instance !== undefined) warnings.push(instance);
  if (candidate.djangoHealth === true && port !== undefined) {
    const project = django();
    if (project?.healthpath !== undefined) healthpath = project.healthpath;
  }
  return {
    entry,
    ...(port !== undefined ? { port } : {}),
    ...(healthpath !== undefined ? { healthpath } : {}),
  };
};

/**
 * A Flask app made with `instance_relative_config=True` keeps its instance folder (settings, often a SQLite
 * database, as in Flask's tutorial) beside the code or under the virtualenv, both read-only in the container:
 * a warning with the fix. Undefined for other apps, or when `instance_path` is given.
 */
const flaskInstanceInCode = (app: App): string | undefined => {
  const { kwargs } = app.value.ctor;
  const relative = kwargs.get('instance_relative_config');
  if (app.framework.name !== 'Flask' || relative?.kind !== 'const' || relative.value !== true) return undefined;
  if (kwargs.has('instance_path')) return undefined;
  return (
    `the Flask app in ${app.file} keeps its instance folder (settings, a SQLite database) in a read-only place ` +
    'in the container: give Flask() instance_path=os.environ.get("FLASK_INSTANCE_PATH") and pass --env ' +
    'FLASK_INSTANCE_PATH=/home/app/data to keep it on the volume'
  );
};
