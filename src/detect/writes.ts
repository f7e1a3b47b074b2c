/**
 * Writes an app would make into its own code folder, which is read-only in the container: a SQLite database at
 * a relative URL (`sqlite:///./sql_app.db`, as FastAPI's and Flask-SQLAlchemy's tutorials write it). Django's
 * settings are read in src/detect/django.ts; this looks at the URLs in the code. A URL that is only the default
 * of a setting read from the environment (`os.getenv("DATABASE_URL", "sqlite:///./app.db")`, a field of a
 * pydantic-settings class) is the deployer's to set, and is not reported.
 */
import { ENVIRONMENT_READERS, isTestPath, type Sources } from './sources.js';

/** `sqlite:///relative.db` or `sqlite+aiosqlite:///./data/app.db`: three slashes, then no fourth. */
const RELATIVE_SQLITE = /["'](sqlite(?:\+\w+)?:\/\/\/(?!\/|:memory:)[^"'\s]+)["']/;
/** A line that reads the environment or a settings helper: a URL there is a default. */
const CONFIGURABLE = new RegExp(`\\b(?:${ENVIRONMENT_READERS.join('|')})\\b`);

/** One warning per relative SQLite URL found (the first three), naming the file and the fix. */
export const codeFolderWrites = (sources: Sources): string[] => {
  const found: { file: string; url: string }[] = [];
  for (const file of sources.pyFiles) {
    if (isTestPath(file) || found.length >= 3) continue;
    const text = sources.files.source(file) ?? '';
    // pydantic-settings reads every field from the environment.
    if (/\bBaseSettings\b/.test(text)) continue;
    for (const line of text.split('\n')) {
      const url = RELATIVE_SQLITE.exec(line)?.[1];
      if (url === undefined || CONFIGURABLE.test(line)) continue;
      found.push({ file, url });
      break;
    }
  }
  return found.map(
    ({ file, url }) =>
      `${file} keeps a SQLite database at ${url}, a path relative to the code folder, which is read-only in the ` +
      'container: read the URL from the environment (e.g. os.environ.get("DATABASE_URL", ...)) and pass ' +
      '--env DATABASE_URL=sqlite:////home/app/data/app.db to keep it on the volume',
  );
};
