/**
 * The Debian mirror the stand-ins' roots are debootstrapped from is the host's own: read from its apt sources
 * in both formats. Runs without an engine.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MIRROR_VARIABLE,
  debianMirror,
  parseDeb822,
  parseSourcesList,
  pickMirror,
} from '../../tools/engine/apt-sources.js';

const DEB822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.example.org/debian/
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example.org/debian-security
Suites: bookworm-security
Components: main
`;

describe('engine harness: the Debian mirror comes from the host apt sources', function () {
  let etc = '';
  const host = (osRelease: string, files: Record<string, string>): string => {
    mkdirSync(join(etc, 'apt', 'sources.list.d'), { recursive: true });
    writeFileSync(join(etc, 'os-release'), osRelease);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(etc, 'apt', name), text);
    return etc;
  };

  beforeEach(function () {
    etc = mkdtempSync(join(tmpdir(), 'docker-best-apt-'));
  });
  afterEach(function () {
    rmSync(etc, { recursive: true, force: true });
  });

  it('reads a deb822 .sources file, skipping security and updates suites', function () {
    const dir = host('ID=debian\nVERSION_CODENAME=bookworm\n', { 'sources.list.d/debian.sources': DEB822 });
    assert.equal(debianMirror({}, dir), 'http://mirror.example.org/debian');
  });

  it('reads one-line .list entries with options, and passes over other vendors and deb-src', function () {
    const list = [
      '# deb http://commented.example.org/debian bookworm main',
      'deb-src http://src.example.org/debian bookworm main',
      'deb [arch=amd64 signed-by=/usr/share/keyrings/nodesource.gpg] https://deb.nodesource.example/node_20.x nodistro main',
      'deb https://download.docker.example/linux/debian bookworm stable',
      'deb [signed-by=/k.gpg] https://mirror.example.net/debian bookworm main contrib # the archive',
    ].join('\n');
    const dir = host('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_CODENAME=bookworm\n', {
      'sources.list': list,
    });
    assert.equal(debianMirror({}, dir), 'https://mirror.example.net/debian');
  });

  it('passes over a deb822 paragraph with Enabled: no, and takes folded fields', function () {
    const sources = parseDeb822(
      `Enabled: no\nTypes: deb\nURIs: http://off.example.org/debian\nSuites: trixie\nComponents: main\n\nTypes: deb\nURIs:\n http://on.example.org/debian\nSuites: trixie\nComponents: main\n`,
    );
    assert.equal(pickMirror(sources, 'trixie'), 'http://on.example.org/debian');
    assert.deepEqual(parseSourcesList('deb http://x.example/debian trixie main')[0]?.components, ['main']);
  });

  it(`prefers ${MIRROR_VARIABLE}, and says what to set on a host that names no mirror`, function () {
    assert.equal(
      debianMirror({ [MIRROR_VARIABLE]: 'http://override.example/debian' }, etc),
      'http://override.example/debian',
    );
    const ubuntu = host('ID=ubuntu\nVERSION_CODENAME=noble\n', {});
    assert.throws(() => debianMirror({}, ubuntu), new RegExp(`not Debian .*set ${MIRROR_VARIABLE}`));
    const empty = host('ID=debian\nVERSION_CODENAME=bookworm\n', { 'sources.list': '' });
    assert.throws(() => debianMirror({}, empty), new RegExp(`no deb entry with suite bookworm .*${MIRROR_VARIABLE}`));
  });
});
