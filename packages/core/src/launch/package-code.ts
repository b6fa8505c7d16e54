import { basename, dirname, join } from 'node:path';

/**
 * What of a package a launched module may read: its code and the data Node loads as code. A
 * package directory also holds what must not leave it — `.env`, `.npmrc`, `key.pem`, notes — and
 * Landlock rights on a directory reach everything beneath it, so the code is granted file by file.
 */

/** File names granted wherever they are: the manifest Node reads to resolve `exports`, `imports` and `type`. */
const CODE_NAMES: ReadonlySet<string> = new Set(['package.json']);

/**
 * Extensions Node loads as code or imports as data: ESM, CommonJS, JSON, native addons,
 * WebAssembly. Not TypeScript: Node strips types only outside node_modules, and every typed
 * package's `.d.ts` files would cost a rule each; a launched `.ts` module itself is granted by name.
 */
const CODE_EXTENSIONS: ReadonlySet<string> = new Set(['.js', '.mjs', '.cjs', '.json', '.node', '.wasm']);

/** The rule, as the report and the README say it. */
export const CODE_FILES_TEXT = `${[...CODE_NAMES, ...[...CODE_EXTENSIONS].map((e) => `*${e}`)].join(', ')}`;

/** The report's line on a launched module's code: planned here in general, made specific by the launch (runtime-paths.ts). */
export const MODULE_CODE_ITEM = "file system: the launched module's code";

/** What `explain()` says of it, before a module is known. */
export const MODULE_CODE_DETAIL = `for { module }: the files ${CODE_FILES_TEXT} of its package (the nearest named package.json above it) `
  + 'and of the packages it depends on at run time, one rule a file, and listing of their directories; never dot-files or other files; '
  + 'the report of a launch names them';

/** Dot-files are never code a module loads, and are where secrets live (`.env`, `.npmrc`, `.git/`). */
function hidden(name: string): boolean {
  return name.startsWith('.');
}

/** Whether a file of a package is granted: code or data Node loads, never a dot-file. */
export function isCodeFile(name: string): boolean {
  if (hidden(name)) return false;
  const dot = name.lastIndexOf('.');
  return CODE_NAMES.has(name) || (dot > 0 && CODE_EXTENSIONS.has(name.slice(dot)));
}

/** Directories the walk of a package leaves out: dot-directories, and `node_modules` — dependencies come from the manifests, not from what happens to be installed. */
export function walksInto(name: string): boolean {
  return !hidden(name) && name !== 'node_modules';
}

/**
 * The manifest fields whose packages a module may import at run time. `devDependencies` are left
 * out: a production install has none, and a launched module should load the same there.
 */
const DEPENDENCY_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'] as const;

/** The names of the packages a manifest depends on at run time; anything malformed gives none. */
export function dependencyNames(manifest: unknown): string[] {
  if (typeof manifest !== 'object' || manifest === null) return [];
  const names = DEPENDENCY_FIELDS.flatMap((field) => {
    const deps = (manifest as Record<string, unknown>)[field];
    return typeof deps === 'object' && deps !== null && !Array.isArray(deps) ? Object.keys(deps) : [];
  });
  // A name is one segment or @scope/segment; anything else (`../x`) must not steer the lookup.
  return [...new Set(names)].filter((name) => /^(@[^/.][^/]*\/)?[^/.][^/]*$/.test(name));
}

/**
 * Where Node looks for package `name` imported from a file in `dir`, nearest first: `node_modules/name`
 * in `dir` and each directory above it, except inside a `node_modules` directory itself.
 */
export function lookupPaths(dir: string, name: string): string[] {
  const paths: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    if (basename(at) !== 'node_modules') paths.push(join(at, 'node_modules', name));
    if (dirname(at) === at) return paths;
  }
}
