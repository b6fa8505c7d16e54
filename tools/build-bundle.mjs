#!/usr/bin/env node
// Bundles the package in the current directory into dist/, after tsc has written the declarations:
// each entry point becomes one ES module holding the package's own code, and code that several
// entry points share goes to dist/chunks/. Node 20's ES module loader pays per file (resolve, an
// asynchronous read, compile) far more than most modules' code costs to run, and it has no compile
// cache: a package of 150 modules took 200 ms to import, the same code in a few files a tenth.
// Other packages (@exile/* too) stay imports, so every package is loaded once (a bin inlines them: below).
//
// Entry points: package.json's "exports" and "exile.entries" — the files run as a process of
// their own (a path passed to `node`) or imported by path by the package's scripts, named as in
// dist/ without ".js". Everything else is inlined, so code that finds files from its own location
// uses packageRoot() (@exile/common), never a path relative to import.meta.url.
//
// A "bin" (the `exile` CLI) is a process of its own that nothing imports, so it is bundled apart
// and also inlines the code of the other @exile packages: resolving and reading a dozen more files
// cost `exile run` about a sixth of its start. The trade: the CLI carries a copy of those packages'
// JavaScript as they were when it was built — published versions pin each other exactly
// (workspace:*), so that copy always matches the addons and executables installed beside it. Each
// package still loads its native code itself, once, from its own directory: its import.meta.url is
// replaced by where Node would have loaded it from (import.meta.resolve of its name), and no
// process imports both the CLI and a package.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

const cwd = process.cwd();
const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));

/** The dist/ files of `paths` (package.json's "./dist/x.js" spellings), named without "./dist/" and ".js". */
const inDist = (paths) => paths.filter((path) => /^\.\/dist\/.*\.js$/.test(path)).map((path) => path.slice('./dist/'.length, -'.js'.length));

/** Every dist/ path that package.json names for importing: export conditions' targets, "exile.entries". */
function libraryEntries() {
  const targets = (value) => (typeof value === 'string' ? [value] : Object.values(value ?? {}).flatMap(targets));
  return [...new Set([...inDist(targets(pkg.exports)), ...(pkg.exile?.entries ?? [])])].sort();
}

/** package.json's bins. */
const binEntries = () => inDist(typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {})).sort();

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

/** The name in the nearest package.json above `file`. */
function packageOf(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
  }
  throw new Error(`build-bundle: no package.json above ${file}`);
}

/** For a bin: another @exile package's code says it is where that package is, not in the bin (see the top). */
const ownLocations = {
  name: 'own-locations',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, (args) => {
      const name = packageOf(args.path);
      const source = readFileSync(args.path, 'utf8');
      if (name === pkg.name || !name.startsWith('@exile/')) return { contents: source, loader: 'js' };
      return { contents: source.replaceAll('import.meta.url', `import.meta.resolve(${JSON.stringify(name)})`), loader: 'js' };
    });
  },
};

const common = {
  outdir: join(cwd, 'dist'),
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
};
const points = (entries) => entries.map((entry) => ({ in: join(cwd, 'src', `${entry}.ts`), out: entry }));
const dependencies = Object.keys(pkg.dependencies ?? {});

removeScripts(join(cwd, 'dist'));
const builds = [
  // Another package's code is that package's to load (once, whoever imports it): only ours is inlined.
  { entries: libraryEntries(), options: { packages: 'external', plugins: [builtins] } },
  // A bin is one file (its commands' dynamic imports inlined, each initialised when it runs):
  // chunks shared between the commands would make `exile run` read a dozen files again.
  { entries: binEntries(), options: { splitting: false, external: dependencies.filter((name) => !name.startsWith('@exile/')), plugins: [builtins, ownLocations] } },
].filter((b) => b.entries.length > 0);
const outputs = new Set();
for (const { entries, options } of builds) {
  const result = await build({ ...common, ...options, entryPoints: points(entries) });
  for (const file of Object.keys(result.metafile.outputs)) if (file.endsWith('.js')) outputs.add(file);
}
const count = builds.reduce((n, b) => n + b.entries.length, 0);
console.log(`build-bundle: ${relative(join(cwd, '..', '..'), cwd)}: ${count} entry points, ${outputs.size} files`);
