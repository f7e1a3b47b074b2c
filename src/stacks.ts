import type { OsFamily } from './catalogue.js';

export const STACK_NAMES = ['python-debian', 'python-alpine', 'jupyter'] as const;
export type Stack = (typeof STACK_NAMES)[number];

export interface StackTraits {
  /** Which base image family the final image uses. */
  readonly family: OsFamily;
  /** The entry point is a notebook converted to a script at build time. */
  readonly notebook: boolean;
  /** One line for prompts and docs. */
  readonly label: string;
}

export const STACKS: Readonly<Record<Stack, StackTraits>> = {
  'python-debian': { family: 'debian', notebook: false, label: 'Python on Debian slim' },
  'python-alpine': { family: 'alpine', notebook: false, label: 'Python on Alpine' },
  jupyter: { family: 'debian', notebook: true, label: 'Jupyter notebook, converted to a script, on Debian slim' },
};

export const isStack = (value: string): value is Stack => (STACK_NAMES as readonly string[]).includes(value);
