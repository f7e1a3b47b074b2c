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
import { isTestPath, parentOf, type Context, type Sources } from './sources.js';

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
const settingValues = (sources: Sources, files: readonly string[], name: string): { expr: Expr; context: Context }[] =>
  files.flatMap((file) => {
    const module = sources.parse(file);
    if (module === undefined) return [];
    return (module.top.assigns.get(name) ?? []).map((expr) => ({ expr, context: { file, scope: module.top } }));
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
const CONFIGURABLE = /^(?:environ|getenv|env|config|get_env)$/;

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
  const files = settingsFiles(sources, dir, settings);
  const staticRoot = settingValues(sources, files, 'STATIC_ROOT').some(
    ({ expr }) => !(expr.kind === 'const' && expr.value === null),
  );
  const facts: DjangoFacts = { dir, settings, staticRoot };
  const manageWords = dir === '' ? ['python', 'manage.py'] : ['python', `${dir}/manage.py`];
  const oneOff: OneOff = {
    argv: [...manageWords, 'migrate', '--noinput'],
    why: 'Django migrations: run once per release, before the new version serves',
  };

  const project = settings.split('.')[0] ?? settings;
  const wsgiSetting = settingString(sources, files, 'WSGI_APPLICATION');
  const asgiSetting = settingString(sources, files, 'ASGI_APPLICATION');
  const usesChannels = files.some((file) => /["'](?:channels|daphne)["']/.test(sources.files.source(file) ?? ''));
  const split = (dotted: string | undefined, fallback: string): { module: string; attr: string } => {
    const parts = (dotted ?? fallback).split('.');
    const attr = dotted === undefined ? 'application' : (parts.pop() ?? 'application');
    return { module: dotted === undefined ? fallback : parts.join('.'), attr };
  };
  const wsgi = split(wsgiSetting, `${project}.wsgi`);
  const asgi = split(asgiSetting, `${project}.asgi`);
  const has = (module: string): boolean => sources.find(module, [dir])?.file !== undefined;
  let entry: Detected<readonly string[]> | undefined;
  if (usesChannels && has(asgi.module)) {
    entry = {
      value: ['uvicorn', ...(dir === '' ? [] : ['--app-dir', dir]), `${asgi.module}:${asgi.attr}`],
      why: `Django (Channels) project in ${manage}, settings ${settings}; ${asgi.module} served by uvicorn`,
    };
  } else if (has(wsgi.module)) {
    const target = wsgi.attr === 'application' ? wsgi.module : `${wsgi.module}:${wsgi.attr}`;
    entry = {
      value: ['gunicorn', ...(dir === '' ? [] : ['--chdir', dir]), target],
      why: `Django project in ${manage}, settings ${settings}; ${wsgi.module} served by gunicorn`,
    };
  } else if (has(asgi.module)) {
    entry = {
      value: ['uvicorn', ...(dir === '' ? [] : ['--app-dir', dir]), `${asgi.module}:${asgi.attr}`],
      why: `Django project in ${manage}, settings ${settings}; ${asgi.module} served by uvicorn`,
    };
  } else {
    warnings.push(`Django project in ${manage}, but neither ${wsgi.module} nor ${asgi.module} is in the project`);
  }

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
