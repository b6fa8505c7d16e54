#!/usr/bin/env node
// Bundles the package in the current directory into dist/, after tsc has written the declarations:
// each entry point becomes one ES module holding the package's own code, and code that several
// entry points share goes to dist/chunks/. Node 20's ES module loader pays per file (resolve, an
// asynchronous read, compile) far more than most modules' code costs to run, and it has no compile
// cache: a package of 150 modules took 200 ms to import, the same code in a few files a tenth.
// Other packages (@exile/* too) and Node's builtins stay imports, so every package is loaded once.
//
// Entry points: package.json's "exports" and "bin", and "exile.entries" — the files run as a
// process of their own (a path passed to `node`) or imported by path by the package's scripts,
// named as in dist/ without ".js". Everything else is inlined, so code that finds files from its
// own location uses packageRoot() (@exile/common), never a path relative to import.meta.url.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const cwd = process.cwd();
const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));

/** Every dist/ path that package.json names: export conditions' targets, bins, "exile.entries". */
function distEntries() {
  const targets = (value) => (typeof value === 'string' ? [value] : Object.values(value ?? {}).flatMap(targets));
  const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
  const named = [...targets(pkg.exports), ...bins].filter((path) => /^\.\/dist\/.*\.js$/.test(path)).map((path) => path.slice('./dist/'.length, -'.js'.length));
  return [...new Set([...named, ...(pkg.exile?.entries ?? [])])].sort();
}

/** Every script in dist before bundling: an earlier build's bundles and chunks (their hashed names change) and any
 *  JavaScript an older tsc setup wrote; tsc now writes only .d.ts, which stay. */
function removeScripts(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removeScripts(path);
    else if (/\.js(\.map)?$/.test(entry.name)) rmSync(path);
  }
}

/**
 * Node's builtins from process.getBuiltinModule(), not from an `import`: once a builtin is imported,
 * Node 20's ES module face of it reads every export, and node:fs's lazy ones (promises, ReadStream,
 * …) then load fs/promises and the whole streams stack, which import() of a package paid for
 * nothing. Each `import { a, type B } from 'node:x';` line of our sources becomes
 * `const { a } = process.getBuiltinModule('node:x');` (reading only what the module uses); an
 * import of another form stays an import, which is slower but the same.
 */
const BUILTIN_IMPORT = /^import \{([^}]*)\} from '(node:[\w/]+)';$/gm;
const builtins = {
  name: 'builtins',
  setup(build) {
    build.onLoad({ filter: /\/src\/.*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8').replace(BUILTIN_IMPORT, (_line, names, id) => {
        const values = names.split(',').map((name) => name.trim()).filter((name) => name !== '' && !name.startsWith('type '));
        return values.length === 0 ? '' : `const { ${values.map((name) => name.replace(/ as /, ': ')).join(', ')} } = process.getBuiltinModule('${id}');`;
      });
      return { contents: source, loader: 'ts' };
    });
  },
};

const entries = distEntries();
removeScripts(join(cwd, 'dist'));
const result = await build({
  entryPoints: entries.map((entry) => ({ in: join(cwd, 'src', `${entry}.ts`), out: entry })),
  outdir: join(cwd, 'dist'),
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // Another package's code is that package's to load (once, whoever imports it): only ours is inlined.
  packages: 'external',
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
  plugins: [builtins],
});
const outputs = Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js'));
console.log(`build-bundle: ${relative(join(cwd, '..', '..'), cwd)}: ${entries.length} entry points, ${outputs.length} files`);
