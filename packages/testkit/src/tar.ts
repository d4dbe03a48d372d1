// A gzipped ustar archive written byte by byte, so tests can hold entries that well-behaved tar
// tools refuse to produce (traversal, absolute paths, link chains, devices).
import { gzipSync } from 'node:zlib';

export interface RawTarEntry {
  name: string;
  /** '0' file, '1' hard link, '2' symlink, '3' character device, '5' directory, '6' FIFO. */
  type: '0' | '1' | '2' | '3' | '5' | '6';
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
    const body = e.type === '0' ? (e.body ?? Buffer.alloc(0)) : Buffer.alloc(0);
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
