/**
 * Reading Python source with a real parser (@lezer/python, error-tolerant, pure JavaScript) into the little
 * detection needs: imports, assignments, classes' attributes, functions and their decorators, calls (with the
 * ones under `if __name__ == "__main__":` marked), `return` values and augmented assignments, per scope.
 *
 * Bounded on any input: the parser is stepped and stopped after a fixed number of steps per file and in all
 * (ParseBudget), expressions are read to a fixed depth and statements to a fixed nesting, and the number of
 * calls kept per file is capped. A file cut short reads as far as it was parsed.
 */
import { parser } from '@lezer/python';

type Tree = ReturnType<typeof parser.parse>;
type Node = Tree['topNode'];

/** A Python expression, as far as detection reads one. */
export type Expr =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'attr'; readonly object: Expr; readonly name: string }
  | {
      readonly kind: 'call';
      readonly callee: Expr;
      readonly args: readonly Expr[];
      readonly kwargs: ReadonlyMap<string, Expr>;
    }
  | { readonly kind: 'str'; readonly value: string }
  /** An f-string: literal parts and the expressions between them. */
  | { readonly kind: 'fstr'; readonly parts: readonly (string | Expr)[] }
  | { readonly kind: 'num'; readonly value: number }
  /** A list or tuple display. */
  | { readonly kind: 'list'; readonly items: readonly Expr[] }
  | { readonly kind: 'dict'; readonly entries: readonly (readonly [Expr, Expr])[] }
  | { readonly kind: 'binop'; readonly op: string; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'const'; readonly value: boolean | null }
  | { readonly kind: 'unknown' };

export type CallExpr = Extract<Expr, { kind: 'call' }>;

export const UNKNOWN: Expr = { kind: 'unknown' };

/** `import a.b as c` binds c to module a.b; `from .m import n` binds n to name n of module .m (level 1). */
export interface ImportRef {
  /** The dotted module, without the leading dots of a relative import. */
  readonly module: string;
  /** Leading dots: 0 for an absolute import. */
  readonly level: number;
  /** The name imported from the module (`from m import name`); absent for `import m`. */
  readonly name?: string;
}

export interface Call {
  readonly expr: CallExpr;
  /** Under `if __name__ == "__main__":`. */
  readonly inMain: boolean;
}

export interface FunctionInfo {
  readonly name: string;
  readonly decorators: readonly Expr[];
  readonly scope: Scope;
  /** Its parameters ask for FastAPI dependencies (`Depends(...)`, `Security(...)`): a guarded route. */
  readonly depends: boolean;
  /** Parameters without a default (not counting `*args`, `**kwargs`): a factory needs them given. */
  readonly required: number;
}

export interface ClassInfo {
  readonly name: string;
  readonly bases: readonly Expr[];
  /** Class-level assignments, annotated or not (`API_V1_STR: str = "/api/v1"`). */
  readonly attrs: ReadonlyMap<string, Expr>;
}

export interface Scope {
  /** '' for the module; the function's name otherwise. */
  readonly name: string;
  readonly parent?: Scope;
  /** Every value assigned to each plain name, in source order. */
  readonly assigns: Map<string, Expr[]>;
  /** The values of `assigns` assigned under an `if` or a `match` case: they may not hold. */
  readonly conditional: Set<Expr>;
  /** Augmented assignments to plain names (`urlpatterns += [...]`). */
  readonly updates: { readonly name: string; readonly value: Expr }[];
  readonly calls: Call[];
  readonly functions: Map<string, FunctionInfo>;
  readonly classes: Map<string, ClassInfo>;
  readonly returns: Expr[];
}

export interface PyModule {
  /** Names bound by imports anywhere in the file (imports inside functions too). */
  readonly imports: ReadonlyMap<string, ImportRef>;
  readonly starImports: readonly ImportRef[];
  /** Every module imported, absolute or relative (`.m` written with its dots), as written. */
  readonly importedModules: readonly ImportRef[];
  readonly top: Scope;
  /** All scopes, the module's first. */
  readonly scopes: readonly Scope[];
  /** The file has `if __name__ == "__main__":` at the top level. */
  readonly mainGuard: boolean;
  /** The parser was stopped before the end of the file (its budget ran out). */
  readonly cut: boolean;
  /** The file does something when run: a call as a statement at its top level (outside functions and classes). */
  readonly effects: boolean;
}

/** A scope with nothing in it yet. */
export const emptyScope = (name = '', parent?: Scope): Scope => ({
  name,
  ...(parent ? { parent } : {}),
  assigns: new Map(),
  conditional: new Set(),
  updates: [],
  calls: [],
  functions: new Map(),
  classes: new Map(),
  returns: [],
});

/** Parser steps allowed per file and for a whole detection run. */
export const PARSE_LIMITS = {
  stepsPerFile: 16_000,
  stepsInAll: 80_000,
  /** Python files parsed at most in one detection run. */
  files: 300,
  /** Calls kept per file. */
  callsPerFile: 4000,
  /** Expression nesting read; deeper reads as unknown. */
  exprDepth: 40,
  /** Statement nesting read; deeper is not read. */
  statementDepth: 60,
} as const;

/** What is left of the parser's allowance in one detection run. */
export class ParseBudget {
  steps: number = PARSE_LIMITS.stepsInAll;
  files: number = PARSE_LIMITS.files;

  get exhausted(): boolean {
    return this.steps <= 0 || this.files <= 0;
  }
}

/** Parse `text`, within `budget`; undefined when the budget is spent. */
export const parsePython = (text: string, budget: ParseBudget): PyModule | undefined => {
  if (budget.exhausted) return undefined;
  budget.files -= 1;
  const parse = parser.startParse(text);
  const allowed = Math.min(PARSE_LIMITS.stepsPerFile, budget.steps);
  let steps = 0;
  let cut = false;
  let tree: Tree | null = null;
  while (tree === null) {
    tree = parse.advance();
    steps += 1;
    if (tree === null && !cut && steps >= allowed) {
      cut = true;
      parse.stopAt(parse.parsedPos);
    }
  }
  budget.steps -= steps;
  return new Reader(text).module(tree.topNode, cut);
};

const children = (node: Node): Node[] => {
  const out: Node[] = [];
  for (let child = node.firstChild; child !== null; child = child.nextSibling) out.push(child);
  return out;
};

/** Tokens that are punctuation or keywords, not expressions. */
const PUNCTUATION = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '.', 'AssignOp', 'TypeDef', '⚠', 'Comment']);

/** Nodes whose calls belong to another scope or run later: not collected with the statement around them. */
const SKIP_FOR_CALLS = new Set([
  'Body',
  'FunctionDefinition',
  'ClassDefinition',
  'DecoratedStatement',
  'LambdaExpression',
]);

const STRING_START = /^([rRbBuUfF]{0,2})('''|"""|'|")/;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '\n': '',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

/** The value of a string literal's body, escapes read unless the literal is raw. */
const unescape = (body: string, raw: boolean): string =>
  raw ? body : body.replace(/\\([\s\S])/g, (whole, ch: string) => SIMPLE_ESCAPES[ch] ?? whole);

/** The prefix, quote and body of a string literal's source; undefined for bytes or a broken literal. */
const literalParts = (source: string): { prefix: string; quote: string; body: string } | undefined => {
  const match = STRING_START.exec(source);
  if (match === null) return undefined;
  const prefix = (match[1] ?? '').toLowerCase();
  const quote = match[2] ?? '"';
  if (prefix.includes('b')) return undefined;
  const start = (match[1] ?? '').length + quote.length;
  if (source.length < start + quote.length || !source.endsWith(quote)) return undefined;
  return { prefix, quote, body: source.slice(start, source.length - quote.length) };
};

class Reader {
  readonly #text: string;
  readonly #imports = new Map<string, ImportRef>();
  readonly #starImports: ImportRef[] = [];
  readonly #importedModules: ImportRef[] = [];
  readonly #scopes: Scope[] = [];
  #calls = 0;
  /** How many `if` or `match` statements enclose the statement being read. */
  #conditionals = 0;

  constructor(text: string) {
    this.#text = text;
  }

  #source(node: Node): string {
    return this.#text.slice(node.from, node.to);
  }

  module(top: Node, cut: boolean): PyModule {
    const scope = this.#newScope('');
    let mainGuard = false;
    let effects = false;
    for (const statement of children(top)) {
      if (statement.name === 'IfStatement' && this.#isMainGuard(statement)) mainGuard = true;
      if (
        statement.name === 'ExpressionStatement' &&
        /^(?:Call|Await)Expression$/.test(statement.firstChild?.name ?? '')
      ) {
        effects = true;
      }
      this.#statement(statement, scope, false, 0);
    }
    return {
      imports: this.#imports,
      starImports: this.#starImports,
      importedModules: this.#importedModules,
      top: scope,
      scopes: this.#scopes,
      mainGuard,
      cut,
      effects,
    };
  }

  #newScope(name: string, parent?: Scope): Scope {
    const scope = emptyScope(name, parent);
    this.#scopes.push(scope);
    return scope;
  }

  #isMainGuard(statement: Node): boolean {
    const condition = children(statement)[1];
    if (condition?.name !== 'BinaryExpression') return false;
    const [left, op, right] = children(condition);
    if (left === undefined || op === undefined || right === undefined || this.#source(op) !== '==') return false;
    const sides = [this.#expr(left, 0), this.#expr(right, 0)];
    return (
      sides.some((side) => side.kind === 'name' && side.name === '__name__') &&
      sides.some((side) => side.kind === 'str' && side.value === '__main__')
    );
  }

  #statement(node: Node, scope: Scope, inMain: boolean, depth: number): void {
    if (depth > PARSE_LIMITS.statementDepth) return;
    switch (node.name) {
      case 'ImportStatement':
        this.#import(node);
        return;
      case 'AssignStatement':
        this.#assign(node, scope);
        this.#collectCalls(node, scope, inMain);
        return;
      case 'UpdateStatement': {
        const [target, , value] = children(node);
        if (target?.name === 'VariableName' && value !== undefined) {
          scope.updates.push({ name: this.#source(target), value: this.#expr(value, 0) });
        }
        this.#collectCalls(node, scope, inMain);
        return;
      }
      case 'FunctionDefinition':
        this.#function(node, [], scope, depth);
        return;
      case 'ClassDefinition':
        this.#class(node, [], scope);
        return;
      case 'DecoratedStatement': {
        const parts = children(node);
        const decorators = parts.filter((part) => part.name === 'Decorator').map((part) => this.#decorator(part));
        const definition = parts.find((part) => part.name === 'FunctionDefinition' || part.name === 'ClassDefinition');
        if (definition?.name === 'FunctionDefinition') this.#function(definition, decorators, scope, depth);
        else if (definition !== undefined) this.#class(definition, decorators, scope);
        return;
      }
      case 'ReturnStatement': {
        const value = children(node)[1];
        if (value !== undefined) scope.returns.push(this.#expr(value, 0));
        this.#collectCalls(node, scope, inMain);
        return;
      }
      case 'IfStatement':
      case 'MatchStatement': {
        const main =
          inMain || (node.name === 'IfStatement' && scope.name === '' && depth === 0 && this.#isMainGuard(node));
        this.#conditionals += 1;
        try {
          this.#compound(node, scope, main, depth);
        } finally {
          this.#conditionals -= 1;
        }
        return;
      }
      case 'WhileStatement':
      case 'ForStatement':
      case 'TryStatement':
      case 'WithStatement':
        this.#compound(node, scope, inMain, depth);
        return;
      case 'StatementGroup':
        for (const child of children(node)) this.#statement(child, scope, inMain, depth + 1);
        return;
      default:
        this.#collectCalls(node, scope, inMain);
    }
  }

  /** A statement with bodies: the calls of its header, then each body's statements, in the same scope. */
  #compound(node: Node, scope: Scope, inMain: boolean, depth: number): void {
    for (const child of children(node)) {
      if (child.name === 'Body' || child.name === 'MatchBody') {
        for (const statement of children(child)) this.#statement(statement, scope, inMain, depth + 1);
      } else {
        this.#collectCalls(child, scope, inMain);
      }
    }
  }

  #import(node: Node): void {
    const tokens = children(node);
    const first = tokens[0];
    if (first === undefined) return;
    if (this.#source(first) === 'from') {
      let index = 1;
      let level = 0;
      const path: string[] = [];
      for (; index < tokens.length; index += 1) {
        const token = tokens[index];
        if (token === undefined) break;
        const source = this.#source(token);
        if (source === 'import') break;
        if (token.name === 'VariableName') path.push(source);
        else if (path.length === 0 && (source === '.' || token.name === 'Ellipsis')) level += source.length;
      }
      const module = path.join('.');
      this.#importedModules.push({ module, level });
      for (index += 1; index < tokens.length; index += 1) {
        const token = tokens[index];
        if (token === undefined) break;
        if (this.#source(token) === '*') this.#starImports.push({ module, level });
        if (token.name !== 'VariableName') continue;
        const name = this.#source(token);
        const next = tokens[index + 1];
        const alias = next !== undefined && this.#source(next) === 'as' ? tokens[index + 2] : undefined;
        if (alias !== undefined) index += 2;
        this.#imports.set(alias !== undefined ? this.#source(alias) : name, { module, level, name });
      }
      return;
    }
    // import a.b.c [as d], e
    let dotted: string[] = [];
    let alias: string | undefined;
    const flush = (): void => {
      if (dotted.length === 0) return;
      const module = dotted.join('.');
      this.#importedModules.push({ module, level: 0 });
      if (alias !== undefined) this.#imports.set(alias, { module, level: 0 });
      else this.#imports.set(dotted[0] ?? module, { module: dotted[0] ?? module, level: 0 });
      dotted = [];
      alias = undefined;
    };
    for (let index = 1; index < tokens.length; index += 1) {
      const token = tokens[index];
      if (token === undefined) break;
      const source = this.#source(token);
      if (source === ',') flush();
      else if (source === 'as') {
        const next = tokens[index + 1];
        if (next !== undefined) alias = this.#source(next);
        index += 1;
      } else if (token.name === 'VariableName') dotted.push(source);
    }
    flush();
  }

  #assign(node: Node, scope: Scope): void {
    const parts = children(node);
    const ops = parts.filter((part) => part.name === 'AssignOp');
    const lastOp = ops[ops.length - 1];
    if (lastOp === undefined) return;
    const value = parts.find((part) => part.from >= lastOp.to && !PUNCTUATION.has(part.name));
    if (value === undefined) return;
    const expr = this.#expr(value, 0);
    for (const target of parts) {
      if (target.from >= lastOp.from) break;
      if (target.name !== 'VariableName') continue;
      const name = this.#source(target);
      const list = scope.assigns.get(name) ?? [];
      list.push(expr);
      scope.assigns.set(name, list);
      if (this.#conditionals > 0) scope.conditional.add(expr);
    }
  }

  #function(node: Node, decorators: Expr[], scope: Scope, depth: number): void {
    const parts = children(node);
    const nameNode = parts.find((part) => part.name === 'VariableName');
    if (nameNode === undefined) return;
    const name = this.#source(nameNode);
    const params = parts.find((part) => part.name === 'ParamList');
    const paramText = params === undefined ? '' : this.#source(params);
    const inner = this.#newScope(name, scope);
    scope.functions.set(name, {
      name,
      decorators,
      scope: inner,
      depends: /\b(?:Depends|Security)\s*\(/.test(paramText.slice(0, 4000)),
      required: params === undefined ? 0 : this.#requiredParams(params),
    });
    const body = parts.find((part) => part.name === 'Body');
    if (body !== undefined) for (const statement of children(body)) this.#statement(statement, inner, false, depth + 1);
  }

  /** Parameters without a default: each comma-separated part that is a plain name with no `=`. */
  #requiredParams(params: Node): number {
    let required = 0;
    let part: Node[] = [];
    const close = (): void => {
      const [first] = part;
      const starred = first !== undefined && ['*', '**', '/'].includes(this.#source(first));
      if (first?.name === 'VariableName' && !starred && !part.some((token) => token.name === 'AssignOp')) {
        const name = this.#source(first);
        if (name !== 'self' && name !== 'cls') required += 1;
      }
      part = [];
    };
    for (const token of children(params)) {
      const source = this.#source(token);
      if (source === ',' || source === ')') close();
      else if (source !== '(') part.push(token);
    }
    return required;
  }

  #class(node: Node, _decorators: Expr[], scope: Scope): void {
    const parts = children(node);
    const nameNode = parts.find((part) => part.name === 'VariableName');
    if (nameNode === undefined) return;
    const argList = parts.find((part) => part.name === 'ArgList');
    const bases = argList === undefined ? [] : this.#args(argList, 0).args;
    const attrs = new Map<string, Expr>();
    const body = parts.find((part) => part.name === 'Body');
    for (const statement of body === undefined ? [] : children(body)) {
      if (statement.name !== 'AssignStatement') continue;
      // A scope not listed among the module's: only to read the class body's assignments.
      const probe = emptyScope();
      this.#assign(statement, probe);
      for (const [attr, values] of probe.assigns) {
        const last = values[values.length - 1];
        if (last !== undefined) attrs.set(attr, last);
      }
    }
    const name = this.#source(nameNode);
    scope.classes.set(name, { name, bases, attrs });
  }

  /** `@a.b.c(args)`: the parser gives the dotted name as flat tokens. */
  #decorator(node: Node): Expr {
    let expr: Expr | undefined;
    for (const part of children(node)) {
      if (part.name === 'VariableName') {
        const name = this.#source(part);
        expr = expr === undefined ? { kind: 'name', name } : { kind: 'attr', object: expr, name };
      } else if (part.name === 'ArgList' && expr !== undefined) {
        const { args, kwargs } = this.#args(part, 1);
        expr = { kind: 'call', callee: expr, args, kwargs };
      } else if (part.name !== 'At' && part.name !== '.') {
        // Any other decorator expression (PEP 614) is read as a whole.
        expr = this.#expr(part, 1);
      }
    }
    return expr ?? UNKNOWN;
  }

  /** Every call in `node` (not inside nested definitions or bodies), capped per file. Iterative: no deep recursion. */
  #collectCalls(node: Node, scope: Scope, inMain: boolean): void {
    const keep = (call: Node): void => {
      if (this.#calls >= PARSE_LIMITS.callsPerFile) return;
      const expr = this.#expr(call, 0);
      if (expr.kind !== 'call') return;
      scope.calls.push({ expr, inMain });
      this.#calls += 1;
    };
    if (node.name === 'CallExpression') keep(node);
    const cursor = node.cursor();
    if (!cursor.firstChild()) return;
    let depth = 1;
    for (;;) {
      if (this.#calls >= PARSE_LIMITS.callsPerFile) return;
      const inside = !SKIP_FOR_CALLS.has(cursor.name);
      if (inside && cursor.name === 'CallExpression') keep(cursor.node);
      if (inside && depth < PARSE_LIMITS.exprDepth * 4 && cursor.firstChild()) {
        depth += 1;
        continue;
      }
      while (!cursor.nextSibling()) {
        cursor.parent();
        depth -= 1;
        if (depth === 0) return;
      }
    }
  }

  #args(node: Node, depth: number): { args: Expr[]; kwargs: Map<string, Expr> } {
    const args: Expr[] = [];
    const kwargs = new Map<string, Expr>();
    const parts = children(node);
    for (let index = 0; index < parts.length; index += 1) {
      const part = parts[index];
      if (part === undefined || PUNCTUATION.has(part.name)) continue;
      const next = parts[index + 1];
      if (part.name === 'VariableName' && next?.name === 'AssignOp') {
        const value = parts[index + 2];
        kwargs.set(this.#source(part), value === undefined ? UNKNOWN : this.#expr(value, depth + 1));
        index += 2;
        continue;
      }
      const source = this.#source(part);
      if (source === '*' || source === '**') {
        // *args / **kwargs: what they hold is not known; skip the expression that follows.
        index += 1;
        continue;
      }
      args.push(this.#expr(part, depth + 1));
    }
    return { args, kwargs };
  }

  #expr(node: Node, depth: number): Expr {
    if (depth > PARSE_LIMITS.exprDepth) return UNKNOWN;
    switch (node.name) {
      case 'VariableName':
        return { kind: 'name', name: this.#source(node) };
      case 'MemberExpression': {
        const parts = children(node);
        const object = parts[0];
        const last = parts[parts.length - 1];
        if (object === undefined || last?.name !== 'PropertyName') return UNKNOWN;
        return { kind: 'attr', object: this.#expr(object, depth + 1), name: this.#source(last) };
      }
      case 'CallExpression': {
        const [callee, argList] = children(node);
        if (callee === undefined || argList?.name !== 'ArgList') return UNKNOWN;
        const { args, kwargs } = this.#args(argList, depth);
        return { kind: 'call', callee: this.#expr(callee, depth + 1), args, kwargs };
      }
      case 'String':
        return this.#string(node);
      case 'FormatString':
        return this.#formatString(node, depth);
      case 'ContinuedString': {
        const parts = children(node).map((part) => this.#expr(part, depth + 1));
        if (parts.every((part) => part.kind === 'str')) {
          return { kind: 'str', value: parts.map((part) => (part.kind === 'str' ? part.value : '')).join('') };
        }
        return {
          kind: 'fstr',
          parts: parts.flatMap((part) =>
            part.kind === 'str' ? [part.value] : part.kind === 'fstr' ? part.parts : [UNKNOWN],
          ),
        };
      }
      case 'Number': {
        const source = this.#source(node).replace(/_/g, '');
        if (!/^(?:0|[1-9][0-9]{0,15})$/.test(source)) return UNKNOWN;
        return { kind: 'num', value: Number(source) };
      }
      case 'Boolean':
        return { kind: 'const', value: this.#source(node) === 'True' };
      case 'None':
        return { kind: 'const', value: null };
      case 'ArrayExpression':
      case 'TupleExpression':
        return {
          kind: 'list',
          items: children(node)
            .filter((part) => !PUNCTUATION.has(part.name))
            .map((part) => this.#expr(part, depth + 1)),
        };
      case 'ParenthesizedExpression': {
        const inner = children(node).find((part) => !PUNCTUATION.has(part.name));
        return inner === undefined ? UNKNOWN : this.#expr(inner, depth + 1);
      }
      case 'DictionaryExpression': {
        const values = children(node).filter((part) => !PUNCTUATION.has(part.name));
        const entries: (readonly [Expr, Expr])[] = [];
        for (let index = 0; index + 1 < values.length; index += 2) {
          const key = values[index];
          const value = values[index + 1];
          if (key !== undefined && value !== undefined) {
            entries.push([this.#expr(key, depth + 1), this.#expr(value, depth + 1)]);
          }
        }
        return { kind: 'dict', entries };
      }
      case 'BinaryExpression': {
        const [left, op, right] = children(node);
        if (left === undefined || op === undefined || right === undefined) return UNKNOWN;
        return {
          kind: 'binop',
          op: this.#source(op),
          left: this.#expr(left, depth + 1),
          right: this.#expr(right, depth + 1),
        };
      }
      default:
        return UNKNOWN;
    }
  }

  #string(node: Node): Expr {
    const parts = literalParts(this.#source(node));
    if (parts === undefined) return UNKNOWN;
    return { kind: 'str', value: unescape(parts.body, parts.prefix.includes('r')) };
  }

  /** An f-string: its literal text and the expressions of its replacement fields. */
  #formatString(node: Node, depth: number): Expr {
    const source = this.#source(node);
    const literal = literalParts(source);
    if (literal === undefined) return UNKNOWN;
    const raw = literal.prefix.includes('r');
    const bodyStart = node.from + literal.prefix.length + literal.quote.length;
    const bodyEnd = node.to - literal.quote.length;
    const parts: (string | Expr)[] = [];
    let at = bodyStart;
    const text = (from: number, to: number): string =>
      unescape(this.#text.slice(from, to).replace(/\{\{/g, '{').replace(/\}\}/g, '}'), raw);
    for (const field of children(node)) {
      if (field.name !== 'FormatReplacement') continue;
      if (field.from > at) parts.push(text(at, field.from));
      const inner = children(field);
      const simple = inner.every((part) => !['FormatConversion', 'FormatSpec', 'FormatSelfDoc'].includes(part.name));
      const value = inner.find((part) => !PUNCTUATION.has(part.name) && part.name !== '{' && part.name !== '}');
      parts.push(simple && value !== undefined ? this.#expr(value, depth + 1) : UNKNOWN);
      at = field.to;
    }
    if (bodyEnd > at) parts.push(text(at, bodyEnd));
    return { kind: 'fstr', parts };
  }
}

/** The dotted text of a name or attribute chain (`a.b.c`), or undefined for anything else. */
export const dottedName = (expr: Expr): string | undefined => {
  if (expr.kind === 'name') return expr.name;
  if (expr.kind === 'attr') {
    const object = dottedName(expr.object);
    return object === undefined ? undefined : `${object}.${expr.name}`;
  }
  return undefined;
};

/** The last part of a call's callee: `run` for `uvicorn.run(...)`, `Flask` for `Flask(...)`. */
export const calleeName = (call: CallExpr): string | undefined =>
  call.callee.kind === 'name' ? call.callee.name : call.callee.kind === 'attr' ? call.callee.name : undefined;

/** A call's argument: the keyword `name`, else the positional one at `position`. */
export const argument = (call: CallExpr, position: number | undefined, name?: string): Expr | undefined =>
  (name !== undefined ? call.kwargs.get(name) : undefined) ??
  (position !== undefined ? call.args[position] : undefined);

/** All the scopes a name is looked up in from `scope`: itself, its enclosing functions, the module. */
export const scopeChain = (scope: Scope): Scope[] => {
  const chain: Scope[] = [];
  for (let current: Scope | undefined = scope; current !== undefined; current = current.parent) chain.push(current);
  return chain;
};
