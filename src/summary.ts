/**
 * What a run tells the user besides its questions: what the project showed (before asking) and what to do
 * next (after writing). Pure: the generator prints the lines.
 */
import type { ProjectFacts } from './detect/index.js';
import { CI_FILES } from './context/ci.js';
import type { Answers } from './model.js';

const row = (label: string, value: string, why: string): string => `  ${label.padEnd(7)} ${value}  (${why})`;

/**
 * The warnings of a run whose dependencies install the `deps` way (the `--deps` text; undefined: not settled
 * yet): those of the detected way are replaced by those of the chosen one (two locks at once: which one is used),
 * and, while nothing is chosen, why nothing can be offered as the default.
 */
export const runWarnings = (facts: ProjectFacts, deps?: string): readonly string[] => {
  const { detected, byChoice, unusable } = facts.dependencies;
  if (deps === undefined) return unusable === undefined ? facts.warnings : [...facts.warnings, unusable];
  if (deps === detected.value) return facts.warnings;
  const detectedOnly = new Set(byChoice[detected.value] ?? []);
  return [...new Set([...facts.warnings.filter((warning) => !detectedOnly.has(warning)), ...(byChoice[deps] ?? [])])];
};

/**
 * The detected values with their reasons, and the warnings; empty when nothing was detected. `deps` is the
 * `--deps` text when it is settled (given, stored, or the run's answer): the row and the warnings follow it.
 */
export const detectionSummary = (facts: ProjectFacts, deps?: string): string[] => {
  const rows: string[] = [];
  if (facts.entry !== undefined) rows.push(row('entry', facts.entry.value, facts.entry.why));
  else if (facts.notebookEntry !== undefined)
    rows.push(row('entry', facts.notebookEntry.value, facts.notebookEntry.why));
  if (facts.port !== undefined) rows.push(row('port', String(facts.port.value), facts.port.why));
  if (facts.healthpath !== undefined) rows.push(row('health', `http ${facts.healthpath.value}`, facts.healthpath.why));
  const { detected } = facts.dependencies;
  const shownDeps = deps ?? detected.value;
  if (shownDeps !== 'none') {
    rows.push(row('deps', shownDeps, shownDeps === detected.value ? detected.why : 'given'));
  }
  if (facts.python !== undefined) rows.push(row('python', facts.python.value, facts.python.why));
  const warnings = runWarnings(facts, deps).map((warning) => `  warning: ${warning}`);
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
      'docker compose -f compose.yaml -f compose.dev.yaml up --build --watch',
      'develop: your edits reach the container',
    ]);
  }
  if (written.has('stack.yaml')) {
    steps.push(['docker stack deploy -c stack.yaml <stack>', 'on a swarm: limits, replicas, rolling updates']);
  }
  const ci = Object.values(CI_FILES).find((file) => written.has(file));
  if (ci !== undefined)
    steps.push(['git push', `${ci} checks, builds, attests and pushes (secrets: README.Docker.md)`]);
  if (written.has('README.Docker.md')) steps.push(['README.Docker.md', 'what each choice is for, tags, pruning']);
  if (steps.length === 0) return [];
  const width = Math.max(...steps.map(([command]) => command.length));
  return ['Next:', ...steps.map(([command, what]) => `  ${command.padEnd(width)}  ${what}`)];
};
