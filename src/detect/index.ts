/**
 * Detection: what an existing project already tells us. The facts (src/detect/facts.ts) become defaults,
 * shown as detected in the prompts, and decide how dependencies are installed. Everything is read through
 * src/detect/files.ts: a bounded listing, capped reads, no link followed out of the project; Python is read
 * with a real parser within a fixed budget (src/detect/python.ts). Nothing here writes, and nothing here
 * throws on what a project holds: what cannot be read becomes a warning.
 */
import { detectDependencies, isLockedManager, LOCK_FILES, LOCKED_MANAGERS } from './deps.js';
import { detectEntry } from './entry.js';
import type { ProjectFacts } from './facts.js';
import { ProjectFiles } from './files.js';
import { detectNotebooks } from './notebooks.js';
import { readPyproject } from './pyproject.js';
import { detectPython, pinnedWithoutPythonWarning } from './python-version.js';
import { isTestPath, Sources } from './sources.js';
import { binaryPackages, sourceOnlyWarnings, vcsLockWarnings } from './wheels.js';
import { codeFolderWrites } from './writes.js';

export type { ProjectFacts } from './facts.js';

/** Python modules beside notebooks that still make a notebook project ("a few helper modules"). */
const MAX_HELPERS = 10;

/** The names projects give the template of their `.env` (the settings the app reads, without their values). */
const DOTENV_TEMPLATES = ['.env.example', '.env.sample', '.env.template', '.env.dist', 'example.env'];

/**
 * A `.env` template and no `.env`: compose.yaml passes the project's `.env` only when there is one, so the
 * container would start without the settings the template lists (Kabuda-Backend's required pydantic fields).
 */
const dotenvTemplateWarning = (files: ProjectFiles): string[] => {
  const template = DOTENV_TEMPLATES.find((name) => files.has(name));
  if (template === undefined || files.has('.env')) return [];
  return [
    `${template} lists settings the app reads, and there is no .env: compose.yaml passes a .env only when one is ` +
      `there when it is written, so copy ${template} to .env, fill it in, and run docker-best compose again`,
  ];
};

export const detectProject = (root: string): ProjectFacts => {
  const files = new ProjectFiles(root);
  const document = files.toml('pyproject.toml');
  const pyproject = document === undefined ? undefined : readPyproject(document);
  const sources = new Sources(files);
  const notebooks = detectNotebooks(files);
  const detectedDependencies = detectDependencies(files, pyproject);
  // What each usable lock's packages need (a compiler for those with no wheel, git for git sources): said when
  // the dependencies install from that lock.
  const byChoice: Record<string, readonly string[]> = { ...detectedDependencies.byChoice };
  for (const locked of LOCKED_MANAGERS) {
    if (detectedDependencies.locks[locked] === undefined || detectedDependencies.lockErrors[locked] !== undefined)
      continue;
    byChoice[locked] = [
      ...(byChoice[locked] ?? []),
      ...sourceOnlyWarnings(files, locked),
      ...vcsLockWarnings(files, locked),
    ];
  }
  const dependencies = { ...detectedDependencies, byChoice };
  const manager = dependencies.detected.value;
  // Dependencies from a requirements file one folder down (backend/requirements.txt): that folder is the app's.
  const appFolder = /^(?!requirements\/)[^/]+\//i.exec(manager)?.[0];
  const python = detectPython(
    files,
    pyproject,
    isLockedManager(manager) ? { manager, binary: binaryPackages(files, manager) } : undefined,
    appFolder,
  );
  const found = detectEntry(sources, pyproject, dependencies.installable);
  const hasPython = sources.pyFiles.length > 0;
  const helpers = sources.pyFiles.filter((path) => !isTestPath(path) && path !== 'setup.py');
  // Notebooks with code, a few helper modules and nothing of their own to run: the notebooks are the project.
  const notebookProject =
    notebooks.entry !== undefined &&
    (notebooks.withCode.length > 0 || !hasPython) &&
    found.entry === undefined &&
    helpers.length <= MAX_HELPERS;
  return {
    folderName: files.folderName,
    ...(pyproject?.name !== undefined ? { projectName: pyproject.name } : {}),
    paths: files.paths,
    hasPython,
    notebookProject,
    notebooks: notebooks.notebooks,
    ...(notebooks.entry !== undefined ? { notebookEntry: notebooks.entry } : {}),
    ...(found.entry !== undefined ? { entry: found.entry } : {}),
    ...(found.port !== undefined ? { port: found.port } : {}),
    ...(found.healthpath !== undefined ? { healthpath: found.healthpath } : {}),
    ...(python.python !== undefined ? { python: python.python } : {}),
    ...(found.django !== undefined ? { django: found.django.facts } : {}),
    oneOffs: found.oneOffs,
    dotenv: files.has('.env'),
    // compose.yaml is the file the generator writes (and guards like any other); these others it would shadow.
    composeFiles: ['compose.yml', 'docker-compose.yml', 'docker-compose.yaml'].filter((file) => files.has(file)),
    dependencies,
    ...(pyproject !== undefined ? { pyproject } : {}),
    warnings: [
      ...new Set([
        ...files.warnings,
        ...python.warnings,
        ...notebooks.warnings,
        ...found.warnings,
        ...codeFolderWrites(sources),
        ...dotenvTemplateWarning(files),
        ...dependencies.warnings,
        ...(byChoice[manager] ?? []),
        ...(notebookProject && manager === 'none' && notebooks.imports.length > 0
          ? [
              `${notebooks.entry?.value ?? 'the notebook'} imports ${notebooks.imports.join(', ')}, which nothing ` +
                'here declares (no requirements file, lock or pyproject.toml): the image would have none of them; ' +
                'list them in a requirements.txt',
            ]
          : []),
        ...(python.python === undefined
          ? pinnedWithoutPythonWarning(
              files,
              manager === 'pipenv'
                ? [LOCK_FILES.pipenv]
                : (dependencies.requirements.find((file) => file.file === manager)?.closure ?? []),
            )
          : []),
      ]),
    ],
  };
};
