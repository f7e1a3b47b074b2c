/**
 * The project's Python sources as modules: which file a dotted module is, which module a file is, and what a
 * name or expression in a file stands for, followed through assignments, imports (absolute, relative, star),
 * classes' attributes and factory functions' return values. Enough to tell that `app` in `app/main.py` is a
 * FastAPI application, that `settings.API_V1_STR` is "/api/v1", and that `utils.router` is the APIRouter
 * made in `app/api/routes/utils.py`.
 *
 * Parsing is lazy and bounded (src/detect/python.ts ParseBudget); resolution is bounded in depth and never
 * loops. What cannot be followed resolves to `unknown`, never to a guess.
 */
import type { ProjectFiles } from './files.js';
import {
  emptyScope,
  ParseBudget,
  parsePython,
  scopeChain,
  type CallExpr,
  type ClassInfo,
  type Expr,
  type FunctionInfo,
  type ImportRef,
  type PyModule,
  type Scope,
} from './python.js';

/** Where an expression is read: a file and the scope in it. */
export interface Context {
  readonly file: string;
  readonly scope: Scope;
}

/** What an expression stands for. */
export type Value =
  | { readonly kind: 'module'; readonly name: string; readonly file?: string }
  /** An object made by a call and bound to a name: `app = FastAPI()`, `settings = Settings()`. */
  | {
      readonly kind: 'object';
      /** Identity: the file, scope and name it was bound to where it was made. */
      readonly key: string;
      readonly file: string;
      readonly scope: Scope;
      readonly name: string;
      readonly ctor: CallExpr;
      /** The dotted name of what made it when that is outside the project (`fastapi.FastAPI`). */
      readonly type?: string;
      /** The project class that made it. */
      readonly cls?: { readonly file: string; readonly info: ClassInfo };
    }
  | { readonly kind: 'class'; readonly file: string; readonly info: ClassInfo }
  | { readonly kind: 'function'; readonly file: string; readonly info: FunctionInfo; readonly scope: Scope }
  /** A name from outside the project (a library, a builtin), dotted. */
  | { readonly kind: 'external'; readonly name: string }
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'unknown' };

const UNKNOWN_VALUE: Value = { kind: 'unknown' };

const MAX_DEPTH = 16;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Folders whose Python files are tests, docs or examples: never an app, never a place to look for one. */
/**
 * Names that read the environment or a settings helper (`os.environ`, `os.getenv`, decouple's `config`,
 * django-environ's `env`): a value built with them is the deployer's to set.
 */
export const ENVIRONMENT_READERS = ['environ', 'getenv', 'env', 'config', 'get_env'] as const;

export const isTestPath = (path: string): boolean =>
  /(?:^|\/)(?:tests?|testing|__tests__)\//.test(path) ||
  /(?:^|\/)(?:test_[^/]*|[^/]*_test|conftest)\.py$/.test(path) ||
  /(?:^|\/)(?:migrations|alembic)\//.test(path);

export class Sources {
  readonly files: ProjectFiles;
  readonly budget = new ParseBudget();
  /** Every listed Python file. */
  readonly pyFiles: readonly string[];
  readonly #parsed = new Map<string, PyModule | undefined>();
  readonly #dirs: ReadonlySet<string>;
  #budgetWarned = false;

  constructor(files: ProjectFiles) {
    this.files = files;
    this.pyFiles = files.paths.filter((path) => path.endsWith('.py'));
    // Folders that hold Python code, at any depth: the folders a namespace package can be.
    const dirs = new Set<string>();
    for (const path of this.pyFiles) {
      const parts = path.split('/');
      for (let index = 1; index < parts.length; index += 1) dirs.add(parts.slice(0, index).join('/'));
    }
    this.#dirs = dirs;
  }

  /** The parsed module of a listed `.py` file; undefined when it cannot be read, is binary, or the budget is spent. */
  parse(path: string): PyModule | undefined {
    if (this.#parsed.has(path)) return this.#parsed.get(path);
    let module: PyModule | undefined;
    const text = this.files.source(path);
    if (text !== undefined) {
      module = parsePython(text, this.budget);
      if (module === undefined && !this.#budgetWarned) {
        this.#budgetWarned = true;
        this.files.warnings.push(
          'stopped reading Python sources: the project has more than detection reads (some files were not looked at)',
        );
      }
    }
    this.#parsed.set(path, module);
    return module;
  }

  /** Whether `dir` (relative POSIX, '' for the top) is a folder of the project with Python code in it. */
  isDir(dir: string): boolean {
    return dir === '' || this.#dirs.has(dir);
  }

  /** The folder a file's absolute imports start from: the first folder upwards that is not a package. */
  rootOf(path: string): string {
    let dir = parentOf(path);
    while (dir !== '' && this.files.has(`${dir}/__init__.py`)) dir = parentOf(dir);
    return dir;
  }

  /** The dotted module of a file, from `root` (default: its own import root); undefined when not importable. */
  moduleOf(path: string, root: string = this.rootOf(path)): string | undefined {
    const rel = root === '' ? path : path.startsWith(`${root}/`) ? path.slice(root.length + 1) : undefined;
    if (rel === undefined || !rel.endsWith('.py')) return undefined;
    const parts = rel.slice(0, -3).split('/');
    if (parts[parts.length - 1] === '__init__') parts.pop();
    if (parts.length === 0 || !parts.every((part) => IDENTIFIER.test(part))) return undefined;
    return parts.join('.');
  }

  /**
   * The file of module `name` (its `.py`, or its package's `__init__.py`), looked up from `roots` in order;
   * `{ dir }` alone for a namespace package (a folder without `__init__.py`); undefined when not in the project.
   */
  find(name: string, roots: readonly string[]): { file?: string; dir: string } | undefined {
    if (!name.split('.').every((part) => IDENTIFIER.test(part))) return undefined;
    const rel = name.replace(/\./g, '/');
    for (const root of roots) {
      const base = root === '' ? rel : `${root}/${rel}`;
      if (this.files.has(`${base}.py`)) return { file: `${base}.py`, dir: parentOf(`${base}.py`) };
      if (this.files.has(`${base}/__init__.py`)) return { file: `${base}/__init__.py`, dir: base };
      if (this.isDir(base)) return { dir: base };
    }
    return undefined;
  }

  /**
   * The folder `file` must be imported from (the `sys.path` entry its own imports expect): its package root,
   * moved up when its relative imports need an enclosing package, or to the folder where its absolute imports
   * of project modules resolve (`from routers import x` in backend/main.py: backend; `from backend.routers
   * import x`: the top).
   */
  importRoot(file: string): string {
    const module = this.parse(file);
    const dir = parentOf(file);
    let root = this.rootOf(file);
    const depthOf = (path: string): number => (path === '' ? 0 : path.split('/').length);
    const ancestors: string[] = [];
    for (let at = dir; ; at = parentOf(at)) {
      ancestors.push(at);
      if (at === '') break;
    }
    const level = Math.max(0, ...(module?.importedModules ?? []).map((ref) => ref.level));
    let highest = dir;
    for (let index = 0; index < level; index += 1) highest = parentOf(highest);
    if (level > 0 && depthOf(highest) < depthOf(root)) root = highest;
    const needed: string[] = [];
    for (const ref of module?.importedModules ?? []) {
      if (ref.level !== 0) continue;
      const top = ref.module.split('.')[0] ?? '';
      const at = ancestors.find((ancestor) => this.find(top, [ancestor]) !== undefined);
      if (at !== undefined) needed.push(at);
    }
    if (needed.length > 0) {
      const shallowest = needed.reduce((a, b) => (depthOf(b) < depthOf(a) ? b : a));
      root = level > 0 && depthOf(shallowest) > depthOf(highest) ? highest : shallowest;
    }
    return root;
  }

  /** Roots to look an import of `file` up from: its own import root, the top, then src/. */
  rootsFor(file: string): string[] {
    return [...new Set([this.rootOf(file), '', 'src'])];
  }

  /** The absolute module a relative import of `file` names. */
  absolute(ref: ImportRef, file: string): string | undefined {
    if (ref.level === 0) return ref.module;
    const own = this.moduleOf(file);
    if (own === undefined) return undefined;
    const parts = own.split('.');
    // The package of a module is its parent; the package of an __init__.py is itself.
    const packageParts = file.endsWith('/__init__.py') || file === '__init__.py' ? parts : parts.slice(0, -1);
    const base = packageParts.slice(0, packageParts.length - (ref.level - 1));
    if (ref.level - 1 > packageParts.length) return undefined;
    return [...base, ...(ref.module === '' ? [] : [ref.module])].join('.');
  }

  /** The module an import names, as a Value. */
  #moduleValue(name: string, file: string): Value {
    const found = this.find(name, this.rootsFor(file));
    if (found === undefined) return { kind: 'external', name };
    return { kind: 'module', name, ...(found.file !== undefined ? { file: found.file } : {}) };
  }

  /** What `expr`, read in `context`, stands for. */
  resolve(expr: Expr, context: Context, depth = 0): Value {
    if (depth > MAX_DEPTH) return UNKNOWN_VALUE;
    switch (expr.kind) {
      case 'str':
        return { kind: 'str', value: expr.value };
      case 'num':
        return { kind: 'num', value: expr.value };
      case 'name':
        return this.#name(expr.name, context, depth + 1);
      case 'attr':
        return this.#attribute(this.resolve(expr.object, context, depth + 1), expr.name, context, depth + 1);
      case 'fstr':
      case 'binop': {
        const value = this.string(expr, context, depth + 1);
        return value === undefined ? UNKNOWN_VALUE : { kind: 'str', value };
      }
      default:
        return UNKNOWN_VALUE;
    }
  }

  /** The string `expr` stands for, when it is fully known (literals, constants, f-strings of constants). */
  string(expr: Expr, context: Context, depth = 0): string | undefined {
    if (depth > MAX_DEPTH) return undefined;
    switch (expr.kind) {
      case 'str':
        return expr.value;
      case 'fstr': {
        let out = '';
        for (const part of expr.parts) {
          const value = typeof part === 'string' ? part : this.string(part, context, depth + 1);
          if (value === undefined) return undefined;
          out += value;
        }
        return out;
      }
      case 'binop': {
        if (expr.op !== '+') return undefined;
        const left = this.string(expr.left, context, depth + 1);
        const right = left === undefined ? undefined : this.string(expr.right, context, depth + 1);
        return left === undefined || right === undefined ? undefined : left + right;
      }
      case 'name':
      case 'attr': {
        const value = this.resolve(expr, context, depth + 1);
        return value.kind === 'str' ? value.value : undefined;
      }
      default:
        return undefined;
    }
  }

  #name(name: string, context: Context, depth: number): Value {
    for (const scope of scopeChain(context.scope)) {
      const assigned = scope.assigns.get(name);
      if (assigned !== undefined && assigned.length > 0) {
        return this.#assigned(name, assigned, { file: context.file, scope }, depth);
      }
      const fn = scope.functions.get(name);
      if (fn !== undefined) return { kind: 'function', file: context.file, info: fn, scope };
      const cls = scope.classes.get(name);
      if (cls !== undefined) return { kind: 'class', file: context.file, info: cls };
    }
    const module = this.parse(context.file);
    const ref = module?.imports.get(name);
    if (ref !== undefined) return this.#imported(ref, context.file, depth);
    for (const star of module?.starImports ?? []) {
      const target = this.absolute(star, context.file);
      const found = target === undefined ? undefined : this.find(target, this.rootsFor(context.file));
      if (found?.file === undefined) continue;
      const value = this.member(found.file, name, depth + 1);
      if (value.kind !== 'unknown') return value;
    }
    return { kind: 'external', name };
  }

  /** A name's value from its assignments: the object made where it was first bound, or a constant all agree on. */
  #assigned(name: string, values: readonly Expr[], context: Context, depth: number): Value {
    const [first] = values;
    if (first === undefined) return UNKNOWN_VALUE;
    if (first.kind === 'call') return this.#made(name, first, context, depth);
    const resolved = values.slice(0, 4).map((value) => this.resolve(value, context, depth + 1));
    const [head] = resolved;
    if (head === undefined) return UNKNOWN_VALUE;
    if (head.kind === 'str' || head.kind === 'num') {
      // A constant assigned differently in two places (if/else) is not known.
      const same = resolved.every(
        (value) => value.kind === head.kind && 'value' in value && value.value === head.value,
      );
      return same ? head : UNKNOWN_VALUE;
    }
    return head;
  }

  /** What a call bound to `name` makes: a factory's product, or a new object of a class. */
  #made(name: string, call: CallExpr, context: Context, depth: number): Value {
    const callee = this.resolve(call.callee, context, depth + 1);
    if (callee.kind === 'function') {
      // A factory: what it returns (`app = create_app()` is the app create_app makes).
      for (const returned of callee.info.scope.returns) {
        const value = this.resolve(returned, { file: callee.file, scope: callee.info.scope }, depth + 1);
        if (value.kind === 'object') return value;
      }
      return UNKNOWN_VALUE;
    }
    const key = `${context.file}#${context.scope.name}#${name}`;
    const base = { kind: 'object' as const, key, file: context.file, scope: context.scope, name, ctor: call };
    if (callee.kind === 'external') return { ...base, type: callee.name };
    if (callee.kind === 'class') return { ...base, cls: { file: callee.file, info: callee.info } };
    // int(...), str(...) and the like of constants are constants.
    return UNKNOWN_VALUE;
  }

  #imported(ref: ImportRef, file: string, depth: number): Value {
    const target = this.absolute(ref, file);
    if (target === undefined) return UNKNOWN_VALUE;
    if (ref.name === undefined) return this.#moduleValue(target, file);
    const module = this.#moduleValue(target, file);
    return this.#attribute(module, ref.name, { file, scope: this.parse(file)?.top ?? emptyScope() }, depth + 1);
  }

  /** Name `name` at the top level of the module in `file`. */
  member(file: string, name: string, depth: number): Value {
    const module = this.parse(file);
    if (module === undefined) return UNKNOWN_VALUE;
    const top = module.top;
    if (top.assigns.has(name) || top.functions.has(name) || top.classes.has(name) || module.imports.has(name)) {
      return this.#name(name, { file, scope: top }, depth + 1);
    }
    for (const star of module.starImports) {
      const target = this.absolute(star, file);
      const found = target === undefined ? undefined : this.find(target, this.rootsFor(file));
      if (found?.file === undefined || found.file === file) continue;
      const value = this.member(found.file, name, depth + 1);
      if (value.kind !== 'unknown') return value;
    }
    return UNKNOWN_VALUE;
  }

  #attribute(object: Value, name: string, context: Context, depth: number): Value {
    if (depth > MAX_DEPTH) return UNKNOWN_VALUE;
    switch (object.kind) {
      case 'module': {
        if (object.file !== undefined) {
          const value = this.member(object.file, name, depth + 1);
          if (value.kind !== 'unknown') return value;
        }
        const sub = `${object.name}.${name}`;
        const found = this.find(sub, this.rootsFor(object.file ?? context.file));
        return found === undefined
          ? UNKNOWN_VALUE
          : { kind: 'module', name: sub, ...(found.file !== undefined ? { file: found.file } : {}) };
      }
      case 'external':
        return { kind: 'external', name: `${object.name}.${name}` };
      case 'class':
        return this.#classAttribute(object.file, object.info, name, depth);
      case 'object':
        return object.cls === undefined
          ? UNKNOWN_VALUE
          : this.#classAttribute(object.cls.file, object.cls.info, name, depth);
      default:
        return UNKNOWN_VALUE;
    }
  }

  #classAttribute(file: string, info: ClassInfo, name: string, depth: number): Value {
    const expr = info.attrs.get(name);
    const module = this.parse(file);
    if (expr === undefined || module === undefined) return UNKNOWN_VALUE;
    return this.resolve(expr, { file, scope: module.top }, depth + 1);
  }
}

export const parentOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

/** Whether an external dotted name is class `cls` of package `pkg` (`fastapi.FastAPI`, `fastapi.applications.FastAPI`). */
export const isExternal = (value: Value | string | undefined, pkg: string, cls: string): boolean => {
  const name = typeof value === 'string' ? value : value?.kind === 'external' ? value.name : undefined;
  if (name === undefined) return false;
  const parts = name.split('.');
  return parts[parts.length - 1] === cls && (parts.length === 1 || parts[0] === pkg);
};
