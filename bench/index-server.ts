/**
 * Downloads, for the benchmark: the stand-ins carry their wheels inside the image, so no build downloads
 * anything and a pip cache mount can save nothing. This serves the same wheels over HTTP from the host, at a
 * set bandwidth, as a package index, and derives from a stand-in a base image whose pip uses it (the baked
 * wheels removed): builds then download as they do from PyPI: a project page, then the wheel, each request a
 * round trip away.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { must } from '../tools/engine/commands.js';
import { bridgeAddress } from '../tools/engine/processes.js';

/** Passes bytes on at `bytesPerSecond`, in slices of a tenth of a second. */
class Throttle extends Transform {
  readonly #bytesPerSecond: number;
  readonly #started = performance.now();
  #sent = 0;

  constructor(bytesPerSecond: number) {
    super();
    this.#bytesPerSecond = bytesPerSecond;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const slice = Math.max(1, Math.floor(this.#bytesPerSecond / 10));
    const pushSlices = (offset: number): void => {
      if (offset >= chunk.length) {
        done();
        return;
      }
      const part = chunk.subarray(offset, offset + slice);
      this.#sent += part.length;
      this.push(part);
      const due = (this.#sent / this.#bytesPerSecond) * 1000 - (performance.now() - this.#started);
      setTimeout(() => pushSlices(offset + slice), Math.max(0, due));
    };
    pushSlices(0);
  }
}

export interface WheelIndex {
  /** The index URL builds use: http://<docker0 address>:<port>/simple/ */
  readonly url: string;
  readonly host: string;
  /** How many requests it has answered, and how many of them with a whole wheel. */
  readonly served: () => { readonly requests: number; readonly wheels: number };
  readonly close: () => Promise<void>;
}

/** How the index answers, modelled on PyPI (BENCH_DOWNLOAD_MBPS, BENCH_LATENCY_MS in bench/run.ts). */
export interface IndexNetwork {
  /** Each wheel's download rate. */
  readonly bytesPerSecond: number;
  /** Waited before every answer: the round trip to PyPI's CDN that each of pip's requests costs. */
  readonly latencyMs: number;
}

/** A project's name as PEP 503 normalises it (`Typing_Extensions` -> `typing-extensions`). */
export const normaliseProject = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

/** The wheels of `names`, grouped by their normalised project (a wheel's name starts with its distribution). */
export const wheelsByProject = (names: readonly string[]): ReadonlyMap<string, readonly string[]> => {
  const projects = new Map<string, string[]>();
  for (const name of names.filter((file) => file.endsWith('.whl'))) {
    const project = normaliseProject(name.split('-')[0] ?? name);
    projects.set(project, [...(projects.get(project) ?? []), name]);
  }
  return projects;
};

/**
 * Serve every wheel of `dir` as a PEP 503 simple index, as PyPI does: a page per project, then the wheel.
 * Every answer waits `latencyMs` first. A project page carries an ETag and must be revalidated (PyPI's pages
 * are fresh for ten minutes; a requirements change usually comes later than that, so pip asks again and gets
 * a 304); a wheel never changes, so pip's HTTP cache keeps it (PyPI's file host's headers).
 */
export const serveWheels = (dir: string, network: IndexNetwork): Promise<WheelIndex> => {
  const projects = wheelsByProject(readdirSync(dir));
  const files = new Set([...projects.values()].flat());
  let requests = 0;
  let wheels = 0;
  const answer = (request: IncomingMessage, response: ServerResponse): void => {
    const path = decodeURIComponent((request.url ?? '').split('?')[0] ?? '');
    const page = /^\/simple\/([^/]+)\/$/.exec(path);
    if (page !== null) {
      const links = projects.get(normaliseProject(page[1] ?? ''));
      if (links === undefined) {
        response.writeHead(404).end();
        return;
      }
      const body = `<!DOCTYPE html>\n<html><body>\n${links.map((name) => `<a href="/files/${name}">${name}</a><br>`).join('\n')}\n</body></html>\n`;
      const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
      const headers = { ETag: etag, 'Cache-Control': 'max-age=0, must-revalidate, public' };
      if (request.headers['if-none-match'] === etag) {
        response.writeHead(304, headers).end();
        return;
      }
      response.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(body);
      return;
    }
    const name = path.replace(/^\/files\//, '');
    if (!path.startsWith('/files/') || !files.has(name)) {
      response.writeHead(404).end();
      return;
    }
    const file = join(dir, name);
    wheels += 1;
    response.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Cache-Control': 'max-age=365000000, immutable, public',
      'Content-Length': String(statSync(file).size),
    });
    createReadStream(file).pipe(new Throttle(network.bytesPerSecond)).pipe(response);
  };
  const server: Server = createServer((request, response) => {
    requests += 1;
    setTimeout(() => answer(request, response), network.latencyMs);
  });
  const host = bridgeAddress();
  return new Promise((resolve) => {
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        url: `http://${host}:${String(port)}/simple/`,
        host,
        served: () => ({ requests, wheels }),
        close: () => new Promise((closed) => server.close(() => closed())),
      });
    });
  });
};

/**
 * A base image like `base` whose pip downloads from the index instead of its baked wheels, tagged `tag`.
 * The stand-ins' /etc/pip.conf and /opt/docker-best-wheels are tools/engine/standins.sh's.
 */
export const downloadingBase = async (base: string, tag: string, index: WheelIndex): Promise<void> => {
  const conf = `[global]\\nindex-url = ${index.url}\\ntrusted-host = ${index.host}\\n`;
  const dockerfile = [
    `FROM ${base}`,
    'USER root',
    `RUN rm -rf /opt/docker-best-wheels && printf '${conf}' >/etc/pip.conf`,
    '',
  ].join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'docker-best-bench-base-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), dockerfile);
    await must('building the downloading base', 'docker', ['build', '-q', '-t', tag, dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
