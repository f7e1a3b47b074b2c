/**
 * The health route an application really serves, with its whole path: route decorators (`@app.get("/health")`,
 * `@bp.route("/healthz")`, `@router.get(...)`), `add_api_route`/`add_url_rule`, Starlette's `Route`/`Mount`
 * lists, and the prefixes they are served under (`APIRouter(prefix=...)`, `include_router(..., prefix=...)`,
 * `Blueprint(url_prefix=...)`, `register_blueprint(..., url_prefix=...)`), constants followed through imports
 * and settings classes. A route whose path is not known to the last character is not offered, nor one behind
 * a dependency or an auth decorator, nor any when a middleware refuses or redirects a plain local request:
 * a wrong path would mark a working app unhealthy.
 */
import { argument, calleeName, dottedName, type CallExpr, type Expr, type Scope } from './python.js';
import { isTestPath, type Context, type Sources, type Value } from './sources.js';

export interface Route {
  readonly path: string;
  readonly methods: readonly string[];
  /** Behind a dependency, an auth decorator or app-wide dependencies: a probe would be refused. */
  readonly guarded: boolean;
  /** The view function's name, when known. */
  readonly view?: string;
  /** Where the route is declared. */
  readonly file: string;
}

/** A health route's last path segment, best first. */
const HEALTH_SEGMENTS: readonly RegExp[] = [
  /^_?health(?:z|[-_]?checks?)?$/i,
  /^_?(?:livez?|liveness|alive)$/i,
  /^_?ping$/i,
  /^_?(?:readyz?|readiness)$/i,
];

/** How much a route looks like a health route (lower is better); undefined when it does not. */
export const healthRank = (route: Pick<Route, 'path' | 'view'>): number | undefined => {
  const segments = route.path.split('/').filter((segment) => segment !== '');
  const last = segments[segments.length - 1] ?? '';
  const bySegment = HEALTH_SEGMENTS.findIndex((pattern) => pattern.test(last));
  if (bySegment !== -1) return bySegment;
  if (route.view !== undefined && /health/i.test(route.view)) return HEALTH_SEGMENTS.length;
  return undefined;
};

/** The best health route among `routes`: a GET, not guarded, with a literal path. */
export const pickHealthRoute = (routes: readonly Route[]): Route | undefined => {
  let best: { route: Route; rank: number } | undefined;
  for (const route of routes) {
    if (route.guarded || !route.methods.includes('GET') || !isLiteralPath(route.path)) continue;
    const rank = healthRank(route);
    if (rank === undefined) continue;
    if (best === undefined || rank < best.rank || (rank === best.rank && route.path.length < best.route.path.length)) {
      best = { route, rank };
    }
  }
  return best?.route;
};

/** A path with no parameters (`{id}`, `<int:id>`) and only URL-safe characters. */
const isLiteralPath = (path: string): boolean =>
  /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(path) && !path.includes('//');

/** Decorator methods that register a route, and the methods they serve when none are given. */
const ROUTE_DECORATORS: Readonly<Record<string, readonly string[] | 'kw'>> = {
  get: ['GET'],
  route: 'kw',
  api_route: 'kw',
  websocket: [],
  post: ['POST'],
  put: ['PUT'],
  patch: ['PATCH'],
  delete: ['DELETE'],
};

/** Decorator names that mean the view needs a logged-in user or a token. */
const AUTH_DECORATOR = /login_required|auth|permission|jwt_required|requires|token_required|protected/i;

/** Middleware that refuses or redirects a plain `http://127.0.0.1` request. */
const REFUSING_MIDDLEWARE = /\b(?:TrustedHostMiddleware|HTTPSRedirectMiddleware|Talisman|SSLify)\b/;

/** Calls that add routes to an app or router, or include other routers and apps in it. */
const REGISTERING = ['include_router', 'register_blueprint', 'add_api_route', 'add_url_rule', 'add_route', 'mount'];

/** Text that makes a file worth reading for routes. */
const ROUTE_WORDS =
  /\.(?:get|route|api_route|include_router|register_blueprint|add_api_route|add_url_rule|add_route|mount)\s*\(|\bRoute\s*\(/;

interface Registration {
  readonly path: Expr;
  readonly methods: readonly string[];
  readonly guarded: boolean;
  readonly view?: string;
  readonly context: Context;
}

interface Inclusion {
  readonly child: Value;
  /** The prefix given where it is included (undefined: none given). */
  readonly prefix?: Expr;
  readonly guarded: boolean;
  /** Flask's register_blueprint: the given prefix replaces the blueprint's own. */
  readonly replaces: boolean;
  readonly context: Context;
}

interface Graph {
  readonly routes: Map<string, Registration[]>;
  readonly includes: Map<string, Inclusion[]>;
  /** Files that add a middleware refusing plain local requests. */
  readonly refusing: string[];
}

const push = <T>(map: Map<string, T[]>, key: string, item: T): void => {
  const list = map.get(key);
  if (list === undefined) map.set(key, [item]);
  else list.push(item);
};

const methodsOf = (
  call: CallExpr,
  defaults: readonly string[] | 'kw',
  sources: Sources,
  context: Context,
): string[] => {
  if (defaults !== 'kw') return [...defaults];
  const given = call.kwargs.get('methods');
  if (given === undefined) return ['GET'];
  if (given.kind !== 'list') return [];
  return given.items
    .map((item) => sources.string(item, context)?.toUpperCase())
    .filter((method): method is string => method !== undefined);
};

/** Every route registration and inclusion in the project's (non-test) files that mention routes. */
const buildGraph = (sources: Sources): Graph => {
  const graph: Graph = { routes: new Map(), includes: new Map(), refusing: [] };
  for (const file of sources.pyFiles) {
    if (isTestPath(file)) continue;
    const text = sources.files.source(file);
    if (text === undefined) continue;
    if (REFUSING_MIDDLEWARE.test(text)) graph.refusing.push(file);
    if (!ROUTE_WORDS.test(text)) continue;
    const module = sources.parse(file);
    if (module === undefined) continue;
    for (const scope of module.scopes) readScope(sources, graph, { file, scope });
  }
  return graph;
};

const keyOf = (value: Value): string | undefined => (value.kind === 'object' ? value.key : undefined);

const readScope = (sources: Sources, graph: Graph, context: Context): void => {
  const scope: Scope = context.scope;
  for (const fn of scope.functions.values()) {
    const authed = fn.decorators.some((decorator) => {
      const name = dottedName(decorator.kind === 'call' ? decorator.callee : decorator) ?? '';
      return AUTH_DECORATOR.test(name);
    });
    for (const decorator of fn.decorators) {
      if (decorator.kind !== 'call' || decorator.callee.kind !== 'attr') continue;
      const defaults = ROUTE_DECORATORS[decorator.callee.name];
      if (defaults === undefined) continue;
      const key = keyOf(sources.resolve(decorator.callee.object, context));
      const path = argument(decorator, 0, 'path') ?? argument(decorator, undefined, 'rule');
      if (key === undefined || path === undefined) continue;
      push(graph.routes, key, {
        path,
        methods: methodsOf(decorator, defaults, sources, context),
        guarded: authed || fn.depends || decorator.kwargs.has('dependencies'),
        view: fn.name,
        context,
      });
    }
  }
  for (const { expr: call } of scope.calls) {
    if (call.callee.kind !== 'attr') continue;
    const method = call.callee.name;
    if (!REGISTERING.includes(method)) continue;
    const key = keyOf(sources.resolve(call.callee.object, context));
    if (key === undefined) continue;
    if (method === 'mount') {
      // A sub-application mounted under a path (FastAPI/Starlette): its routes under that path.
      const [prefix, child] = [argument(call, 0, 'path'), argument(call, 1, 'app')];
      if (prefix === undefined || child === undefined) continue;
      push(graph.includes, key, {
        child: sources.resolve(child, context),
        prefix,
        guarded: false,
        replaces: false,
        context,
      });
      continue;
    }
    if (method === 'include_router' || method === 'register_blueprint') {
      const [child] = call.args;
      if (child === undefined) continue;
      const prefix = call.kwargs.get(method === 'include_router' ? 'prefix' : 'url_prefix');
      push(graph.includes, key, {
        child: sources.resolve(child, context),
        ...(prefix !== undefined ? { prefix } : {}),
        guarded: call.kwargs.has('dependencies'),
        replaces: method === 'register_blueprint',
        context,
      });
      continue;
    }
    const path = argument(call, 0, method === 'add_url_rule' ? 'rule' : 'path');
    if (path === undefined) continue;
    const view = argument(call, 1, method === 'add_url_rule' ? 'view_func' : 'endpoint');
    const viewName = view === undefined ? undefined : dottedName(view);
    push(graph.routes, key, {
      path,
      methods: methodsOf(call, 'kw', sources, context),
      guarded: call.kwargs.has('dependencies'),
      ...(viewName !== undefined ? { view: viewName } : {}),
      context,
    });
  }
};

/** `prefix` and `path` joined as FastAPI and Flask join them. */
const joinPath = (prefix: string, path: string, flask: boolean): string => {
  if (!flask) return `${prefix}${path}`;
  if (path === '') return prefix;
  return `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
};

/** The object's own prefix: `APIRouter(prefix=...)`, `Blueprint(..., url_prefix=...)`; '' when none; undefined when unknown. */
const ownPrefix = (sources: Sources, value: Value): string | undefined => {
  if (value.kind !== 'object') return '';
  const given = value.ctor.kwargs.get('prefix') ?? value.ctor.kwargs.get('url_prefix');
  return given === undefined ? '' : sources.string(given, { file: value.file, scope: value.scope });
};

const isBlueprint = (value: Value): boolean =>
  value.kind === 'object' && (value.type?.split('.').pop() ?? '') === 'Blueprint';

const isGuardedObject = (value: Value): boolean => value.kind === 'object' && value.ctor.kwargs.has('dependencies');

/** Starlette's `routes=[Route("/health", ...), Mount("/api", routes=[...])]`, with their prefixes. */
const starletteRoutes = (
  sources: Sources,
  list: Expr | undefined,
  context: Context,
  prefix: string,
  file: string,
  depth: number,
): Route[] => {
  if (list === undefined || depth > 6) return [];
  const items = list.kind === 'list' ? list.items : list.kind === 'name' ? namedList(list.name, context) : [];
  const out: Route[] = [];
  for (const item of items) {
    if (item.kind !== 'call') continue;
    const kind = calleeName(item);
    const path = argument(item, 0, 'path');
    const text = path === undefined ? undefined : sources.string(path, context);
    if (text === undefined) continue;
    if (kind === 'Route') {
      const endpoint = argument(item, 1, 'endpoint');
      const view = endpoint === undefined ? undefined : dottedName(endpoint);
      out.push({
        path: `${prefix}${text}`,
        methods: methodsOf(item, 'kw', sources, context),
        guarded: false,
        ...(view !== undefined ? { view } : {}),
        file,
      });
    } else if (kind === 'Mount') {
      out.push(...starletteRoutes(sources, item.kwargs.get('routes'), context, `${prefix}${text}`, file, depth + 1));
    }
  }
  return out;
};

const namedList = (name: string, context: Context): readonly Expr[] => {
  for (let scope: Scope | undefined = context.scope; scope !== undefined; scope = scope.parent) {
    const [value] = scope.assigns.get(name) ?? [];
    if (value?.kind === 'list') return value.items;
    if (value !== undefined) return [];
  }
  return [];
};

/** Every route `app` serves whose whole path is known. */
export const appRoutes = (
  sources: Sources,
  app: Extract<Value, { kind: 'object' }>,
): { routes: Route[]; refusing: string[] } => {
  const graph = buildGraph(sources);
  const routes: Route[] = [];
  const flask = (app.type ?? '').split('.').pop() === 'Flask' || (app.type ?? '').startsWith('quart');
  const visited = new Set<string>();
  const walk = (value: Value, prefix: string, guarded: boolean, depth: number): void => {
    const key = keyOf(value);
    if (key === undefined || depth > 8 || visited.has(`${key}@${prefix}`)) return;
    visited.add(`${key}@${prefix}`);
    for (const registration of graph.routes.get(key) ?? []) {
      const path = sources.string(registration.path, registration.context);
      if (path === undefined) continue;
      routes.push({
        path: joinPath(prefix, path, flask),
        methods: registration.methods,
        guarded: guarded || registration.guarded,
        ...(registration.view !== undefined ? { view: registration.view } : {}),
        file: registration.context.file,
      });
    }
    for (const inclusion of graph.includes.get(key) ?? []) {
      const own = ownPrefix(sources, inclusion.child);
      const given = inclusion.prefix === undefined ? undefined : sources.string(inclusion.prefix, inclusion.context);
      if (own === undefined || (inclusion.prefix !== undefined && given === undefined)) continue;
      const childPrefix =
        inclusion.replaces && isBlueprint(inclusion.child)
          ? joinPath(prefix, given ?? own, true)
          : `${prefix}${given ?? ''}${own}`;
      walk(inclusion.child, childPrefix, guarded || inclusion.guarded || isGuardedObject(inclusion.child), depth + 1);
    }
  };
  walk(app, '', isGuardedObject(app), 0);
  routes.push(
    ...starletteRoutes(sources, app.ctor.kwargs.get('routes'), { file: app.file, scope: app.scope }, '', app.file, 0),
  );
  return { routes, refusing: graph.refusing };
};
