/**
 * What the generator needs from pyproject.toml, read with a real TOML parser (smol-toml): `[project]` name,
 * dependencies, scripts, readme and requires-python, `[build-system]`, and Poetry's own `[tool.poetry]`
 * tables for projects that have no `[project]` table. A pyproject.toml that does not parse reads as absent,
 * with a warning; detection never fails on it.
 */
import { strings, table, text } from './files.js';

export interface ConsoleScript {
  readonly name: string;
  readonly module: string;
  readonly func: string;
}

export interface Pyproject {
  readonly name?: string;
  /** PEP 508 requirement strings of `[project] dependencies` (or Poetry's main group, as name + constraint). */
  readonly dependencies: readonly string[];
  readonly scripts: readonly ConsoleScript[];
  readonly buildBackend?: string;
  /** `[project] readme` when it names a file. */
  readonly readme?: string;
  /** `[project] requires-python`, or Poetry's `python` dependency constraint. */
  readonly requiresPython?: string;
  /** `[tool.uv.workspace]` is there: the project is a uv workspace with members of its own. */
  readonly uvWorkspace: boolean;
  /** The whole document, for readers of tool tables (`[tool.fastapi]`, `[tool.uv]`, ...). */
  readonly document: Readonly<Record<string, unknown>>;
}

const SCRIPT_TARGET = /^([A-Za-z_][\w.]*)(?::([A-Za-z_][\w.]*))?$/;

const scriptsOf = (value: unknown): ConsoleScript[] => {
  const scripts: ConsoleScript[] = [];
  for (const [name, target] of Object.entries(table(value) ?? {})) {
    // Poetry also allows { reference = "...", type = "console" }.
    const reference = text(target) ?? text(table(target)?.reference);
    const match = reference === undefined ? null : SCRIPT_TARGET.exec(reference.trim());
    if (match?.[1] !== undefined) scripts.push({ name, module: match[1], func: match[2] ?? '' });
  }
  return scripts;
};

/**
 * Poetry's `[tool.poetry.dependencies]` as PEP 508-ish strings (name and constraint): `python` left out, and the
 * optional ones, which only an extra installs.
 */
const poetryDependencies = (poetry: Record<string, unknown> | undefined): string[] =>
  Object.entries(table(poetry?.dependencies) ?? {})
    .filter(([name, spec]) => name.toLowerCase() !== 'python' && table(spec)?.optional !== true)
    .map(([name, spec]) => {
      const version = text(spec) ?? text(table(spec)?.version);
      return version === undefined || version === '*' ? name : `${name} ${version}`;
    });

export const readPyproject = (document: Record<string, unknown>): Pyproject => {
  const project = table(document.project);
  const poetry = table(table(document.tool)?.poetry);
  // An empty name (pdm's old default, `name = ""`) names nothing: the folder name is used instead.
  const name = [text(project?.name), text(poetry?.name)].find((value) => value !== undefined && value.trim() !== '');
  const buildBackend = text(table(document['build-system'])?.['build-backend']);
  const readme = text(project?.readme) ?? text(table(project?.readme)?.file) ?? text(poetry?.readme);
  const requiresPython = text(project?.['requires-python']) ?? text(table(poetry?.dependencies)?.python);
  return {
    ...(name !== undefined ? { name } : {}),
    dependencies: project !== undefined ? strings(project.dependencies) : poetryDependencies(poetry),
    scripts: [...scriptsOf(project?.scripts), ...scriptsOf(poetry?.scripts)],
    ...(buildBackend !== undefined ? { buildBackend } : {}),
    ...(readme !== undefined ? { readme } : {}),
    ...(requiresPython !== undefined ? { requiresPython } : {}),
    uvWorkspace: table(table(table(document.tool)?.uv)?.workspace) !== undefined,
    document,
  };
};
