// Build step: copy the example plugin's sources (examples/plugin-knn) into dist/template, which
// `neurodecode plugin new` scaffolds from. One source of truth: the example, built and tested in
// the repository, is the template.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../../../examples/plugin-knn/', import.meta.url));
const to = fileURLToPath(new URL('../dist/template/plugin/', import.meta.url));
if (!existsSync(from)) throw new Error(`copy-plugin-template: ${from} is missing`);
rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
for (const entry of ['src', 'test', 'README.md', 'package.json']) cpSync(from + entry, to + entry, { recursive: true });
