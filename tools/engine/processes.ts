/**
 * Looking into a running container from outside, for the engine harness: its processes (read from /proc
 * inside it by a small Python program: Python is in every image under test, ps is not), its state, and its
 * HTTP answers on the ports compose.yaml publishes on 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import { request as httpRequestRaw } from 'node:http';
import { createServer } from 'node:net';
import { sleep } from './commands.js';

export interface ContainerState {
  readonly Status: string;
  readonly Running: boolean;
  readonly ExitCode: number;
  readonly Health?: { readonly Status: string; readonly Log?: readonly { readonly Output: string }[] };
}

/** Processes seen in a container: pid, real uid, command line. */
export interface ProcessInfo {
  readonly pid: number;
  readonly uid: number;
  /** True for the python process that listed them. */
  readonly self: boolean;
  readonly cmdline: string;
}

/**
 * A Python program that lists the container's processes from /proc (pid, real uid, self flag, command line),
 * for `docker exec` or `compose run`. Python is in every image under test; ps is not.
 */
export const LIST_PROCESSES = `
import os
me = os.getpid()
for name in sorted((n for n in os.listdir('/proc') if n.isdigit()), key=int):
    try:
        status = open(f'/proc/{name}/status').read()
        cmd = open(f'/proc/{name}/cmdline', 'rb').read().replace(b'\\0', b' ').decode().strip()
    except OSError:
        continue
    uid = next(line.split()[1] for line in status.splitlines() if line.startswith('Uid:'))
    print(name, uid, int(int(name) == me), cmd, sep='\\t')
`;

export const parseProcesses = (stdout: string): ProcessInfo[] =>
  stdout
    .trim()
    .split('\n')
    .filter((line) => /^\d+\t/.test(line))
    .map((line) => {
      const [pid = '', uid = '', self = '', ...cmdline] = line.split('\t');
      return { pid: Number(pid), uid: Number(uid), self: self === '1', cmdline: cmdline.join('\t') };
    });

/** Processes whose command line names tini, by their first word. */
export const isTini = (process: ProcessInfo): boolean => /(^|\/)tini$/.test(process.cmdline.split(' ')[0] ?? '');

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });

/** Whether a TCP port on 127.0.0.1 can be listened on right now. */
export const portIsFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * Wait until every port is free on 127.0.0.1 (a project published on the same port, by this run or another
 * one sharing the engine, is still going away); throws naming the ports still taken after `timeoutMs`.
 */
export const waitPortsFree = async (ports: readonly number[], timeoutMs = 120_000): Promise<void> => {
  const started = performance.now();
  for (;;) {
    const taken: number[] = [];
    for (const port of ports) if (!(await portIsFree(port))) taken.push(port);
    if (taken.length === 0) return;
    if (performance.now() - started > timeoutMs) {
      throw new Error(
        `127.0.0.1:${taken.join(', ')} still taken after ${timeoutMs / 1000} s; compose.yaml publishes there ` +
          '(docker ps shows whether a container holds it)',
      );
    }
    await sleep(1000);
  }
};

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** One HTTP request to `url`; a `json` body is sent as application/json. */
export const httpRequest = (url: string, method = 'GET', json?: string, timeoutMs = 5000): Promise<HttpAnswer> =>
  new Promise((resolve, reject) => {
    const headers =
      json === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) };
    const request = httpRequestRaw(url, { method, headers, timeout: timeoutMs, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(json);
  });

export const httpGet = (url: string, timeoutMs = 5000): Promise<HttpAnswer> =>
  httpRequest(url, 'GET', undefined, timeoutMs);

/**
 * The host's IPv4 address on Docker's default bridge (docker0), where builds and containers reach a server on
 * the host. Read with `ip`: Node lists the interface only while a container has it up.
 */
export const bridgeAddress = (): string => {
  const shown = spawnSync('ip', ['-4', '-o', 'addr', 'show', 'docker0'], { encoding: 'utf8' }).stdout;
  const address = /\binet (\d+\.\d+\.\d+\.\d+)\//.exec(shown)?.[1];
  if (address === undefined) throw new Error(`the host has no IPv4 address on docker0 (ip says: ${shown.trim()})`);
  return address;
};
