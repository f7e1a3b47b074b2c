/**
 * The whole setup rendered in-process, along the generator's own path (answers model -> resolution ->
 * src/files.ts contexts -> src/templates.ts), for tests that render thousands of answers.
 */
import { ANSWER_NAMES } from '../../src/answers.js';
import type { ProjectFacts } from '../../src/detect/index.js';
import { makeFacts, REQUIREMENTS_TXT } from './facts.js';
import { destinationOf, FILE_NAMES, FILES } from '../../src/files.js';
import { complete, resolveAnswers } from '../../src/resolve.js';
import { renderText, TemplateSet } from '../../src/templates.js';
import type { Answers } from '../../src/model.js';

/** A project with a script, a notebook and requirements.txt, as detection would see it. */
export const PROJECT_FACTS: ProjectFacts = makeFacts({
  // No file listing: entries are not checked against the project's files, so any valid entry renders.
  paths: [],
  hasPython: true,
  notebooks: ['report.ipynb'],
  notebookEntry: { value: 'report.ipynb', why: 'the first notebook with code' },
  entry: { value: 'app.py', why: 'app.py is there' },
  dependencies: REQUIREMENTS_TXT,
});

/** Files that make a folder look like PROJECT_FACTS (but for its name). */
export const PROJECT_FILES: Readonly<Record<string, string>> = {
  'app.py': 'print("hello")\n',
  'requirements.txt': '',
  'report.ipynb': '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
};

/** Settle every answer from options alone, taking defaults, as `npx docker-best --defaults ...` does. */
export const settle = async (options: Readonly<Record<string, string>>, facts = PROJECT_FACTS): Promise<Answers> => {
  const { answers } = await resolveAnswers(
    ANSWER_NAMES,
    { options, stored: {}, storedFile: '.yo-rc.json', facts },
    { takeDefaults: true },
  );
  return complete(ANSWER_NAMES, answers);
};

const TEMPLATES = new TemplateSet();

/** Every generated file, by its path in the project. */
export const renderSetup = (answers: Answers, facts = PROJECT_FACTS): Record<string, string> =>
  Object.fromEntries(
    FILE_NAMES.flatMap((name) => {
      const file = FILES[name];
      const destination = destinationOf(file, answers);
      return destination === null
        ? []
        : [[destination, renderText(TEMPLATES, file.template, file.context(answers, facts))]];
    }),
  );
