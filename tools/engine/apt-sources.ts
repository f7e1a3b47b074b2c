/**
 * The Debian mirror debootstrap uses for the stand-ins' roots: the one this host's apt already uses, read
 * from its sources (`/etc/apt/sources.list`, `/etc/apt/sources.list.d/*.list` in the one-line format and
 * `*.sources` in the deb822 format), so a machine behind its own mirror or proxy works as it is.
 * DOCKER_BEST_DEBIAN_MIRROR overrides it.
 *
 * The archive is the `deb` entry with the `main` component whose suite is the host's own codename
 * (`bookworm`, not `bookworm-security` or `bookworm-updates`): that one serves every release of the archive.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MIRROR_VARIABLE = 'DOCKER_BEST_DEBIAN_MIRROR';

export interface AptSource {
  readonly types: readonly string[];
  readonly uris: readonly string[];
  readonly suites: readonly string[];
  readonly components: readonly string[];
  /** The file it was read from, for messages. */
  readonly file: string;
}

const words = (value: string | undefined): string[] => (value ?? '').split(/\s+/).filter(Boolean);

/** One-line entries: `deb [option=value ...] URI SUITE [COMPONENT ...]`; comments and blank lines skipped. */
export const parseSourcesList = (text: string, file = 'sources.list'): AptSource[] =>
  text.split('\n').flatMap((raw) => {
    const line = raw.replace(/#.*$/, '').trim();
    const match = /^(deb|deb-src)\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)(.*)$/.exec(line);
    if (!match) return [];
    const [, type = '', uri = '', suite = '', rest] = match;
    return [{ types: [type], uris: [uri], suites: [suite], components: words(rest), file }];
  });

/** deb822 paragraphs (`Types:`, `URIs:`, `Suites:`, `Components:`, `Enabled:`); folded lines joined. */
export const parseDeb822 = (text: string, file = 'debian.sources'): AptSource[] =>
  text
    .split(/\n[ \t]*\n/)
    .map((paragraph) => {
      const fields = new Map<string, string>();
      let last = '';
      for (const line of paragraph.split('\n')) {
        if (line.startsWith('#')) continue;
        if (/^[ \t]/.test(line) && last !== '') {
          fields.set(last, `${fields.get(last) ?? ''} ${line.trim()}`);
          continue;
        }
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        last = line.slice(0, colon).trim().toLowerCase();
        fields.set(last, line.slice(colon + 1).trim());
      }
      return fields;
    })
    .filter((fields) => fields.has('uris') && (fields.get('enabled') ?? 'yes').toLowerCase() !== 'no')
    .map((fields) => ({
      types: words(fields.get('types')),
      uris: words(fields.get('uris')),
      suites: words(fields.get('suites')),
      components: words(fields.get('components')),
      file,
    }));

/** The Debian archive among `sources` for a host of `codename`; undefined when none qualifies. */
export const pickMirror = (sources: readonly AptSource[], codename: string): string | undefined => {
  const archive = sources.find(
    (source) =>
      source.types.includes('deb') &&
      source.components.includes('main') &&
      source.suites.includes(codename) &&
      source.uris.some((uri) => /^(https?|ftp|file):/.test(uri)),
  );
  return archive?.uris.find((uri) => /^(https?|ftp|file):/.test(uri))?.replace(/\/+$/, '');
};

/** The host's apt sources, in the order apt reads them. */
export const readHostSources = (etc = '/etc/apt'): AptSource[] => {
  const sources: AptSource[] = [];
  const list = join(etc, 'sources.list');
  if (existsSync(list)) sources.push(...parseSourcesList(readFileSync(list, 'utf8'), list));
  const dir = join(etc, 'sources.list.d');
  const entries = existsSync(dir) ? readdirSync(dir).sort() : [];
  for (const name of entries) {
    const path = join(dir, name);
    if (name.endsWith('.list')) sources.push(...parseSourcesList(readFileSync(path, 'utf8'), path));
    else if (name.endsWith('.sources')) sources.push(...parseDeb822(readFileSync(path, 'utf8'), path));
  }
  return sources;
};

/** A field of /etc/os-release (ID, VERSION_CODENAME), unquoted; empty when absent. */
export const osReleaseField = (text: string, field: string): string => {
  const match = new RegExp(`^${field}=(.*)$`, 'm').exec(text);
  return (match?.[1] ?? '').trim().replace(/^(["'])(.*)\1$/, '$2');
};

/**
 * The mirror for debootstrap: DOCKER_BEST_DEBIAN_MIRROR, else the host's Debian archive. Throws with the
 * reason (and the variable to set) on a host that is not Debian or whose sources name no archive.
 */
export const debianMirror = (env: NodeJS.ProcessEnv = process.env, etc = '/etc'): string => {
  const override = env[MIRROR_VARIABLE]?.trim();
  if (override) return override;
  const osRelease = existsSync(join(etc, 'os-release')) ? readFileSync(join(etc, 'os-release'), 'utf8') : '';
  const id = osReleaseField(osRelease, 'ID');
  const codename = osReleaseField(osRelease, 'VERSION_CODENAME');
  if (id !== 'debian' || codename === '') {
    throw new Error(
      `this host is not Debian (${join(etc, 'os-release')}: ID=${id || '?'}), so its apt sources name no Debian ` +
        `mirror for debootstrap; set ${MIRROR_VARIABLE} to one`,
    );
  }
  const sources = readHostSources(join(etc, 'apt'));
  const mirror = pickMirror(sources, codename);
  if (mirror === undefined) {
    throw new Error(
      `no deb entry with suite ${codename} and component main in ${join(etc, 'apt')}/sources.list or ` +
        `sources.list.d/*.list, *.sources (read ${sources.length} entries); set ${MIRROR_VARIABLE} to a Debian mirror`,
    );
  }
  return mirror;
};
