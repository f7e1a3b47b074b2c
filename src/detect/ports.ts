/**
 * The port a script serves on, read from its own code: the `port=` of the call that starts its server
 * (`app.run(port=5000)`, `uvicorn.run(app, port=8080)`, `web.run_app(app, port=...)`, `serve(app, port=...)`,
 * `demo.launch(server_port=...)`), followed through constants and `PORT` environment defaults
 * (`int(os.environ.get("PORT", 5000))`), else a `PORT` default of the module itself. A client's port
 * (`redis.Redis(port=6379)`, `psycopg.connect(port=5432)`, a database URL) is never read: only server calls
 * and the `PORT` variable count.
 */
import { portNumber } from '../servers.js';
import { argument, calleeName, dottedName, type CallExpr, type Expr } from './python.js';
import type { Context, Sources } from './sources.js';

/** Calls that start a server, and the keyword that names their port. */
const SERVE_CALLS: Readonly<Record<string, string>> = {
  run: 'port',
  run_app: 'port',
  serve: 'port',
  run_server: 'port',
  run_simple: 'port',
  launch: 'server_port',
};

/** `os.environ.get(KEY, default)`, `os.getenv(KEY, default)`, `environ.get(...)`: the key and the default. */
const environmentDefault = (call: CallExpr): { key: Expr | undefined; fallback: Expr | undefined } | undefined => {
  const callee = dottedName(call.callee) ?? '';
  if (!/(?:^|\.)(?:environ\.get|getenv)$/.test(callee)) return undefined;
  return { key: call.args[0], fallback: argument(call, 1, 'default') };
};

/** The port number `expr` stands for, when it is known: a literal, a constant, an environment default. */
export const portValue = (sources: Sources, expr: Expr, context: Context, depth = 0): number | undefined => {
  if (depth > 8) return undefined;
  switch (expr.kind) {
    case 'num':
      return portNumber(String(expr.value));
    case 'str':
      return portNumber(expr.value.trim());
    case 'binop':
      // os.environ.get("PORT") or 5000
      return expr.op === 'or' ? portValue(sources, expr.right, context, depth + 1) : undefined;
    case 'call': {
      const name = calleeName(expr);
      if (name === 'int' || name === 'str') {
        const [inner] = expr.args;
        return inner === undefined ? undefined : portValue(sources, inner, context, depth + 1);
      }
      const environment = environmentDefault(expr);
      return environment?.fallback === undefined
        ? undefined
        : portValue(sources, environment.fallback, context, depth + 1);
    }
    case 'name':
    case 'attr': {
      const value = sources.resolve(expr, context);
      if (value.kind === 'num' || value.kind === 'str') return portNumber(String(value.value));
      // A constant bound to an expression (PORT = int(os.environ.get("PORT", 8000))): read that expression.
      if (expr.kind === 'name') {
        for (let scope: Context['scope'] | undefined = context.scope; scope !== undefined; scope = scope.parent) {
          const [assigned] = scope.assigns.get(expr.name) ?? [];
          if (assigned !== undefined) return portValue(sources, assigned, { file: context.file, scope }, depth + 1);
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
};

/** The port a file's code serves on, and where it was read; undefined when it names none. */
export const codePort = (sources: Sources, file: string): { port: number; why: string } | undefined => {
  const module = sources.parse(file);
  if (module === undefined) return undefined;
  // 1. The port of a call that starts a server (the main guard's first).
  const calls = module.scopes
    .flatMap((scope) => scope.calls.map((call) => ({ call, scope })))
    .sort((a, b) => Number(b.call.inMain) - Number(a.call.inMain));
  for (const { call, scope } of calls) {
    const name = calleeName(call.expr);
    const keyword = name === undefined ? undefined : SERVE_CALLS[name];
    if (keyword === undefined) continue;
    // Flask's app.run(host, port) also takes the port second.
    const given = argument(call.expr, name === 'run' ? 1 : undefined, keyword);
    const port = given === undefined ? undefined : portValue(sources, given, { file, scope });
    if (port !== undefined) return { port, why: `${name}(${keyword}=${port}) in ${file}` };
    // aiohttp's run_app listens on every interface, port 8080, when it is given none.
    const callee = name === 'run_app' ? sources.resolve(call.expr.callee, { file, scope }) : undefined;
    if (given === undefined && callee?.kind === 'external' && callee.name.startsWith('aiohttp.')) {
      return { port: 8080, why: `aiohttp's web.run_app() in ${file} listens on 8080 by default` };
    }
  }
  // 2. The module's own PORT: a constant, or the default of the PORT environment variable.
  for (const scope of module.scopes) {
    for (const name of ['PORT', 'port']) {
      const [assigned] = scope.assigns.get(name) ?? [];
      const port = assigned === undefined ? undefined : portValue(sources, assigned, { file, scope });
      if (port !== undefined) return { port, why: `${name} defaults to ${port} in ${file}` };
    }
    for (const { expr } of scope.calls) {
      const environment = environmentDefault(expr);
      if (environment?.key === undefined || environment.fallback === undefined) continue;
      if (sources.string(environment.key, { file, scope }) !== 'PORT') continue;
      const port = portValue(sources, environment.fallback, { file, scope });
      if (port !== undefined) return { port, why: `the PORT environment variable defaults to ${port} in ${file}` };
    }
  }
  return undefined;
};
