/**
 * Downloads, for the benchmark: the stand-ins carry their wheels inside the image, so no build downloads
 * anything and a pip cache mount can save nothing. This serves the same wheels over HTTP from the host, at a
 * set bandwidth, as a find-links page, and derives from a stand-in a base image whose pip uses it (the baked
 * wheels removed): builds then download as they do from PyPI, only nearer.
 */
import { createReadStream, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
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
  /** The find-links URL builds use: http://<docker0 address>:<port>/wheels/ */
  readonly url: string;
  readonly host: string;
  readonly close: () => Promise<void>;
}

/** Serve every wheel of `dir` as a find-links page, each download at `bytesPerSecond`. */
export const serveWheels = (dir: string, bytesPerSecond: number): Promise<WheelIndex> => {
  const wheels = readdirSync(dir).filter((name) => name.endsWith('.whl'));
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? '').split('?')[0] ?? '');
    if (path === '/wheels/') {
      response
        .writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'max-age=600, public' })
        .end(wheels.map((name) => `<a href="${name}">${name}</a><br>`).join('\n'));
      return;
    }
    const name = path.replace(/^\/wheels\//, '');
    if (!wheels.includes(name)) {
      response.writeHead(404).end();
      return;
    }
    const file = join(dir, name);
    // The headers PyPI's file host sends: a file never changes, so pip's HTTP cache keeps it.
    response.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Cache-Control': 'max-age=365000000, immutable, public',
      'Content-Length': String(statSync(file).size),
    });
    createReadStream(file).pipe(new Throttle(bytesPerSecond)).pipe(response);
  });
  const host = bridgeAddress();
  return new Promise((resolve) => {
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        url: `http://${host}:${String(port)}/wheels/`,
        host,
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
  const conf = `[global]\\nno-index = true\\nfind-links = ${index.url}\\ntrusted-host = ${index.host}\\n`;
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
