/**
 * A Django project: `manage.py` and the settings module it names (`DJANGO_SETTINGS_MODULE`), the WSGI (or
 * ASGI) application the settings point at, whether STATIC_ROOT is set (collectstatic then runs at build
 * time), the migrations to run once, and a health route from the URL configuration (`path("health/", ...)`,
 * under the prefixes of `include()`), offered only when a plain local request would reach it (ALLOWED_HOSTS
 * lets 127.0.0.1 in, no HTTPS redirect).
 */
import type { DjangoFacts, Detected, OneOff } from './facts.js';
import { argument, calleeName, type Expr, type PyModule } from './python.js';
import { pickHealthRoute, type Route } from './routes.js';
import { ENVIRONMENT_READERS, isTestPath, parentOf, type Context, type Sources } from './sources.js';

export interface DjangoProject {
  readonly facts: DjangoFacts;
  /** The server command, as argv, and why. */
  readonly entry?: Detected<readonly string[]>;
  readonly oneOff: OneOff;
  readonly healthpath?: Detected<string>;
  readonly warnings: readonly string[];
}

/** `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x.settings")` in a module, if there. */
const settingsModuleIn = (sources: Sources, file: string, module: PyModule): string | undefined => {
  for (const scope of module.scopes) {
    for (const { expr } of scope.calls) {
      if (calleeName(expr) !== 'setdefault') continue;
      const [key, value] = expr.args;
      const context = { file, scope };
      if (key === undefined || value === undefined || sources.string(key, context) !== 'DJANGO_SETTINGS_MODULE')
        continue;
      return sources.string(value, context);
    }
  }
  return undefined;
};

/** The settings files: the module (or every module of a settings package), and what they star-import. */
const settingsFiles = (sources: Sources, dir: string, settings: string): string[] => {
  const found = sources.find(settings, [dir]);
  if (found === undefined) return [];
  const files = new Set<string>(found.file !== undefined ? [found.file] : []);
  if (found.file === undefined || found.file.endsWith('/__init__.py')) {
    for (const path of sources.pyFiles) if (parentOf(path) === found.dir) files.add(path);
  }
  for (const file of [...files]) {
    for (const star of sources.parse(file)?.starImports ?? []) {
      const target = sources.absolute(star, file);
      const module = target === undefined ? undefined : sources.find(target, [dir, ...sources.rootsFor(file)]);
      if (module?.file !== undefined) files.add(module.file);
    }
  }
  return [...files].slice(0, 20);
};

/** Every value assigned to `name` at the top level of the settings files, with where. */
const settingValues = (
  sources: Sources,
  files: readonly string[],
  name: string,
): { expr: Expr; context: Context; conditional: boolean }[] =>
  files.flatMap((file) => {
    const module = sources.parse(file);
    if (module === undefined) return [];
    return (module.top.assigns.get(name) ?? []).map((expr) => ({
      expr,
      context: { file, scope: module.top },
      conditional: module.top.conditional.has(expr),
    }));
  });

const settingString = (sources: Sources, files: readonly string[], name: string): string | undefined => {
  for (const { expr, context } of settingValues(sources, files, name)) {
    const value = sources.string(expr, context);
    if (value !== undefined) return value;
  }
  return undefined;
};

/** Whether every ALLOWED_HOSTS of the settings lets a request to 127.0.0.1 in, and no setting redirects to HTTPS. */
const localRequestsAllowed = (sources: Sources, files: readonly string[]): string | undefined => {
  const hosts = settingValues(sources, files, 'ALLOWED_HOSTS');
  if (hosts.length === 0) return 'ALLOWED_HOSTS is not set in the settings';
  for (const { expr, context } of hosts) {
    if (expr.kind !== 'list') return 'ALLOWED_HOSTS comes from the environment';
    const values = expr.items.map((item) => sources.string(item, context));
    if (!values.some((value) => value === '*' || value === '127.0.0.1')) return 'ALLOWED_HOSTS does not list 127.0.0.1';
  }
  const redirect = settingValues(sources, files, 'SECURE_SSL_REDIRECT');
  if (redirect.some(({ expr }) => !(expr.kind === 'const' && expr.value !== true))) {
    return 'SECURE_SSL_REDIRECT may redirect it to HTTPS';
  }
  return undefined;
};

/** `^health/?$` as a literal path (`health/`), or undefined for a real pattern. */
const regexRoute = (pattern: string): string | undefined => {
  const literal = pattern.replace(/^\^/, '').replace(/\$$/, '').replace(/\/\?$/, '/');
  return /^[A-Za-z0-9_/-]*$/.test(literal) ? literal : undefined;
};

/** URL modules that third-party health apps mount (their own view answers at the include's prefix). */
const HEALTH_APPS = new Set(['health_check.urls', 'watchman.urls']);

/** Every route of a URL configuration, prefixes of include() applied, as far as they are literal. */
const urlRoutes = (
  sources: Sources,
  dir: string,
  file: string,
  prefix: string,
  depth: number,
  seen: Set<string>,
): Route[] => {
  if (depth > 5 || seen.has(file)) return [];
  seen.add(file);
  const module = sources.parse(file);
  if (module === undefined) return [];
  const context: Context = { file, scope: module.top };
  const lists: Expr[] = [
    ...(module.top.assigns.get('urlpatterns') ?? []),
    ...module.top.updates.filter((update) => update.name === 'urlpatterns').map((update) => update.value),
  ];
  const routes: Route[] = [];
  for (const list of lists) {
    if (list.kind !== 'list') continue;
    for (const item of list.items) {
      if (item.kind !== 'call') continue;
      const kind = calleeName(item);
      if (kind !== 'path' && kind !== 're_path' && kind !== 'url') continue;
      const routeExpr = argument(item, 0, 'route');
      const raw = routeExpr === undefined ? undefined : sources.string(routeExpr, context);
      const route =
        raw === undefined ? undefined : kind === 'path' ? (raw.includes('<') ? undefined : raw) : regexRoute(raw);
      if (route === undefined) continue;
      const target = argument(item, 1, 'view');
      if (target?.kind === 'call' && calleeName(target) === 'include') {
        const [included] = target.args;
        const first = included?.kind === 'list' ? included.items[0] : included;
        const name = first === undefined ? undefined : sources.string(first, context);
        if (name !== undefined && HEALTH_APPS.has(name)) {
          routes.push({ path: `${prefix}${route}`, methods: ['GET'], guarded: false, view: 'health', file });
          continue;
        }
        const module = name ?? (first === undefined ? undefined : moduleName(sources, first, context));
        const next = module === undefined ? undefined : sources.find(module, [dir, ...sources.rootsFor(file)]);
        if (next?.file !== undefined)
          routes.push(...urlRoutes(sources, dir, next.file, `${prefix}${route}`, depth + 1, seen));
        continue;
      }
      const viewText = target === undefined ? '' : viewName(target);
      routes.push({
        path: `${prefix}${route}`,
        methods: ['GET'],
        guarded: /login_required|permission_required|staff_member_required/.test(viewText),
        view: viewText,
        file,
      });
    }
  }
  return routes;
};

const moduleName = (sources: Sources, expr: Expr, context: Context): string | undefined => {
  const value = sources.resolve(expr, context);
  return value.kind === 'module' ? value.name : undefined;
};

/** A view's name as written (`views.health`, `HealthView.as_view`, `login_required(views.x)`). */
const viewName = (expr: Expr): string => {
  switch (expr.kind) {
    case 'name':
      return expr.name;
    case 'attr':
      return `${viewName(expr.object)}.${expr.name}`;
    case 'call':
      return `${viewName(expr.callee)}(${expr.args.map(viewName).join(',')})`;
    default:
      return '';
  }
};

/** The sub-expressions of an expression, itself first. */
const walk = (expr: Expr): Expr[] => {
  switch (expr.kind) {
    case 'attr':
      return [expr, ...walk(expr.object)];
    case 'call':
      return [expr, ...walk(expr.callee), ...expr.args.flatMap(walk), ...[...expr.kwargs.values()].flatMap(walk)];
    case 'binop':
      return [expr, ...walk(expr.left), ...walk(expr.right)];
    case 'list':
      return [expr, ...expr.items.flatMap(walk)];
    case 'fstr':
      return [expr, ...expr.parts.flatMap((part) => (typeof part === 'string' ? [] : walk(part)))];
    default:
      return [expr];
  }
};

/** Names that read the environment or a settings helper: a value built with them is the deployer's to set. */
const CONFIGURABLE = new RegExp(`^(?:${ENVIRONMENT_READERS.join('|')})$`);

/**
 * A SQLite database the settings keep inside the project (`BASE_DIR / "db.sqlite3"`, as `startproject`
 * writes): the code folder is read-only in the container, so Django cannot write it. Undefined when the
 * database is not SQLite, or its place comes from the environment.
 */
const sqliteInCode = (sources: Sources, files: readonly string[]): string | undefined => {
  for (const { expr } of settingValues(sources, files, 'DATABASES')) {
    if (expr.kind !== 'dict') continue;
    for (const [, database] of expr.entries) {
      if (database.kind !== 'dict') continue;
      const field = (key: string): Expr | undefined =>
        database.entries.find(([name]) => name.kind === 'str' && name.value === key)?.[1];
      const engine = field('ENGINE');
      const name = field('NAME');
      if (engine?.kind !== 'str' || !engine.value.includes('sqlite3') || name === undefined) continue;
      const parts = walk(name);
      const fromEnvironment = parts.some(
        (part) =>
          part.kind === 'call' &&
          walk(part.callee).some(
            (callee) => (callee.kind === 'name' || callee.kind === 'attr') && CONFIGURABLE.test(callee.name),
          ),
      );
      if (fromEnvironment) continue;
      const inProject =
        parts.some(
          (part) => part.kind === 'name' && /^(?:BASE_DIR|ROOT_DIR|PROJECT_DIR|PROJECT_ROOT)$/.test(part.name),
        ) ||
        (name.kind === 'str' && !name.value.startsWith('/'));
      if (inProject) return name.kind === 'str' ? JSON.stringify(name.value) : 'BASE_DIR / ...';
    }
  }
  return undefined;
};

/** Readers of settings helpers (python-decouple's `config`, django-environ's `env` and its typed methods). */
const ENV_READERS =
  /^(?:config|env|get_env|str|bool|int|float|list|tuple|json|url|db|db_url|cache|cache_url|email|email_url)$/;

/**
 * A value of the right shape for a setting the settings read with no default, so that collectstatic can import
 * them at build time: from the reader (`env.bool`), its `cast` (`cast=bool`, `Csv()`, `db_url`) or the name.
 */
const placeholder = (name: string, reader: string, cast: string): string => {
  const kind = `${reader} ${cast}`;
  if (/\bbool\b/.test(kind) || /DEBUG/.test(name)) return 'False';
  if (/\b(?:int|float)\b/.test(kind)) return '0';
  if (/\b(?:db|db_url|parse|database_url)\b/i.test(kind) || /DATABASE_URL|DB_URL/.test(name))
    return 'sqlite://:memory:';
  if (/\bcache(?:_url)?\b/.test(kind) || /CACHE_URL/.test(name)) return 'locmemcache://';
  if (/\bemail(?:_url)?\b/.test(kind) || /EMAIL_URL/.test(name)) return 'consolemail://';
  if (/\b(?:list|tuple|csv)\b/i.test(kind) || /HOSTS|ORIGINS/.test(name)) return 'localhost';
  if (/\bjson\b/.test(kind)) return '{}';
  if (/\burl\b/.test(kind) || /_URL$|_URI$/.test(name)) return 'http://localhost';
  return 'collectstatic-only';
};

/** Names a settings module must find in the environment: `os.environ["X"]`, `config("X")`, `env.bool("X")`. */
/**
 * Whether the settings check that `name` is set before reading it (`if "X" in os.environ:`, `if os.environ.get("X"):`,
 * `os.getenv("X")`): then an unset variable is not an error, and a placeholder would only feed the code that
 * parses a real value (paperless-ngx `json.loads`es its proxy header).
 */
const checkedBeforeReading = (source: string, name: string): boolean => {
  const quoted = `["']${name}["']`;
  return new RegExp(`${quoted}\\s+in\\s+(?:os\\.)?environ\\b|(?:environ\\.get|getenv)\\(\\s*${quoted}`).test(source);
};

const requiredEnvironment = (sources: Sources, files: readonly string[]): { key: string; value: string }[] => {
  const found = new Map<string, string>();
  const add = (name: string, value: string): void => {
    if (/^[A-Z_][A-Z0-9_]*$/.test(name) && !found.has(name) && found.size < 20) found.set(name, value);
  };
  for (const file of files) {
    const source = sources.files.source(file) ?? '';
    for (const match of source.matchAll(/os\.environ\[\s*["']([A-Za-z0-9_]+)["']\s*\](?!\s*=[^=])/g)) {
      const name = match[1] ?? '';
      if (!checkedBeforeReading(source, name)) add(name, placeholder(name, '', ''));
    }
    const module = sources.parse(file);
    for (const { expr: call } of module?.top.calls ?? []) {
      const reader = calleeName(call) ?? '';
      const [first] = call.args;
      const name = first?.kind === 'str' ? first.value : undefined;
      const cast = argument(call, undefined, 'cast');
      const castName =
        cast === undefined
          ? ''
          : walk(cast)
              .map((part) => ('name' in part ? part.name : ''))
              .join(' ');
      // A URL parser given `os.environ.get("X")`: None when unset, which it cannot parse.
      if (/^(?:parse|db_url)$/.test(reader) && first?.kind === 'call' && first.args.length === 1) {
        const inner = first.args[0];
        if (/^(?:get|getenv)$/.test(calleeName(first) ?? '') && inner?.kind === 'str') {
          add(inner.value, placeholder(inner.value, reader, ''));
        }
      }
      if (name === undefined || !ENV_READERS.test(reader) || call.args.length !== 1 || call.kwargs.has('default')) {
        continue;
      }
      // `config`, `env` and `env.<type>` only: a method of anything else named `str` or `list` is not a reader.
      const receiver = call.callee.kind === 'attr' ? walk(call.callee.object)[0] : undefined;
      if (
        call.callee.kind === 'attr' &&
        !(receiver?.kind === 'name' && /^(?:env|environ|config)$/i.test(receiver.name))
      ) {
        continue;
      }
      add(name, placeholder(name, reader, castName));
    }
  }
  return [...found].map(([key, value]) => ({ key, value }));
};

export const detectDjango = (sources: Sources): DjangoProject | undefined => {
  const manage = sources.pyFiles
    .filter((path) => (path === 'manage.py' || path.endsWith('/manage.py')) && !isTestPath(path))
    .filter((path) => path.split('/').length <= 3)
    .sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b))[0];
  if (manage === undefined) return undefined;
  const module = sources.parse(manage);
  if (module === undefined) return undefined;
  const dir = parentOf(manage);
  const settings = settingsModuleIn(sources, manage, module);
  if (settings === undefined) return undefined;
  const warnings: string[] = [];
  const manageWords = dir === '' ? ['python', 'manage.py'] : ['python', `${dir}/manage.py`];
  const oneOff: OneOff = {
    argv: [...manageWords, 'migrate', '--noinput'],
    why: 'Django migrations: run once per release, before the new version serves',
  };

  const project = settings.split('.')[0] ?? settings;
  const managed = settingsFiles(sources, dir, settings);
  const wsgiSetting = settingString(sources, managed, 'WSGI_APPLICATION');
  const asgiSetting = settingString(sources, managed, 'ASGI_APPLICATION');
  const usesChannels = managed.some((file) => /["'](?:channels|daphne)["']/.test(sources.files.source(file) ?? ''));
  const split = (dotted: string | undefined, fallback: string): { module: string; attr: string } => {
    const parts = (dotted ?? fallback).split('.');
    const attr = dotted === undefined ? 'application' : (parts.pop() ?? 'application');
    return { module: dotted === undefined ? fallback : parts.join('.'), attr };
  };
  const wsgi = split(wsgiSetting, `${project}.wsgi`);
  const asgi = split(asgiSetting, `${project}.asgi`);
  const has = (module: string): boolean => sources.find(module, [dir])?.file !== undefined;
  let entry: Detected<readonly string[]> | undefined;
  let served: string | undefined;
  if (usesChannels && has(asgi.module)) {
    served = asgi.module;
    entry = {
      value: ['uvicorn', ...(dir === '' ? [] : ['--app-dir', dir]), `${asgi.module}:${asgi.attr}`],
      why: `Django (Channels) project in ${manage}, settings ${settings}; ${asgi.module} served by uvicorn`,
    };
  } else if (has(wsgi.module)) {
    served = wsgi.module;
    const target = wsgi.attr === 'application' ? wsgi.module : `${wsgi.module}:${wsgi.attr}`;
    entry = {
      value: ['gunicorn', ...(dir === '' ? [] : ['--chdir', dir]), target],
      why: `Django project in ${manage}, settings ${settings}; ${wsgi.module} served by gunicorn`,
    };
  } else if (has(asgi.module)) {
    served = asgi.module;
    entry = {
      value: ['uvicorn', ...(dir === '' ? [] : ['--app-dir', dir]), `${asgi.module}:${asgi.attr}`],
      why: `Django project in ${manage}, settings ${settings}; ${asgi.module} served by uvicorn`,
    };
  } else {
    warnings.push(`Django project in ${manage}, but neither ${wsgi.module} nor ${asgi.module} is in the project`);
  }

  // The settings the server runs with: its module's own default (cookiecutter-django's wsgi.py names
  // config.settings.production while manage.py names config.settings.local). The image sets it, so that
  // collectstatic, migrate and the server all use the same.
  const servedFile = served === undefined ? undefined : sources.find(served, [dir])?.file;
  const servedModule = servedFile === undefined ? undefined : sources.parse(servedFile);
  const own =
    servedFile === undefined || servedModule === undefined
      ? undefined
      : settingsModuleIn(sources, servedFile, servedModule);
  const serverSettings =
    own !== undefined && own !== settings && sources.find(own, [dir]) !== undefined ? own : undefined;
  const files = serverSettings === undefined ? managed : settingsFiles(sources, dir, serverSettings);
  const staticRoots = settingValues(sources, files, 'STATIC_ROOT').filter(
    ({ expr }) => !(expr.kind === 'const' && expr.value === null),
  );
  // Set only under a condition (`if MODE == "PRODUCTION":`), collectstatic fails when it does not hold.
  const staticRoot = staticRoots.some(({ conditional }) => !conditional);
  if (!staticRoot && staticRoots.length > 0) {
    warnings.push(
      `${staticRoots[0]?.context.file ?? settings} sets STATIC_ROOT only under a condition, so collectstatic does ` +
        'not run in the build (it fails where STATIC_ROOT is unset): set it unconditionally to have the static ' +
        'files collected into the image',
    );
  }
  const facts: DjangoFacts = {
    dir,
    settings: serverSettings ?? settings,
    ...(serverSettings !== undefined ? { settingsEnv: serverSettings } : {}),
    staticRoot,
    collectstaticEnv: requiredEnvironment(sources, files),
  };

  const sqlite = sqliteInCode(sources, files);
  if (sqlite !== undefined) {
    warnings.push(
      `the settings keep the SQLite database in the project (NAME ${sqlite}), which is read-only in the ` +
        'container: take its path from the environment, e.g. NAME = os.environ.get("SQLITE_PATH", BASE_DIR / ' +
        '"db.sqlite3"), and pass --env SQLITE_PATH=/home/app/data/db.sqlite3 to keep it on the volume',
    );
  }

  let healthpath: Detected<string> | undefined;
  const urlconf = settingString(sources, files, 'ROOT_URLCONF') ?? `${project}.urls`;
  const urls = sources.find(urlconf, [dir]);
  if (urls?.file !== undefined) {
    const route = pickHealthRoute(urlRoutes(sources, dir, urls.file, '/', 0, new Set()));
    if (route !== undefined) {
      const refused = localRequestsAllowed(sources, files);
      if (refused === undefined) {
        healthpath = { value: route.path, why: `Django URL ${route.path} (${route.view ?? 'view'}) in ${route.file}` };
      } else {
        warnings.push(`Django serves ${route.path}, but ${refused}: the health check connects to the port instead`);
      }
    }
  }
  return {
    facts,
    ...(entry !== undefined ? { entry } : {}),
    oneOff,
    ...(healthpath !== undefined ? { healthpath } : {}),
    warnings,
  };
};
