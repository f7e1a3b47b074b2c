/**
 * Web applications found by reading the code: the framework's application object (`app = FastAPI()`,
 * `app = Flask(__name__)`, a `create_app()` factory, `app = create_app()` in a wsgi.py), and the production
 * server command that serves it: uvicorn for ASGI frameworks, gunicorn for WSGI ones.
 */
import type { CallExpr } from './python.js';
import { isExternal, isTestPath, parentOf, type Sources, type Value } from './sources.js';

export interface Framework {
  readonly name: string;
  /** The package its application class lives in. */
  readonly pkg: string;
  /** Application classes, by dotted name under the package (`App`, `asgi.App`). */
  readonly classes: readonly string[];
  readonly server: 'uvicorn' | 'gunicorn';
  /** A bare class name (star import) is enough to recognise it: the name is the framework's own. */
  readonly distinctive: boolean;
}

export const FRAMEWORKS: readonly Framework[] = [
  { name: 'FastAPI', pkg: 'fastapi', classes: ['FastAPI'], server: 'uvicorn', distinctive: true },
  { name: 'Starlette', pkg: 'starlette', classes: ['Starlette'], server: 'uvicorn', distinctive: true },
  { name: 'Quart', pkg: 'quart', classes: ['Quart'], server: 'uvicorn', distinctive: true },
  { name: 'Litestar', pkg: 'litestar', classes: ['Litestar'], server: 'uvicorn', distinctive: true },
  { name: 'Falcon (ASGI)', pkg: 'falcon', classes: ['asgi.App'], server: 'uvicorn', distinctive: false },
  { name: 'Flask', pkg: 'flask', classes: ['Flask'], server: 'gunicorn', distinctive: true },
  { name: 'Falcon', pkg: 'falcon', classes: ['App', 'API'], server: 'gunicorn', distinctive: false },
  { name: 'Bottle', pkg: 'bottle', classes: ['Bottle'], server: 'gunicorn', distinctive: false },
  { name: 'Dash', pkg: 'dash', classes: ['Dash'], server: 'gunicorn', distinctive: true },
];

/** Words one of whose presence in a file makes it worth parsing for an application object. */
const FRAMEWORK_WORDS = /\b(?:fastapi|starlette|quart|litestar|falcon|flask|bottle|dash)\b/;

/** Whether dotted `type` names application class `cls` of `framework`. */
const isClassOf = (type: string, framework: Framework, cls: string): boolean => {
  if (type === `${framework.pkg}.${cls}`) return true;
  if (!framework.distinctive) return false;
  // Star-imported (a bare name), or re-exported from a submodule (`fastapi.applications.FastAPI`).
  return type === cls || isExternal(type, framework.pkg, cls);
};

/** The framework an object was made by, if any. */
export const frameworkOf = (value: Value): Framework | undefined => {
  if (value.kind !== 'object' || value.type === undefined) return undefined;
  const type = value.type;
  return FRAMEWORKS.find((framework) => framework.classes.some((cls) => isClassOf(type, framework, cls)));
};

export type AppValue = Extract<Value, { kind: 'object' }>;

/** An application the code makes, and how a server finds it. */
export interface App {
  readonly framework: Framework;
  /** The file the server imports. */
  readonly file: string;
  /** The folder that file is imported from ('' for the top). */
  readonly root: string;
  readonly module: string;
  /** What the server loads from the module: an attribute, or a factory function. */
  readonly attr: string;
  readonly factory: boolean;
  /** The application object itself (whose routes the health route is looked up in). */
  readonly value: AppValue;
}

/** Names of files that hold an app by convention, best first. */
const APP_FILES = ['main.py', 'app.py', 'server.py', 'api.py', 'application.py', 'wsgi.py', 'asgi.py', '__init__.py'];
const APP_NAMES = ['app', 'application', 'api', 'server'];

/** Folders an app is unlikely to be the project's own in (examples, docs, scripts). */
const SIDE_FOLDER = /(?:^|\/)(?:examples?|docs?|samples?|scripts|tools|benchmarks?)\//;

const rank = (app: App): number[] => {
  const base = app.file.split('/').pop() ?? '';
  const fileRank = APP_FILES.indexOf(base);
  const nameRank = APP_NAMES.indexOf(app.attr);
  return [
    SIDE_FOLDER.test(app.file) ? 1 : 0,
    app.file.split('/').length,
    app.factory ? 1 : 0,
    nameRank === -1 ? APP_NAMES.length : nameRank,
    fileRank === -1 ? APP_FILES.length : fileRank,
  ];
};

const compareRanks = (a: number[], b: number[]): number => {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const diff = (a[index] ?? 0) - (b[index] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
};

/** Every application object made or exposed at a module's top level (or by a factory), best first. */
export const findApps = (sources: Sources): App[] => {
  const apps: App[] = [];
  const candidates = sources.pyFiles.filter((file) => !isTestPath(file));
  for (const file of candidates) {
    const text = sources.files.source(file);
    // Files that name a framework, and shallow files that bind a call's result (`app = create_app()`).
    const shallow = file.split('/').length <= 2 && /^[A-Za-z_]\w*\s*(?::[^=\n]*)?=\s*[\w.]+\(/m.test(text ?? '');
    // And runners: conventional app files, and files with a main guard (they may serve an app made elsewhere).
    const runner =
      APP_FILES.includes(file.split('/').pop() ?? '') || /__name__\s*==\s*["']__main__["']/.test(text ?? '');
    if (text === undefined || !(FRAMEWORK_WORDS.test(text) || shallow || runner)) continue;
    // Flask-SocketIO apps serve websockets through socketio.run(): gunicorn's workers would break them.
    const socketio = /\bSocketIO\s*\(/.test(text);
    const module = sources.parse(file);
    if (module === undefined) continue;
    const root = sources.importRoot(file);
    const dotted = sources.moduleOf(file, root);
    if (dotted === undefined) continue;
    const top = module.top;
    // Instances bound at the top level (made here, or by a factory elsewhere).
    for (const name of top.assigns.keys()) {
      const value = sources.resolve({ kind: 'name', name }, { file, scope: top });
      const framework = frameworkOf(value);
      if (framework === undefined || value.kind !== 'object') continue;
      if (socketio && framework.name === 'Flask') continue;
      if (framework.name === 'Dash') {
        const server = dashServer(sources, file, name);
        if (server !== undefined)
          apps.push({ framework, file, root, module: dotted, attr: server, factory: false, value });
        continue;
      }
      apps.push({ framework, file, root, module: dotted, attr: name, factory: false, value });
    }
    // A runner (a conventional app file, or one with a main guard) that imports an app made in another module
    // and imports more of the project beside it (`from flask_app import app` then `from flask_app.controllers
    // import users`): the routes are registered there, so that is the module to serve.
    if (runner && !module.effects) {
      // The project's files it imports: modules, and modules imported by name (`from pkg.views import users`).
      const imported = [
        ...module.importedModules.map((ref) => sources.absolute(ref, file)),
        ...[...module.imports.values()].map((ref) => {
          const from = sources.absolute(ref, file);
          return from === undefined || ref.name === undefined ? undefined : `${from}.${ref.name}`;
        }),
      ];
      const projectFiles = imported
        .map((name) => (name === undefined ? undefined : sources.find(name, sources.rootsFor(file))?.file))
        .filter((found): found is string => found !== undefined && found !== file);
      for (const [name, ref] of module.imports) {
        if (ref.name === undefined || top.assigns.has(name)) continue;
        const value = sources.resolve({ kind: 'name', name }, { file, scope: top });
        const framework = frameworkOf(value);
        if (framework === undefined || value.kind !== 'object' || framework.name === 'Dash') continue;
        if (socketio && framework.name === 'Flask') continue;
        if (!projectFiles.some((found) => found !== value.file)) continue;
        apps.push({ framework, file, root, module: dotted, attr: name, factory: false, value });
      }
    }
    // Factories: top-level functions that make an app and return it.
    for (const [name, fn] of top.functions) {
      if (fn.required > 0) continue;
      for (const returned of fn.scope.returns) {
        const value = sources.resolve(returned, { file, scope: fn.scope });
        const framework = frameworkOf(value);
        if (framework === undefined || value.kind !== 'object' || framework.name === 'Dash') continue;
        apps.push({ framework, file, root, module: dotted, attr: name, factory: true, value });
        break;
      }
    }
  }
  // An object served through a module-level instance is not offered again as its factory.
  const served = new Set(apps.filter((app) => !app.factory).map((app) => app.value.key));
  return apps
    .filter((app) => !app.factory || !served.has(app.value.key))
    .sort((a, b) => compareRanks(rank(a), rank(b)) || a.file.localeCompare(b.file));
};

/** `server = app.server` beside a Dash app: the Flask server gunicorn serves. */
const dashServer = (sources: Sources, file: string, appName: string): string | undefined => {
  const top = sources.parse(file)?.top;
  for (const [name, values] of top?.assigns ?? []) {
    const [value] = values;
    if (
      value?.kind === 'attr' &&
      value.name === 'server' &&
      value.object.kind === 'name' &&
      value.object.name === appName
    ) {
      return name;
    }
  }
  return undefined;
};

/** How the server is told where the app's imports start: uvicorn --app-dir, gunicorn --chdir. */
export const appDirFlag = (server: 'uvicorn' | 'gunicorn', dir: string): string[] =>
  dir === '' ? [] : server === 'uvicorn' ? ['--app-dir', dir] : ['--chdir', dir];

/**
 * The server command for an app. Code under src/ (or another folder that is not a package) is importable as it
 * is when the project installs itself; otherwise the server is pointed at that folder.
 */
export const serveCommand = (app: App, installs: boolean): { argv: string[]; why: string } => {
  const dir = app.root === 'src' && installs ? '' : app.root;
  const target = app.factory
    ? app.framework.server === 'gunicorn'
      ? `${app.module}:${app.attr}()`
      : `${app.module}:${app.attr}`
    : `${app.module}:${app.attr}`;
  const argv = [
    app.framework.server,
    ...appDirFlag(app.framework.server, dir),
    ...(app.factory && app.framework.server === 'uvicorn' ? ['--factory'] : []),
    target,
  ];
  const what = app.factory
    ? `${app.framework.name} app factory ${app.attr}() in ${app.file}`
    : app.framework.name === 'Dash'
      ? `Dash app in ${app.file}, its Flask server ${app.attr}`
      : `${app.framework.name} app '${app.attr}' in ${app.file}`;
  const where =
    dir === ''
      ? app.root === 'src'
        ? '; the project installs itself, so src/ is importable'
        : ''
      : `; imported from ${dir}/`;
  return { argv, why: `${what}; served by ${app.framework.server}${where}` };
};

/** A call's callee's last name, when the callee is an attribute or a name. */
export const methodOf = (call: CallExpr): string | undefined =>
  call.callee.kind === 'attr' ? call.callee.name : call.callee.kind === 'name' ? call.callee.name : undefined;

export { parentOf };
