// Property-based fuzzing (fast-check) of the MD5SUMS parser and the tar checker.
// MD5SUMS: any text parses without throwing into lower-case 32-hex sums, and every well-formed
// line is recovered. Tar: sequences of entries built from a small alphabet of path pieces are
// checked against an independent model of the extracted tree: whatever the checker accepts
// resolves inside the target, and whatever escapes is refused. $FUZZ_RUNS cases each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ArchiveChecker, parseMd5Sums } from '../src/index.js';

const RUNS = Number(process.env.FUZZ_RUNS) || 1000;
const seed = Number(process.env.FUZZ_SEED) || undefined;

test(`fuzz: MD5SUMS parser, ${RUNS} cases`, (t) => {
  const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 32, maxLength: 32 });
  const name = fc.string({ unit: fc.constantFrom(...'abc./_- *'), minLength: 1, maxLength: 12 }).filter((n) => n.trim() === n && !n.startsWith('*') && !n.startsWith('./'));
  const good = fc.tuple(hex, name, fc.constantFrom('  ', ' *', '\t'));
  const junk = fc.string({ maxLength: 60, unit: 'binary' });
  fc.assert(fc.property(fc.array(fc.oneof(good, junk), { maxLength: 10 }), fc.constantFrom('\n', '\r\n'), (lines, nl) => {
    const text = lines.map((l) => (typeof l === 'string' ? l : `${l[0]}${l[2]}${l[1]}`)).join(nl);
    const sums = parseMd5Sums(text);
    for (const v of sums.values()) assert.match(v, /^[0-9a-f]{32}$/);
    // The last well-formed line for a name wins (as md5sum -c would check the last one read).
    const expected = new Map<string, string>();
    for (const l of lines) if (typeof l !== 'string') expected.set(l[1], l[0].toLowerCase());
    for (const [n, h] of expected) {
      const later = [...lines].reverse().find((l) => typeof l === 'string' && parseMd5Sums(l).has(n));
      if (!later) assert.equal(sums.get(n), h, `line for ${n}`);
    }
  }), { numRuns: RUNS, seed });
  t.diagnostic(`MD5SUMS parser: ${RUNS} cases`);
});

type Entry = { type: 'File' | 'Directory' | 'SymbolicLink' | 'Link'; path: string; link?: string };

/**
 * The oracle: after extracting `entries` in order, where does `path` lead? Resolved by
 * rewriting the path string (expand the first link component, normalise, repeat), a different
 * method from the checker's component stack. Returns undefined when it leaves the root or loops.
 */
function resolveModel(links: Map<string, string>, path: string, followLast: boolean): string | undefined {
  let parts = path.split('/').filter((p) => p && p !== '.');
  for (let hops = 0; hops < 100; hops++) {
    const out: string[] = [];
    let expanded = false;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (p === '..') { if (!out.length) return undefined; out.pop(); continue; }
      out.push(p);
      const target = links.get(out.join('/'));
      if (target !== undefined && (followLast || i < parts.length - 1)) {
        if (target.startsWith('/')) return undefined;
        out.pop();
        parts = [...out, ...target.split('/').filter((q) => q && q !== '.'), ...parts.slice(i + 1)];
        expanded = true;
        break;
      }
    }
    if (!expanded) return out.join('/');
  }
  return undefined;
}

test(`fuzz: tar checker against a model of the extracted tree, ${RUNS} cases`, (t) => {
  const piece = fc.constantFrom('a', 'b', 'c', '..', '.', 'a/b', '../..', 'b/..');
  const rel = fc.array(piece, { minLength: 1, maxLength: 4 }).map((ps) => ps.join('/'));
  const entry: fc.Arbitrary<Entry> = fc.oneof(
    fc.record({ type: fc.constantFrom('File', 'Directory') as fc.Arbitrary<'File' | 'Directory'>, path: rel }),
    fc.record({ type: fc.constant('SymbolicLink' as const), path: rel, link: fc.oneof(rel, fc.constantFrom('/etc', '/', '')) }),
    fc.record({ type: fc.constant('Link' as const), path: rel, link: rel }),
  );
  fc.assert(fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
    const checker = new ArchiveChecker();
    const links = new Map<string, string>();
    for (const e of entries) {
      const reason = checker.check(e.type, e.path, e.link);
      if (reason !== undefined) { assert.equal(typeof reason, 'string'); continue; }
      // Accepted: the entry's own folder and its link target stay inside, per the model.
      assert.ok(!e.path.split('/').includes('..'), `accepted a ".." path ${e.path}`);
      const where = resolveModel(links, e.path, false);
      assert.ok(where !== undefined, `accepted ${e.path}, which the model resolves outside`);
      if (e.type === 'SymbolicLink') {
        const dir = where!.split('/').slice(0, -1).join('/');
        links.set(where!, e.link!);
        assert.ok(resolveModel(links, (dir ? dir + '/' : '') + e.link!, true) !== undefined, `accepted link ${e.path} -> ${e.link}`);
      } else {
        links.delete(where!);
        if (e.type === 'Link') assert.ok(resolveModel(links, e.link!, true) !== undefined, `accepted hard link ${e.path} -> ${e.link}`);
      }
    }
  }), { numRuns: RUNS, seed });
  t.diagnostic(`tar checker: ${RUNS} cases`);
});
