// A real HTTP server on 127.0.0.1 for the fetcher tests, with knobs for the faults they need
// (dropped connections, ignored Range headers, error statuses, redirects), and a raw tar writer
// for archives that well-behaved tar tools refuse to produce.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

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

export { rawTarGz, type RawTarEntry } from '@neurodecode/testkit';
