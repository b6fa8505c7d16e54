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
// replaced by where Node would have loaded it from (its package, found as require() finds it), and
// no process imports both the CLI and a package.
//
// A bin is CommonJS, not an ES module: Node 20's ES module loader (its own start, the asynchronous
// read, the module's link) cost `exile run` more than Node's CommonJS loader does for one file. The
// bin named in package.json (dist/<bin>.cjs) is tools/bin-launcher.cjs: it runs the bundle,
// dist/<bin>.bundle.cjs, with a V8 code cache, dist/<bin>.bundle.<arch>.cache, that this build makes by
// running the bin once (tools/bin-code-cache.cjs; the launcher says when the cache is used).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const cwd = process.cwd();
const tools = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));

/** The dist/ files of `paths` (package.json's "./dist/x.js" spellings), named without "./dist/" and the extension `ext`. */
const inDist = (paths, ext = '.js') => paths.filter((path) => path.startsWith('./dist/') && path.endsWith(ext)).map((path) => path.slice('./dist/'.length, -ext.length));

/** Every dist/ path that package.json names for importing: export conditions' targets, "exile.entries". */
function libraryEntries() {
  const targets = (value) => (typeof value === 'string' ? [value] : Object.values(value ?? {}).flatMap(targets));
  return [...new Set([...inDist(targets(pkg.exports)), ...(pkg.exile?.entries ?? [])])].sort();
}

/** package.json's bins ("./dist/x.cjs"). */
const binEntries = () => inDist(typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {}), '.cjs').sort();

/** Every script in dist before bundling: an earlier build's bundles, chunks (their hashed names change), bins and
 *  their code caches, and any JavaScript an older tsc setup wrote; tsc now writes only .d.ts, which stay. */
function removeScripts(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removeScripts(path);
    else if (/\.c?js(\.map)?$|\.bundle\.(?:\w+\.)?cache$/.test(entry.name)) rmSync(path);
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

/** For a bin: another @exile package's code says it is where that package is, not in the bin (see the top and
 *  tools/bin-prelude.cjs). */
const ownLocations = {
  name: 'own-locations',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, (args) => {
      const name = packageOf(args.path);
      const source = readFileSync(args.path, 'utf8');
      if (name === pkg.name || !name.startsWith('@exile/')) return { contents: source, loader: 'js' };
      return { contents: source.replaceAll('import.meta.url', `__exilePackageUrl(${JSON.stringify(name)})`), loader: 'js' };
    });
  },
};

// A bin's bundle is the function that tools/bin-launcher.cjs calls, and begins with
// tools/bin-prelude.cjs: what import.meta and the other packages' locations (above) are there.
const binWrapper = {
  banner: `(function (exports, require, module, __filename, __dirname) {\n${readFileSync(join(tools, 'bin-prelude.cjs'), 'utf8')}`,
  footer: '})',
};

/**
 * Writes the code cache of the bin whose launcher is `launcher` (see the top) and returns its path: the bin runs
 * package.json's `exile.codeCache[<entry>]` arguments (the command whose start the cache is for). The run's own
 * outcome does not matter (a build machine may not allow the sandbox it sets up): the functions it reached are
 * cached, the others compile when first called. It runs without NODE_OPTIONS: V8 rejects a cache made under other
 * V8 flags, and the bin starts with none.
 */
function codeCache(launcher) {
  const entry = relative(join(cwd, 'dist'), launcher).slice(0, -'.cjs'.length);
  const args = pkg.exile?.codeCache?.[entry] ?? [];
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const cache = `${launcher.slice(0, -'.cjs'.length)}.bundle.${process.arch}.cache`;
  const run = spawnSync(process.execPath, [join(tools, 'bin-code-cache.cjs'), launcher, cache, ...args],
    { cwd, env, stdio: 'ignore', timeout: 60_000 });
  if (!existsSync(cache)) throw new Error(`build-bundle: no code cache for dist/${entry}.cjs (${run.error?.message ?? `exit ${run.status ?? run.signal}`})`);
  return cache;
}

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
  {
    entries: binEntries(),
    bin: true,
    options: {
      splitting: false,
      format: 'cjs',
      outExtension: { '.js': '.bundle.cjs' },
      banner: { js: binWrapper.banner },
      footer: { js: binWrapper.footer },
      define: { 'import.meta.url': '__exileImportMetaUrl', 'import.meta.resolve': '__exileImportMetaResolve' },
      external: dependencies.filter((name) => !name.startsWith('@exile/')),
      plugins: [builtins, ownLocations],
    },
  },
].filter((b) => b.entries.length > 0);
const outputs = new Set();
for (const { entries, bin, options } of builds) {
  const result = await build({ ...common, ...options, entryPoints: points(entries) });
  for (const file of Object.keys(result.metafile.outputs)) if (/\.c?js$/.test(file)) outputs.add(file);
  for (const entry of bin ? entries : []) {
    const launcher = join(cwd, 'dist', `${entry}.cjs`);
    // The launcher copies an ASCII bundle as Latin-1, faster than decoding UTF-8. esbuild escapes every
    // non-ASCII character but those of the comments it keeps (in array and object literals).
    const line = readFileSync(join(cwd, 'dist', `${entry}.bundle.cjs`), 'utf8').split('\n').findIndex((text) => /[^\0-\x7f]/.test(text));
    if (line >= 0) console.warn(`build-bundle: dist/${entry}.bundle.cjs line ${line + 1} is not ASCII (a comment?): its launcher decodes UTF-8, slower than Latin-1`);
    copyFileSync(join(tools, 'bin-launcher.cjs'), launcher);
    chmodSync(launcher, 0o755);
    outputs.add(launcher);
    outputs.add(codeCache(launcher));
  }
}
const count = builds.reduce((n, b) => n + b.entries.length, 0);
console.log(`build-bundle: ${relative(join(cwd, '..', '..'), cwd)}: ${count} entry points, ${outputs.size} files`);
