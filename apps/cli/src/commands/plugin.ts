// neurodecode plugin new NAME: scaffold an estimator plugin package from the tested example plugin
// (k-nearest neighbours), renamed, with its own tsconfig and published version ranges.
import type { Command } from 'commander';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log, printJson } from '../util.js';

const TEMPLATE = fileURLToPath(new URL('../../template/plugin/', import.meta.url));
const CLI_MANIFEST = fileURLToPath(new URL('../../../package.json', import.meta.url));

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2022'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    declaration: true,
    sourceMap: true,
    inlineSources: true,
    skipLibCheck: false,
    types: ['node'],
    rootDir: '.',
    outDir: 'dist',
  },
  include: ['src', 'test'],
};

interface PluginNewOptions {
  dir?: string;
  json?: boolean;
}

/** The registered estimator name for a package name: no scope, no "neurodecode-plugin-" prefix. */
export function estimatorNameFor(packageName: string): string {
  return packageName.replace(/^@[^/]+\//, '').replace(/^neurodecode-plugin-/, '');
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), base) : [relative(base, join(dir, e.name))],
  );
}

/** The template's text with the example's names replaced by the new plugin's. */
function rename(text: string, packageName: string, estimator: string): string {
  return text
    .replaceAll('neurodecode-plugin-knn', packageName)
    .replace(/(['"])knn\1/g, `$1${estimator}$1`)
    .replace(/^(\s*)knn: KNeighborsClassifier;/m, `$1'${estimator}': KNeighborsClassifier;`);
}

function manifest(template: Record<string, unknown>, packageName: string, version: string): Record<string, unknown> {
  const range = (deps: Record<string, string>) =>
    Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, k.startsWith('@neurodecode/') ? `^${version}` : v]));
  const { private: _private, ...rest } = template;
  return {
    ...rest,
    name: packageName,
    version: '0.1.0',
    description: `neurodecode estimator plugin ${packageName}`,
    peerDependencies: range(template.peerDependencies as Record<string, string>),
    devDependencies: range(template.devDependencies as Record<string, string>),
  };
}

export function scaffoldPlugin(packageName: string, dir: string): { dir: string; files: string[]; estimator: string } {
  if (!/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/.test(packageName)) {
    throw new Error(`NAME: "${packageName}" is not a valid npm package name (lower case, digits, . _ -, optional @scope/)`);
  }
  const estimator = estimatorNameFor(packageName);
  if (!/^[a-z][a-z0-9-]*$/.test(estimator))
    throw new Error(`NAME: the estimator name "${estimator}" must be lower-case letters, digits and dashes, starting with a letter`);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`--dir: ${dir} exists and is not empty`);
  if (!existsSync(TEMPLATE)) throw new Error(`plugin new: the template is missing from this installation (${TEMPLATE})`);
  const version = (JSON.parse(readFileSync(CLI_MANIFEST, 'utf8')) as { version: string }).version;
  // Built in a temporary folder beside the target and renamed at the end: all or nothing.
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = join(dirname(dir), `.${basename(dir)}.${process.pid}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    const files = listFiles(TEMPLATE).filter((f) => f !== 'package.json');
    for (const file of files) {
      mkdirSync(dirname(join(tmp, file)), { recursive: true });
      writeFileSync(join(tmp, file), rename(readFileSync(join(TEMPLATE, file), 'utf8'), packageName, estimator));
    }
    const template = JSON.parse(readFileSync(join(TEMPLATE, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(tmp, 'package.json'), JSON.stringify(manifest(template, packageName, version), null, 2) + '\n');
    writeFileSync(join(tmp, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2) + '\n');
    if (existsSync(dir)) rmSync(dir, { recursive: true });
    renameSync(tmp, dir);
    return { dir, files: [...files, 'package.json', 'tsconfig.json'].sort(), estimator };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

export function register(program: Command): void {
  const plugin = program.command('plugin').description('Estimator plugins: scaffold a new plugin package');
  plugin
    .command('new')
    .description('Create a plugin package (k-nearest neighbours to start from: build, test, conformance kit, searchlight fast path)')
    .argument('<name>', 'npm package name of the plugin, e.g. neurodecode-plugin-mymodel (registers "mymodel")')
    .option('--dir <dir>', 'where to create it (default: ./<name without scope>)')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  neurodecode plugin new neurodecode-plugin-mymodel\n  cd neurodecode-plugin-mymodel && npm install && npm run build && npm test',
    )
    .action((name: string, opts: PluginNewOptions) => {
      const dir = resolve(opts.dir ?? name.replace(/^@[^/]+\//, ''));
      const made = scaffoldPlugin(name, dir);
      if (opts.json) return printJson({ created: made.dir, package: name, estimator: made.estimator, files: made.files });
      log(`plugin new: created ${made.dir} (estimator "${made.estimator}")`);
      process.stdout.write(
        `${made.files.map((f) => `  ${f}`).join('\n')}\nnext: cd ${relative(process.cwd(), made.dir) || '.'} && npm install && npm run build && npm test\n`,
      );
    });
}
