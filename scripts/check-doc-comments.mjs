#!/usr/bin/env node
// Every export of every public package's entry points has a doc comment (what TypeDoc turns
// into the API reference). Lists the exports without one and exits 1 when there are any.
// With --baseline, a package may keep at most the count recorded in
// scripts/doc-comments-baseline.json (packages not listed: none), so the number can only fall.
// --update-baseline rewrites that file with today's counts (after documenting, to lower them).
//   node scripts/check-doc-comments.mjs [--baseline | --update-baseline] [package-folder ...]
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const update = process.argv.includes('--update-baseline');
const useBaseline = process.argv.includes('--baseline');
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const baseline = useBaseline ? JSON.parse(readFileSync(join(root, 'scripts', 'doc-comments-baseline.json'), 'utf8')) : {};
const dirs = wanted.length ? wanted.map((d) => join(root, d)) : readdirSync(join(root, 'packages')).map((n) => join(root, 'packages', n));

/** Source entry files of a package: each exports target under dist/src mapped back to src/*.ts. */
function entries(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (pkg.private) return [];
  const targets = new Set();
  const collect = (v) => {
    if (typeof v === 'string') {
      if (v.endsWith('.js')) targets.add(v);
    } else if (v && typeof v === 'object') Object.values(v).forEach(collect);
  };
  collect(pkg.exports);
  return [...targets].map((t) => join(dir, t.replace('./dist/src/', 'src/').replace(/\.js$/, '.ts'))).filter(existsSync);
}

let missing = 0;
const report = {};
for (const dir of dirs) {
  const files = entries(dir);
  if (!files.length) continue;
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const undocumented = new Set();
  for (const file of files) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) continue;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decls = symbol.getDeclarations() ?? [];
      // Declarations from other packages (re-exports) are checked in their own package.
      if (!decls.some((d) => d.getSourceFile().fileName.startsWith(dir))) continue;
      if (symbol.getDocumentationComment(checker).length === 0 && !decls.some((d) => ts.getJSDocTags(d).length > 0))
        undocumented.add(exported.getName());
    }
  }
  if (undocumented.size) {
    report[JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name] = [...undocumented].sort();
    missing += undocumented.size;
  }
}
let failed = 0;
for (const [name, list] of Object.entries(report)) {
  const allowed = baseline[name] ?? 0;
  const over = list.length > allowed;
  if (over) failed++;
  console.error(`${name}: ${list.length} exports without a doc comment${useBaseline ? ` (allowed ${allowed})` : ''}: ${list.join(', ')}`);
}
console.error(`check-doc-comments: ${missing} undocumented exports${failed ? `; ${failed} package(s) over their allowance` : ''}`);
process.stdout.write(JSON.stringify({ undocumented: Object.fromEntries(Object.entries(report).map(([n, l]) => [n, l.length])) }) + '\n');
if (update) {
  const counts = Object.fromEntries(
    Object.entries(report)
      .map(([n, l]) => [n, l.length])
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  writeFileSync(join(root, 'scripts', 'doc-comments-baseline.json'), JSON.stringify(counts, null, 2) + '\n');
  console.error('check-doc-comments: baseline rewritten');
} else if (useBaseline ? failed > 0 : missing > 0) {
  console.error('check-doc-comments: give each export listed above a /** ... */ comment (what it is, its units and defaults)');
  process.exit(1);
}
