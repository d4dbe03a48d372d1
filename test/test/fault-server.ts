// A hostile HTTP server on 127.0.0.1 for the fault suite: each route serves a body honestly or
// misbehaves in one way (drops the connection, stalls, dribbles, lies about ranges, errors).
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  | { kind: 'ok' }
  | { kind: 'drop'; after: number; times: number }
  | { kind: 'stall' }
  | { kind: 'dribble'; bytes: number; everyMs: number }
  | { kind: 'wrong-range-start' }
  | { kind: 'ignore-range' }
  | { kind: 'status'; code: number };

export interface Route {
  body: Buffer;
  behaviour?: Behaviour;
}

export interface FaultServer {
  url: string;
  routes: Map<string, Route>;
  hits: Map<string, number>;
  close(): Promise<void>;
}

export function md5(b: Buffer): string {
  return createHash('md5').update(b).digest('hex');
}

export async function startFaultServer(routes: Record<string, Route>): Promise<FaultServer> {
  const table = new Map(Object.entries(routes));
  const hits = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    const route = table.get(path);
    if (!route) { res.writeHead(404).end(); return; }
    const b = route.behaviour ?? { kind: 'ok' };
    if (b.kind === 'status') { res.writeHead(b.code).end(); return; }
    const body = route.body;
    const m = typeof req.headers.range === 'string' ? /^bytes=(\d+)-$/.exec(req.headers.range) : null;
    let start = m && b.kind !== 'ignore-range' ? Number(m[1]) : 0;
    if (m && start >= body.length) { res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end(); return; }
    if (m && b.kind === 'wrong-range-start') start = Math.max(0, start - 7); // claims and sends the wrong bytes
    const headers = start || m ? { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : { 'content-length': body.length };
    res.writeHead(start || (m && b.kind !== 'ignore-range') ? 206 : 200, headers);
    if (b.kind === 'stall') return; // headers, then silence
    if (b.kind === 'drop' && n <= b.times) {
      res.write(body.subarray(start, start + b.after), () => res.socket?.destroy());
      return;
    }
    if (b.kind === 'dribble') {
      let off = start;
      const step = () => {
        if (res.destroyed) return;
        if (off >= body.length) { res.end(); return; }
        res.write(body.subarray(off, off + b.bytes));
        off += b.bytes;
        const t = setTimeout(step, b.everyMs);
        timers.add(t);
      };
      step();
      return;
    }
    // First request of a wrong-range route drops midway, so the next one asks for a range.
    if (b.kind === 'wrong-range-start' && !m) { res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy()); return; }
    if (b.kind === 'ignore-range' && !m) { res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy()); return; }
    res.end(body.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    routes: table,
    hits,
    close: () => new Promise<void>((resolve) => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
