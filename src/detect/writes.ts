/**
 * Writes an app would make into its own code folder, which is read-only in the container: a SQLite database at
 * a relative URL (`sqlite:///./sql_app.db`, as FastAPI's and Flask-SQLAlchemy's tutorials write it), and log
 * files (`RotatingFileHandler(os.path.join(basedir, "logs/info.log"))`, a dictConfig `'filename'`): the whole
 * root file system is read-only, so a log file fails at start-up wherever it is, unless on a volume. Django's
 * settings are read in src/detect/django.ts; this looks at the URLs in the code. A URL that is only the default
 * of a setting read from the environment (`os.getenv("DATABASE_URL", "sqlite:///./app.db")`, a field of a
 * pydantic-settings class) is the deployer's to set, and is not reported.
 */
import { ENVIRONMENT_READERS, isTestPath, type Sources } from './sources.js';

/** `sqlite:///relative.db` or `sqlite+aiosqlite:///./data/app.db`: three slashes, then no fourth. */
const RELATIVE_SQLITE = /["'](sqlite(?:\+\w+)?:\/\/\/(?!\/|:memory:)[^"'\s]+)["']/;
/** A line that reads the environment or a settings helper: a URL there is a default. */
const CONFIGURABLE = new RegExp(`\\b(?:${ENVIRONMENT_READERS.join('|')})\\b`);

/** A logging handler that writes a file, by class or by `basicConfig(filename=...)`. */
const FILE_HANDLER = /\b(?:(?:Rotating|TimedRotating|Watched)?FileHandler\b|basicConfig\s*\([^)]*\bfilename\s*=)/;
/** Where such a handler's file is named: its call, or a dictConfig handler's `filename` key. */
const LOG_FILE =
  /(?:FileHandler\s*\(|basicConfig\s*\([^)]*?\bfilename\s*=|["']filename["']\s*:)\s*([^\n]*(?:\n[^\n]*)?)/g;
/** A file name in the text after it: a string with a `.log` name or a folder. */
const LOG_NAME = /["']([^"'\s]*(?:\.log|\/)[^"'\s]*)["']/;

/** The files that log to a file (the first three), with the name they give it. */
const logFiles = (sources: Sources): { file: string; name: string }[] => {
  const found: { file: string; name: string }[] = [];
  for (const file of sources.pyFiles) {
    if (isTestPath(file) || found.length >= 3) continue;
    const text = sources.files.source(file) ?? '';
    if (!FILE_HANDLER.test(text)) continue;
    for (const match of text.matchAll(LOG_FILE)) {
      const after = match[1] ?? '';
      const name = LOG_NAME.exec(after)?.[1];
      // A path read from the environment is the deployer's to point at a volume.
      if (name === undefined || name.startsWith('/tmp/') || CONFIGURABLE.test(after)) continue;
      found.push({ file, name });
      break;
    }
  }
  return found;
};

const logFileWrites = (sources: Sources): string[] =>
  logFiles(sources).map(
    ({ file, name }) =>
      `${file} logs to a file (${name}), but the container's file system is read-only, so the app fails when it ` +
      'opens it: log to the console instead (logging.StreamHandler; Docker keeps the output, `docker compose logs`), ' +
      'or pass --volumes with the folder the file is in',
  );

const sqliteWrites = (sources: Sources): string[] => {
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

/** One warning per relative SQLite URL and per log file found (the first three of each), naming the file and the fix. */
export const codeFolderWrites = (sources: Sources): string[] => [...sqliteWrites(sources), ...logFileWrites(sources)];
