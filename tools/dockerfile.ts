/**
 * A Dockerfile as the tests look at it: parsed with dockerfile-ast into stages of instructions, with the
 * global ARGs resolved in FROM lines. Tests assert on this, never on raw text.
 */
import { DockerfileParser, type Instruction, type ModifiableInstruction } from 'dockerfile-ast';

export interface Stage {
  readonly name: string | null;
  /** The FROM image with global ARGs substituted, e.g. `python:3.15.0-slim-trixie`. */
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

export interface ParsedDockerfile {
  readonly text: string;
  readonly args: ReadonlyMap<string, string>;
  readonly stages: readonly Stage[];
  readonly all: readonly Instruction[];
  stage(name: string): Stage;
  readonly final: Stage;
}

const substitute = (value: string, args: ReadonlyMap<string, string>): string =>
  value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (all, name: string) => args.get(name) ?? all);

export const parseDockerfile = (text: string): ParsedDockerfile => {
  const dockerfile = DockerfileParser.parse(text);
  const args = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    if (property) args.set(property.getName(), property.getValue() ?? '');
  }
  const all = dockerfile.getInstructions();
  const stages: Stage[] = [];
  let current: { name: string | null; image: string; instructions: Instruction[] } | undefined;
  for (const instruction of all) {
    if (instruction.getKeyword() === 'FROM') {
      const from = dockerfile
        .getFROMs()
        .find((candidate) => candidate.getRange().start.line === instruction.getRange().start.line);
      current = {
        name: from?.getBuildStage() ?? null,
        image: substitute(from?.getImage() ?? '', args),
        instructions: [],
      };
      stages.push(current);
    } else if (current) {
      current.instructions.push(instruction);
    }
  }
  const final = stages[stages.length - 1];
  if (!final) throw new Error('the Dockerfile has no FROM');
  return {
    text,
    args,
    stages,
    all,
    final,
    stage: (name) => {
      const found = stages.find((candidate) => candidate.name === name);
      if (!found) throw new Error(`no stage ${name}; stages: ${stages.map((stage) => stage.name).join(', ')}`);
      return found;
    },
  };
};

export const byKeyword = (stage: Stage | ParsedDockerfile, keyword: string): Instruction[] =>
  ('instructions' in stage ? stage.instructions : stage.all).filter(
    (instruction) => instruction.getKeyword() === keyword,
  );

/** The arguments of an exec-form instruction (CMD, ENTRYPOINT, HEALTHCHECK CMD) as strings. */
export const execArgs = (instruction: Instruction): string[] => {
  if (instruction.getKeyword() === 'HEALTHCHECK') {
    // dockerfile-ast gives HEALTHCHECK its subcommand and raw words; the exec form after CMD is JSON.
    const json = (instruction.getArgumentsContent() ?? '').replace(/^CMD\s+/, '');
    const parsed: unknown = JSON.parse(json);
    if (!Array.isArray(parsed)) throw new Error(`HEALTHCHECK CMD is not in exec form: ${json}`);
    return parsed.map(String);
  }
  // JSON.parse, not dockerfile-ast's getJSONStrings(), which drops the spaces inside a string
  // (["python", "my report.py"] reads as "myreport.py"); Docker reads exec forms as JSON.
  const json = (instruction.getArgumentsContent() ?? '').replace(/\\\n/g, ' ');
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) throw new Error(`${instruction.getKeyword()} is not in exec form: ${json}`);
  return parsed.map(String);
};

/** An instruction's flags as `name=value` (`mount=type=cache,target=/root/.cache/pip`). */
export const flagsOf = (instruction: Instruction): string[] =>
  ((instruction as Partial<ModifiableInstruction>).getFlags?.() ?? []).map(
    (flag) => `${flag.getName()}=${flag.getValue() ?? ''}`,
  );

/** An instruction's arguments without its flags, as one line: a RUN's shell command. */
export const commandOf = (instruction: Instruction): string =>
  (instruction.getArgumentsContent() ?? '').replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();

/** An instruction's flags (`--from=builder`) and arguments as one line, continuation lines joined. */
export const runText = (instruction: Instruction): string => {
  const flags = (instruction as Partial<ModifiableInstruction>).getFlags?.() ?? [];
  const text = [
    ...flags.map((flag) => `--${flag.getName()}=${flag.getValue() ?? ''}`),
    instruction.getArgumentsContent() ?? '',
  ].join(' ');
  return text.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
};
