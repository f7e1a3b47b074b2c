/**
 * Golden files: what the generator writes for each project under examples/, run as a user runs it
 * (`docker-best --defaults` in a copy of the example, the folder named like it), kept in
 * test/golden/<example>.txt, one file a project with every generated file under a `==> path <==` header.
 * A template or context change then shows as an output diff in review.
 *
 *   npm run golden          write them anew from the current build (then review `git diff test/golden`)
 *
 * test/golden.spec.ts compares a fresh run with them.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'dist', 'bin', 'docker-best.js');
export const EXAMPLES = join(REPO, 'examples');
export const GOLDEN = join(REPO, 'test', 'golden');

/** The examples: every folder of examples/. */
export const examples = (): string[] =>
  readdirSync(EXAMPLES)
    .filter((name) => statSync(join(EXAMPLES, name)).isDirectory())
    .sort();

/** Every file below `dir`, relative, sorted. */
const filesBelow = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => statSync(join(dir, path)).isFile())
    .sort();

/**
 * Run the generator on a copy of examples/<example> and return what it wrote, as the golden text: the files
 * the run created or changed, each under its header, with `(executable)` on the header where it is.
 */
export const generateExample = (example: string): string => {
  const root = mkdtempSync(join(tmpdir(), 'docker-best-golden-'));
  try {
    const dir = join(root, example);
    cpSync(join(EXAMPLES, example), dir, { recursive: true });
    const before = new Map(filesBelow(dir).map((path) => [path, readFileSync(join(dir, path), 'utf8')]));
    execFileSync(process.execPath, [BIN, '--defaults'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    const parts: string[] = [];
    for (const path of filesBelow(dir)) {
      const text = readFileSync(join(dir, path), 'utf8');
      if (before.get(path) === text) continue;
      const executable = (statSync(join(dir, path)).mode & 0o111) !== 0 ? ' (executable)' : '';
      parts.push(`==> ${path}${executable} <==\n${text}`);
    }
    return parts.join('\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
};

export const goldenPath = (example: string): string => join(GOLDEN, `${example}.txt`);

/** Write every golden file anew; says which changed. */
const update = (): void => {
  mkdirSync(GOLDEN, { recursive: true });
  for (const example of examples()) {
    const text = generateExample(example);
    let old = '';
    try {
      old = readFileSync(goldenPath(example), 'utf8');
    } catch {
      // A new example: no golden file yet.
    }
    writeFileSync(goldenPath(example), text);
    console.log(`${old === text ? 'same   ' : 'changed'} ${relative(REPO, goldenPath(example))}`);
  }
};

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) update();
