// A small static file server for the built page (dist/web): `pnpm --filter @neurodecode/demo serve`.
// Binds to 127.0.0.1 only; PORT picks the port (default 5173, 0 for any free one).
// Every response carries the cross-origin isolation headers (COOP/COEP), which browsers require
// before they hand a page SharedArrayBuffer: the searchlight's workers share one copy of the data.
// /data/haxby-slice/ serves the shared Haxby slice (../shared next to the repository, or
// $NEURODECODE_SHARED) for "load example", without copying it into the repository.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.nii': 'application/octet-stream',
  '.gz': 'application/gzip',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers that make the page cross-origin isolated (self.crossOriginIsolated === true). */
export const ISOLATION_HEADERS: Record<string, string> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

/** The shared Haxby slice folder, when present. */
export function exampleDataDir(): string | undefined {
  const shared = process.env.NEURODECODE_SHARED ?? fileURLToPath(new URL('../../../../../shared/', import.meta.url));
  const dir = join(shared, 'data', 'haxby-slice');
  return existsSync(join(dir, 'bold.nii.gz')) ? dir : undefined;
}

const EXAMPLE_ROUTE = '/data/haxby-slice/';

/** The built page's folder, next to this file's dist/src. */
export const WEB_ROOT = fileURLToPath(new URL('../web/', import.meta.url));

export interface ServerOptions {
  /** Send the COOP/COEP headers (default true); false serves the page without SharedArrayBuffer. */
  isolate?: boolean;
  /** Folder served under /data/haxby-slice/ (default: the shared data's haxby-slice, if present). */
  exampleDir?: string | null;
}

export async function startStaticServer(
  root = WEB_ROOT,
  port = 5173,
  host = '127.0.0.1',
  opts: ServerOptions = {},
): Promise<{ server: Server; url: string }> {
  const base = resolve(root);
  const exampleDir = opts.exampleDir === null ? undefined : (opts.exampleDir ?? exampleDataDir());
  const isolation = opts.isolate === false ? {} : ISOLATION_HEADERS;
  try {
    await stat(join(base, 'index.html'));
  } catch {
    throw new Error(`root: ${base} has no index.html; run \`pnpm --filter @neurodecode/demo build\` first`);
  }
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      const inExample = path.startsWith(EXAMPLE_ROUTE);
      const dir = inExample ? exampleDir : base;
      if (!dir) {
        res
          .writeHead(404, { 'content-type': 'text/plain', ...isolation })
          .end('the example data (../shared/data/haxby-slice) is not on this machine');
        return;
      }
      const rel = inExample ? path.slice(EXAMPLE_ROUTE.length - 1) : path;
      const file = resolve(dir, '.' + normalize(rel.endsWith('/') ? rel + 'index.html' : rel));
      // Refuse anything that escapes the root (../ tricks).
      if (file !== dir && !file.startsWith(resolve(dir) + sep)) {
        res.writeHead(403, isolation).end('forbidden');
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...isolation,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain', ...isolation }).end('not found');
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok());
  });
  const addr = server.address();
  const actualPort = typeof addr === 'object' && addr ? addr.port : port;
  return { server, url: `http://${host}:${actualPort}/` };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const raw = process.env.PORT ?? '5173';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT: "${raw}" is not a port number (0-65535)`);
    process.exit(1);
  }
  startStaticServer(WEB_ROOT, port).then(
    ({ url }) => console.log(`neurodecode demo: ${url} (Ctrl+C to stop)`),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
