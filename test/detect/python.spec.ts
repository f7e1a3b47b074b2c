/** The Python reader (src/detect/python.ts): what it keeps of a module, and its bounds on any input. */
import assert from 'node:assert/strict';
import { ParseBudget, PARSE_LIMITS, parsePython, type Expr, type PyModule } from '../../src/detect/python.js';

const read = (source: string): PyModule => {
  const module = parsePython(source, new ParseBudget());
  if (module === undefined) throw new Error('not parsed');
  return module;
};

const first = (module: PyModule, name: string): Expr | undefined => module.top.assigns.get(name)?.[0];

describe('reading Python source', () => {
  it('binds imports as Python does: dotted, aliased, relative, from a package, star', () => {
    const module = read(
      [
        'import os, uvicorn as uv',
        'import app.core.config',
        'from fastapi import FastAPI, APIRouter as Router',
        'from .routes import (items,',
        '    users as people)',
        'from .. import settings',
        'from ...pkg.mod import *',
      ].join('\n'),
    );
    assert.deepEqual(Object.fromEntries(module.imports), {
      os: { module: 'os', level: 0 },
      uv: { module: 'uvicorn', level: 0 },
      app: { module: 'app', level: 0 },
      FastAPI: { module: 'fastapi', level: 0, name: 'FastAPI' },
      Router: { module: 'fastapi', level: 0, name: 'APIRouter' },
      items: { module: 'routes', level: 1, name: 'items' },
      people: { module: 'routes', level: 1, name: 'users' },
      settings: { module: '', level: 2, name: 'settings' },
    });
    assert.deepEqual(module.starImports, [{ module: 'pkg.mod', level: 3 }]);
  });

  it('keeps assignments to names (annotated and chained too) and class attributes', () => {
    const module = read(
      [
        'app: FastAPI = FastAPI(title="x")',
        'a = b = Flask(__name__)',
        'x.y = 3',
        'class Settings(BaseSettings):',
        '    API_V1_STR: str = "/api/v1"',
        '    PREFIX = "/a" "/b"',
      ].join('\n'),
    );
    assert.equal(first(module, 'app')?.kind, 'call');
    assert.equal(first(module, 'a')?.kind, 'call');
    assert.equal(first(module, 'b')?.kind, 'call');
    assert.equal(module.top.assigns.has('x'), false);
    const settings = module.top.classes.get('Settings');
    assert.deepEqual(settings?.attrs.get('API_V1_STR'), { kind: 'str', value: '/api/v1' });
    assert.deepEqual(settings?.attrs.get('PREFIX'), { kind: 'str', value: '/a/b' });
  });

  it('reads string literals as Python does: escapes, raw strings, f-strings; bytes are not strings', () => {
    const module = read(
      [
        'a = "tab\\there"',
        "b = r'^health/?$'",
        "c = f'{API}/openapi.json'",
        'd = b"bytes"',
        'e = """multi\nline"""',
        'f = f"{x!r}"',
      ].join('\n'),
    );
    assert.deepEqual(first(module, 'a'), { kind: 'str', value: 'tab\there' });
    assert.deepEqual(first(module, 'b'), { kind: 'str', value: '^health/?$' });
    assert.deepEqual(first(module, 'c'), { kind: 'fstr', parts: [{ kind: 'name', name: 'API' }, '/openapi.json'] });
    assert.deepEqual(first(module, 'd'), { kind: 'unknown' });
    assert.deepEqual(first(module, 'e'), { kind: 'str', value: 'multi\nline' });
    assert.deepEqual(first(module, 'f'), { kind: 'fstr', parts: [{ kind: 'unknown' }] });
  });

  it('keeps decorators, functions with their own scope, and how many parameters a factory needs', () => {
    const module = read(
      [
        '@app.get("/health", tags=["ops"])',
        'async def health(user=Depends(current_user)):',
        '    return {"ok": True}',
        'def create_app(config=None, *args, **kwargs):',
        '    app = Flask(__name__)',
        '    return app',
        'def make(name, /, debug, *, level=1):',
        '    pass',
      ].join('\n'),
    );
    const health = module.top.functions.get('health');
    assert.equal(health?.decorators[0]?.kind, 'call');
    assert.equal(health?.depends, true);
    const factory = module.top.functions.get('create_app');
    assert.equal(factory?.required, 0);
    assert.equal(factory?.scope.assigns.get('app')?.[0]?.kind, 'call');
    assert.deepEqual(factory?.scope.returns, [{ kind: 'name', name: 'app' }]);
    assert.equal(module.top.functions.get('make')?.required, 2);
  });

  it('tells a __main__ guard, marks the calls under it, and tells a file that does something when run', () => {
    const guarded = read('def main():\n    pass\n\nif "__main__" == __name__:\n    app.run(port=5000)\n');
    assert.equal(guarded.mainGuard, true);
    assert.deepEqual(
      guarded.top.calls.map((call) => call.inMain),
      [true],
    );
    assert.equal(guarded.effects, false);
    assert.equal(read('print("hello")\n').effects, true);
    assert.equal(read('def f():\n    print("x")\n').effects, false);
    assert.equal(read('if __name__ == "main":\n    pass\n').mainGuard, false);
  });

  it('reads broken code as far as it makes sense, without throwing', () => {
    const module = read('app = FastAPI(\n@app.get("/x"\ndef f(:\n    pass\nPORT = 8000\n');
    assert.ok(module.top.assigns.has('PORT') || module.top.assigns.has('app'));
  });

  it('stops after its step budget on hostile text, marks the module cut, and spends at most its allowance', () => {
    const budget = new ParseBudget();
    const before = budget.steps;
    const module = parsePython(')]}:,=;'.repeat(100_000), budget);
    assert.equal(module?.cut, true);
    assert.ok(before - budget.steps <= PARSE_LIMITS.stepsPerFile + 2);
  });

  it('parses nothing more once the budget of the whole run is spent', () => {
    const budget = new ParseBudget();
    budget.steps = 0;
    assert.equal(parsePython('x = 1\n', budget), undefined);
    const files = new ParseBudget();
    files.files = 1;
    assert.notEqual(parsePython('x = 1\n', files), undefined);
    assert.equal(parsePython('x = 1\n', files), undefined);
  });

  it('survives deep nesting: brackets, calls, blocks and attribute chains many thousands deep', () => {
    for (const source of [
      `x = ${'('.repeat(50_000)}1${')'.repeat(50_000)}`,
      `x = ${'f('.repeat(20_000)}${')'.repeat(20_000)}`,
      Array.from({ length: 3000 }, (_, depth) => `${' '.repeat(depth)}if x:`).join('\n'),
      `x = a${'.b'.repeat(50_000)}`,
      `x = ${'['.repeat(50_000)}`,
    ]) {
      assert.doesNotThrow(() => parsePython(source, new ParseBudget()));
    }
  });
});
