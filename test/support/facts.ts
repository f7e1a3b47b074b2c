/** ProjectFacts for tests that settle answers without a project on disk. */
import type { ProjectFacts } from '../../src/detect/index.js';

/** Facts of a project with nothing detected, with `over` laid over them. */
export const makeFacts = (over: Partial<ProjectFacts> = {}): ProjectFacts => ({
  folderName: 'project',
  paths: [],
  hasPython: false,
  notebookProject: false,
  notebooks: [],
  oneOffs: [],
  dotenv: false,
  composeFiles: [],
  dependencies: {
    detected: { value: 'none', why: 'no dependency manifest found' },
    requirements: [],
    locks: {},
    lockErrors: {},
    localReferences: [],
    localPackages: {},
    gitPackages: {},
    installable: false,
    setupPy: false,
    setupCfg: false,
    declared: [],
    warnings: [],
    byChoice: {},
  },
  warnings: [],
  ...over,
});

/** The dependency facts of a project with a plain requirements.txt. */
export const REQUIREMENTS_TXT: ProjectFacts['dependencies'] = {
  ...makeFacts().dependencies,
  detected: { value: 'requirements.txt', why: 'requirements.txt lists the dependencies' },
  requirements: [{ file: 'requirements.txt', closure: ['requirements.txt'], hashes: false }],
};
