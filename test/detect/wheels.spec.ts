/**
 * The Python line a lock's wheels allow (src/detect/wheels.ts): a package locked with wheels for particular
 * CPython versions only (asyncpg, greenlet, pydantic-core) would compile from source on a newer Python, which
 * the slim builder cannot; detection then takes the newest line every such package has a Linux wheel for.
 */
import assert from 'node:assert/strict';
import { newestPython, pythonLines } from '../../src/catalogue.js';
import { wheelTags } from '../../src/detect/wheels.js';
import { detect } from '../support/project-dirs.js';

const NEWEST = newestPython();
const minorOf = (line: string): number => Number(line.split('.')[1]);
/** The catalogue line just below the newest: the newest a lock without newest-line wheels allows. */
const SECOND = pythonLines()[1] ?? NEWEST;

const wheel = (name: string, version: string, python: string, abi: string, platform: string): string =>
  `${name}-${version}-${python}-${abi}-${platform}.whl`;

/** Wheels for CPython 3.<from> to 3.<to>, manylinux and macOS. */
const cpWheels = (name: string, version: string, from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_unused, index) => from + index).flatMap((minor) => [
    wheel(name, version, `cp3${String(minor)}`, `cp3${String(minor)}`, 'manylinux_2_17_x86_64.manylinux2014_x86_64'),
    wheel(name, version, `cp3${String(minor)}`, `cp3${String(minor)}`, 'macosx_11_0_arm64'),
  ]);

const poetryProject = (
  packages: { name: string; version: string; files: string[]; group?: string }[],
): Record<string, string> => ({
  'pyproject.toml':
    '[project]\nname = "api"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["asyncpg"]\n',
  'poetry.lock': packages
    .map(
      (entry) =>
        `[[package]]\nname = "${entry.name}"\nversion = "${entry.version}"\noptional = false\n` +
        `python-versions = ">=3.9"\ngroups = ["${entry.group ?? 'main'}"]\nfiles = [\n` +
        entry.files.map((file) => `    {file = "${file}", hash = "sha256:00"},\n`).join('') +
        ']\n',
    )
    .join('\n'),
});

describe('the Python line the lock wheels allow', () => {
  it('reads the tags of a wheel name: exact CPython lines, abi3 from a line on, pure wheels, other platforms', () => {
    assert.deepEqual(wheelTags(wheel('asyncpg', '0.30.0', 'cp313', 'cp313', 'manylinux_2_17_x86_64')), {
      pure: false,
      minors: [13],
    });
    assert.deepEqual(wheelTags(wheel('cryptography', '44.0.0', 'cp39', 'abi3', 'manylinux_2_28_x86_64')), {
      pure: false,
      minors: [],
      from: 9,
    });
    assert.equal(wheelTags(wheel('fastapi', '0.115.0', 'py3', 'none', 'any'))?.pure, true);
    assert.equal(wheelTags(wheel('pywin32', '308', 'cp313', 'cp313', 'win_amd64')), undefined);
    assert.deepEqual(
      wheelTags('https://files.example/x/greenlet-3.2.3-cp314-cp314-musllinux_1_2_x86_64.whl')?.minors,
      [14],
    );
    assert.equal(wheelTags('asyncpg-0.30.0.tar.gz'), undefined);
  });

  it('a Poetry lock with a binary package that has no wheel for the newest line: the newest line it has one for', () => {
    const facts = detect(
      poetryProject([
        {
          name: 'asyncpg',
          version: '0.30.0',
          files: [...cpWheels('asyncpg', '0.30.0', 9, minorOf(SECOND)), 'asyncpg-0.30.0.tar.gz'],
        },
        { name: 'fastapi', version: '0.116.1', files: ['fastapi-0.116.1-py3-none-any.whl', 'fastapi-0.116.1.tar.gz'] },
      ]),
    );
    assert.equal(facts.python?.value, SECOND);
    assert.match(facts.python?.why ?? '', /asyncpg 0\.30\.0/);
    assert.match(facts.python?.why ?? '', new RegExp(`no ${NEWEST.replace('.', '\\.')} `));
  });

  it('a Poetry 1.x lock, whose files sit under [metadata.files]: its binary packages hold the line back too', () => {
    const grpcio = cpWheels('grpcio', '1.49.1', 7, minorOf(SECOND));
    const facts = detect({
      'pyproject.toml':
        '[tool.poetry]\nname = "api"\nversion = "0.1.0"\n\n[tool.poetry.dependencies]\npython = "^3.9"\ngrpcio = "*"\n',
      'poetry.lock': [
        '[[package]]\nname = "grpcio"\nversion = "1.49.1"\ncategory = "main"\noptional = false\npython-versions = ">=3.7"\n',
        '[metadata]\nlock-version = "1.1"\npython-versions = "^3.9"\ncontent-hash = "00"\n',
        '[metadata.files]\ngrpcio = [\n' +
          [...grpcio, 'grpcio-1.49.1.tar.gz'].map((file) => `    {file = "${file}", hash = "sha256:00"},\n`).join('') +
          ']\n',
      ].join('\n'),
    });
    assert.equal(facts.python?.value, SECOND);
    assert.match(facts.python?.why ?? '', /grpcio 1\.49\.1/);
  });

  it('a pdm lock of format 4.0, whose files sit under [metadata.files] by name and version: its binary packages hold the line back too', () => {
    const url = (file: string): string => `https://files.pythonhosted.org/packages/00/2c/${file}`;
    const listed = (key: string, files: string[]): string =>
      `"${key}" = [\n${files.map((file) => `    {url = "${url(file)}", hash = "sha256:00"},\n`).join('')}]\n`;
    const facts = detect({
      'pyproject.toml':
        '[project]\nname = "Tozo"\nversion = ""\ndependencies = [\n    "quart>=0.18.0",\n    "bcrypt>=3.2.2",\n]\n' +
        'requires-python = ">=3.10"\n\n[build-system]\nrequires = ["pdm-pep517>=1.0.0"]\nbuild-backend = "pdm.pep517.api"\n',
      'pdm.lock': [
        '[[package]]\nname = "aiofiles"\nversion = "0.8.0"\nrequires_python = ">=3.6,<4.0"\nsummary = "File support for asyncio."\n',
        '[[package]]\nname = "cffi"\nversion = "1.15.1"\nsummary = "Foreign Function Interface for Python calling C code."\n' +
          'dependencies = [\n    "pycparser",\n]\n',
        '[metadata]\nlock_version = "4.0"\ncontent_hash = "sha256:04af"\n',
        '[metadata.files]\n' +
          listed('aiofiles 0.8.0', ['aiofiles-0.8.0.tar.gz', 'aiofiles-0.8.0-py3-none-any.whl']) +
          listed('cffi 1.15.1', [...cpWheels('cffi', '1.15.1', 6, minorOf(SECOND)), 'cffi-1.15.1.tar.gz']),
      ].join('\n'),
    });
    assert.equal(facts.python?.value, SECOND);
    assert.match(facts.python?.why ?? '', /cffi 1\.15\.1/);
  });

  it("wheels tagged cpXY-none (PyMuPDF 1.24's) install on CPython X.Y: the newest line they are built for", () => {
    const pymupdf = Array.from({ length: minorOf(SECOND) - 7 }, (_unused, index) => 8 + index).map((minor) =>
      wheel('PyMuPDF', '1.24.7', `cp3${String(minor)}`, 'none', 'manylinux2014_x86_64'),
    );
    const facts = detect(poetryProject([{ name: 'pymupdf', version: '1.24.7', files: pymupdf }]));
    assert.equal(facts.python?.value, SECOND, facts.python?.why);
    assert.deepEqual(facts.warnings, []);
  });

  it('a package the lock has only the source of: a warning naming it and the compiler it needs', () => {
    const facts = detect(
      poetryProject([
        { name: 'fastapi', version: '0.116.1', files: ['fastapi-0.116.1-py3-none-any.whl'] },
        { name: 'netifaces', version: '0.11.0', files: ['netifaces-0.11.0.tar.gz'] },
        { name: 'pytest-cov', version: '1.0', files: ['pytest-cov-1.0.tar.gz'], group: 'dev' },
      ]),
    );
    const warned = facts.warnings.filter((warning) => warning.includes('only the source'));
    assert.equal(warned.length, 1, facts.warnings.join('\n'));
    assert.match(
      warned[0] ?? '',
      /^poetry\.lock has no wheel of netifaces 0\.11\.0, only the source: .*--buildpackages build-essential/,
    );
    assert.doesNotMatch(warned[0] ?? '', /pytest-cov/, 'the dev group is not installed');
  });

  it('a pure-Python sdist (pypika in a uv.lock) is not said to compile: it builds from source, C code needs the compiler', () => {
    const facts = detect({
      'pyproject.toml':
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.13"\ndependencies = ["pypika"]\n',
      'uv.lock': [
        'version = 1\nrevision = 1\nrequires-python = ">=3.13"\n',
        '[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [{ name = "pypika" }]\n',
        '[[package]]\nname = "pypika"\nversion = "0.48.9"\nsource = { registry = "https://pypi.org/simple" }\n' +
          'sdist = { url = "https://files.pythonhosted.org/packages/c7/2c/94/PyPika-0.48.9.tar.gz", hash = "sha256:00", size = 67259 }\n',
      ].join('\n'),
    });
    const warned = facts.warnings.filter((warning) => warning.includes('only the source'));
    assert.equal(warned.length, 1, facts.warnings.join('\n'));
    assert.match(warned[0] ?? '', /^uv\.lock has no wheel of pypika 0\.48\.9, only the source: it builds from source/);
    assert.match(warned[0] ?? '', /one with C code needs a compiler .*--buildpackages build-essential/);
    assert.doesNotMatch(warned[0] ?? '', /compiles/);
    assert.doesNotMatch(warned[0] ?? '', /\n/);
  });

  it('pure wheels, abi3 wheels and sdist-only packages leave the newest line', () => {
    const facts = detect(
      poetryProject([
        { name: 'fastapi', version: '0.116.1', files: ['fastapi-0.116.1-py3-none-any.whl'] },
        {
          name: 'cryptography',
          version: '44.0.0',
          files: [wheel('cryptography', '44.0.0', 'cp39', 'abi3', 'manylinux_2_28_x86_64')],
        },
        { name: 'legacy', version: '1.0', files: ['legacy-1.0.tar.gz'] },
      ]),
    );
    assert.equal(facts.python?.value, NEWEST);
  });

  it("a binary package of the dev group does not hold the image's Python back", () => {
    const facts = detect(
      poetryProject([
        { name: 'fastapi', version: '0.116.1', files: ['fastapi-0.116.1-py3-none-any.whl'] },
        { name: 'mypy', version: '1.0', files: cpWheels('mypy', '1.0', 9, 11), group: 'dev' },
      ]),
    );
    assert.equal(facts.python?.value, NEWEST);
  });

  it('uv.lock: wheels by URL, the main dependencies of the project followed', () => {
    const url = (file: string): string => `https://files.pythonhosted.org/packages/ab/cd/${file}`;
    const facts = detect({
      'pyproject.toml': '[project]\nname = "api"\nversion = "0.1.0"\ndependencies = ["greenlet"]\n',
      'uv.lock': [
        'version = 1\nrequires-python = ">=3.12"\n',
        '[[package]]\nname = "api"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [{ name = "greenlet" }]\n',
        '[[package]]\nname = "greenlet"\nversion = "3.2.3"\nsource = { registry = "https://pypi.org/simple" }\n' +
          `wheels = [\n${cpWheels('greenlet', '3.2.3', 12, minorOf(SECOND))
            .map((file) => `    { url = "${url(file)}", hash = "sha256:00" },\n`)
            .join('')}]\n`,
      ].join('\n'),
    });
    assert.equal(facts.python?.value, SECOND);
  });

  it('no line with a wheel of every binary package: the line fewest lack one for, the newer of equals, not the newest', () => {
    // mealie's and Tozo's locks: pydantic-core built for 3.8-3.13, asyncpg 0.26.0 for 3.6-3.10 only.
    const facts = detect(
      poetryProject([
        {
          name: 'pydantic-core',
          version: '2.23.4',
          files: [...cpWheels('pydantic_core', '2.23.4', 8, 13), 'pydantic_core-2.23.4.tar.gz'],
        },
        {
          name: 'asyncpg',
          version: '0.26.0',
          files: [...cpWheels('asyncpg', '0.26.0', 6, 10), 'asyncpg-0.26.0.tar.gz'],
        },
      ]),
    );
    assert.equal(facts.python?.value, '3.13', facts.python?.why);
    assert.match(facts.python?.why ?? '', /3\.13 is the line fewest of the lock's binary packages lack a wheel for/);
    const warned = facts.warnings.filter((warning) => warning.includes('no Linux wheel'));
    assert.equal(warned.length, 1, facts.warnings.join('\n'));
    assert.match(
      warned[0] ?? '',
      /^asyncpg 0\.26\.0 in the lock has no Linux wheel for Python 3\.13: .*--buildpackages/,
    );
  });

  it('a binary package with no wheel for any line the project allows: the asked line, and a warning naming it', () => {
    const facts = detect(poetryProject([{ name: 'oldbin', version: '1.0', files: cpWheels('oldbin', '1.0', 6, 8) }]));
    assert.equal(facts.python?.value, NEWEST);
    assert.ok(
      facts.warnings.some((warning) => /oldbin 1\.0 .*no Linux wheel .*compiler/.test(warning)),
      facts.warnings.join('\n'),
    );
  });
});

describe('locks that fetch from git', () => {
  it('uv.lock and Pipfile.lock with a git source: a warning naming the package and --buildpackages git', () => {
    const uv = detect({
      'pyproject.toml': '[project]\nname = "api"\nversion = "0.1.0"\ndependencies = ["utils"]\n',
      'uv.lock': [
        'version = 1\nrequires-python = ">=3.12"\n',
        '[[package]]\nname = "api"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [{ name = "utils" }]\n',
        '[[package]]\nname = "utils"\nversion = "1.0.0"\nsource = { git = "https://github.com/example/utils?rev=6f1840a#6f1840a" }\n',
      ].join('\n'),
    });
    assert.ok(
      uv.warnings.some((warning) => /^uv\.lock fetches utils from git, .*--buildpackages git$/.test(warning)),
      uv.warnings.join('\n'),
    );
    const pipenv = detect({
      Pipfile: '[packages]\nutils = {git = "https://github.com/example/utils.git", ref = "6f1840a"}\n',
      'Pipfile.lock': JSON.stringify({
        _meta: {},
        default: { utils: { git: 'https://github.com/example/utils.git', ref: '6f1840a' } },
        develop: {},
      }),
    });
    assert.ok(
      pipenv.warnings.some((warning) => /^Pipfile\.lock fetches utils from git/.test(warning)),
      pipenv.warnings.join('\n'),
    );
  });
});
