/**
 * What a run tells the user besides its questions: what the project showed (before asking) and what to do
 * next (after writing). Pure: the generator prints the lines.
 */
import type { ProjectFacts } from './detect/index.js';
import type { Answers } from './model.js';

const row = (label: string, value: string, why: string): string => `  ${label.padEnd(7)} ${value}  (${why})`;

/** The detected values with their reasons, and detection's warnings; empty when nothing was detected. */
export const detectionSummary = (facts: ProjectFacts): string[] => {
  const rows: string[] = [];
  if (facts.entry !== undefined) rows.push(row('entry', facts.entry.value, facts.entry.why));
  else if (facts.notebookEntry !== undefined)
    rows.push(row('entry', facts.notebookEntry.value, facts.notebookEntry.why));
  if (facts.port !== undefined) rows.push(row('port', String(facts.port.value), facts.port.why));
  if (facts.healthpath !== undefined) rows.push(row('health', `http ${facts.healthpath.value}`, facts.healthpath.why));
  if (facts.dependencies.detected.value !== 'none') {
    rows.push(row('deps', facts.dependencies.detected.value, facts.dependencies.detected.why));
  }
  if (facts.python !== undefined) rows.push(row('python', facts.python.value, facts.python.why));
  const warnings = facts.warnings.map((warning) => `  warning: ${warning}`);
  if (rows.length === 0 && warnings.length === 0) return [];
  return [`What ${facts.folderName} shows:`, ...rows, ...warnings];
};

/** The commands that come next, for the files the run wrote. */
export const nextSteps = (answers: Pick<Answers, 'name' | 'port'>, written: ReadonlySet<string>): string[] => {
  const steps: [string, string][] = [];
  if (written.has('build.sh')) steps.push(['./build.sh', `build ${answers.name}:<commit> and ${answers.name}:latest`]);
  if (written.has('compose.yaml')) {
    steps.push([
      'docker compose up -d',
      answers.port === null ? 'run it, read-only' : `run it, read-only, on http://127.0.0.1:${answers.port}`,
    ]);
  }
  if (written.has('compose.dev.yaml')) {
    steps.push([
      'docker compose -f compose.yaml -f compose.dev.yaml up --watch',
      'develop: your edits reach the container',
    ]);
  }
  if (written.has('README.Docker.md')) steps.push(['README.Docker.md', 'what each choice is for, tags, pruning']);
  if (steps.length === 0) return [];
  const width = Math.max(...steps.map(([command]) => command.length));
  return ['Next:', ...steps.map(([command, what]) => `  ${command.padEnd(width)}  ${what}`)];
};
