// A real HTTP server on 127.0.0.1 for the fetcher tests, with knobs for the faults they need
// (dropped connections, ignored Range headers, error statuses, redirects), and a raw tar writer
// for archives that well-behaved tar tools refuse to produce.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface Route {
  body?: Buffer;
  /** Status to answer instead of serving the body. */
  status?: number;
  /** Redirect target (path or URL), answered with 302. */
  redirect?: string;
  /** Destroy the socket after this many body bytes, for the first `dropTimes` requests. */
  dropAfter?: number;
  dropTimes?: number;
  /** Statuses answered to the first requests, one each, before serving the body. */
  failFirst?: number[];
  /** Answer a Range request with the whole file (200) as some servers do. */
  ignoreRange?: boolean;
  /** Send the body in pieces of `dribbleBytes`, waiting `dribbleMs` between them (a slow server). */
  dribbleBytes?: number;
  dribbleMs?: number;
}

export interface LoggedRequest {
  path: string;
  range?: string;
}

export interface TestServer {
  url: string;
  requests: LoggedRequest[];
  routes: Map<string, Route>;
  close(): Promise<void>;
}

export async function startServer(routes: Record<string, Route>): Promise<TestServer> {
  const table = new Map(Object.entries(routes));
  const requests: LoggedRequest[] = [];
  const drops = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const range = typeof req.headers.range === 'string' ? req.headers.range : undefined;
    requests.push({ path, range });
    const route = table.get(path);
    if (!route) { res.writeHead(404).end('not found'); return; }
    if (route.redirect) { res.writeHead(302, { location: route.redirect }).end(); return; }
    const failure = route.failFirst?.shift();
    if (failure) { res.writeHead(failure).end(`status ${failure}`); return; }
    if (route.status) { res.writeHead(route.status).end(`status ${route.status}`); return; }
    const body = route.body ?? Buffer.alloc(0);
    let start = 0;
    const m = range && !route.ignoreRange ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m) {
      start = Number(m[1]);
      if (start >= body.length) { res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end(); return; }
      res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
    } else {
      res.writeHead(200, { 'content-length': body.length });
    }
    const dropped = drops.get(path) ?? 0;
    if (route.dropAfter !== undefined && dropped < (route.dropTimes ?? 1)) {
      drops.set(path, dropped + 1);
      const n = Math.max(0, Math.min(route.dropAfter, body.length - start));
      res.write(body.subarray(start, start + n), () => res.socket?.destroy());
      return;
    }
    if (route.dribbleBytes) {
      let off = start;
      const step = () => {
        if (res.destroyed) return;
        if (off >= body.length) { res.end(); return; }
        const piece = body.subarray(off, off + route.dribbleBytes!);
        off += piece.length;
        res.write(piece);
        timers.add(setTimeout(step, route.dribbleMs ?? 0));
      };
      step();
      return;
    }
    res.end(body.subarray(start));
  });
  const timers = new Set<NodeJS.Timeout>();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    routes: table,
    close: () => new Promise<void>((resolve) => { for (const t of timers) clearTimeout(t); server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export function md5(buf: Buffer): string {
  return createHash('md5').update(buf).digest('hex');
}

export interface RawTarEntry {
  name: string;
  /** '0' file, '1' hard link, '2' symlink, '5' directory. */
  type: '0' | '1' | '2' | '5';
  linkname?: string;
  body?: Buffer;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** A gzipped ustar archive written byte by byte, so it can hold entries tar tools would sanitise. */
export function rawTarGz(entries: RawTarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = e.type === '0' ? e.body ?? Buffer.alloc(0) : Buffer.alloc(0);
    const h = Buffer.alloc(512);
    h.write(e.name, 0, 100, 'utf8');
    h.write(octal(e.type === '5' ? 0o755 : 0o644, 8), 100, 'ascii');
    h.write(octal(0, 8), 108, 'ascii');
    h.write(octal(0, 8), 116, 'ascii');
    h.write(octal(body.length, 12), 124, 'ascii');
    h.write(octal(Math.floor(Date.now() / 1000), 12), 136, 'ascii');
    h.write('        ', 148, 'ascii');
    h.write(e.type, 156, 'ascii');
    if (e.linkname) h.write(e.linkname, 157, 100, 'utf8');
    h.write('ustar\0', 257, 'ascii');
    h.write('00', 263, 'ascii');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += h[i]!;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
    blocks.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
