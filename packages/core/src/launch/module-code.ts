import { basename, dirname, join } from 'node:path';
import { within } from '@exile/common';
import { dependencyNames, isCodeFile, lookupPaths, walksInto } from './package-code.js';

/** What the walk needs of the file system: given, so the decisions are tested without one. */
export interface CodeFs {
  /** A directory's entries; none when it cannot be read. */
  list(dir: string): { name: string; kind: 'file' | 'dir' | 'link' | 'other' }[];
  /** `path` with every symlink resolved; undefined when it does not exist. */
  realpath(path: string): string | undefined;
  /** What a resolved path is; undefined when it does not exist. */
  kind(path: string): 'file' | 'dir' | 'other' | undefined;
  /** A JSON file's value; undefined when it cannot be read or parsed. */
  readJson(path: string): unknown;
}

/** One package whose code a launched module may read. */
export interface CodePackage {
  root: string;
  name?: string;
  /** Files granted in it; 0 when a path the child reads anyway covers it. */
  files: number;
  /** A policy or runtime path already grants it whole: not walked. */
  covered: boolean;
}

/** The code a launched module may read: its package and the packages that one depends on, transitively. */
export interface ModuleCode {
  /** The module's file (resolved). */
  module: string;
  /** Empty when no package.json is above the module: then it reads only itself. */
  packages: CodePackage[];
  /** Files to grant read-file on, one rule each (resolved paths). */
  files: string[];
  /** Package roots to grant read-dir on: listing is inherited beneath them, reading is not. */
  dirs: string[];
  /** The walk stopped at `maxFiles`: `files` is incomplete. */
  truncated: boolean;
  /** The directories read and the manifests followed: when one of them changes, the files may have (runtime-paths.ts plans again). */
  watched: string[];
}

/** A manifest's `name`, when it has one. */
const nameOf = (manifest: unknown): string | undefined => {
  const name = (manifest as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
};

/**
 * The package a module belongs to, its root and manifest: the nearest directory at or above `dir`
 * whose package.json has a `name`. A nameless one nearer (a dual build's `dist/esm/package.json`
 * that only sets `type`) is a module-format marker inside that package, not the package: its
 * dependencies and siblings are the named one's. Without a named one, the nearest package.json
 * (an app that names nothing).
 */
export function packageOf(dir: string, fs: CodeFs): { root: string; manifest: unknown } | undefined {
  let nearest: { root: string; manifest: unknown } | undefined;
  for (let at = dir; ; at = dirname(at)) {
    if (fs.kind(join(at, 'package.json')) === 'file') {
      const found = { root: at, manifest: fs.readJson(join(at, 'package.json')) };
      if (nameOf(found.manifest) !== undefined) return found;
      nearest ??= found;
    }
    if (dirname(at) === at) return nearest;
  }
}

/** The package `name` resolves to from a package at `root`, Node's way: the nearest `node_modules/name` with a package.json. */
function resolveDependency(root: string, name: string, fs: CodeFs): string | undefined {
  for (const candidate of lookupPaths(root, name)) {
    const real = fs.realpath(candidate);
    if (real !== undefined && fs.kind(join(real, 'package.json')) === 'file') return real;
  }
  return undefined;
}

/**
 * The code files of the package at `root`: every granted file beneath it, outside dot-directories
 * and node_modules. A symlink counts only when its name and its target's name both pass (Node
 * loads the target; a `lib.js` pointing at `.env` is not code). Stops after `budget` files.
 */
function walkPackage(root: string, fs: CodeFs, budget: number, seenDirs: Set<string>): { files: string[]; truncated: boolean } {
  const files: string[] = [];
  const stack = [root];
  seenDirs.add(root);
  const enterDir = (real: string) => {
    if (!seenDirs.has(real)) {
      seenDirs.add(real);
      stack.push(real);
    }
  };
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const entry of fs.list(dir)) {
      const path = join(dir, entry.name);
      if (entry.kind === 'dir' && walksInto(entry.name)) enterDir(path);
      else if (entry.kind === 'file' && isCodeFile(entry.name)) files.push(path);
      else if (entry.kind === 'link') {
        const real = fs.realpath(path);
        const kind = real === undefined ? undefined : fs.kind(real);
        if (kind === 'dir' && walksInto(entry.name) && walksInto(basename(real!))) enterDir(real!);
        else if (kind === 'file' && isCodeFile(entry.name) && isCodeFile(basename(real!))) files.push(real!);
      }
      if (files.length > budget) return { files: files.slice(0, budget), truncated: true };
    }
  }
  return { files, truncated: false };
}

/**
 * What a module at `module` may read to load: the code of its package (nearest package.json up
 * from its resolved path) and of every package that one depends on at run time, found as Node
 * finds them (so pnpm's linked store and hoisted workspaces work alike). `covered`: directories
 * the child reads anyway (the policy's, exile's own packages): not walked. A module with no
 * package.json above it reads only itself: walking up from a loose file would reach /tmp or $HOME.
 */
export function moduleCode(module: string, fs: CodeFs, options: { covered: readonly string[]; maxFiles: number }): ModuleCode {
  const real = fs.realpath(module) ?? module;
  const own = packageOf(dirname(real), fs);
  if (own === undefined) return { module: real, packages: [], files: [real], dirs: [], truncated: false, watched: [dirname(real)] };
  const packages: CodePackage[] = [];
  const files = new Set<string>();
  const seenDirs = new Set<string>();
  const queue = [own.root];
  const queued = new Set(queue);
  let truncated = false;
  for (let next = queue.shift(); next !== undefined && !truncated; next = queue.shift()) {
    const manifest = next === own.root ? own.manifest : fs.readJson(join(next, 'package.json'));
    const name = nameOf(manifest);
    const covered = options.covered.some((dir) => within(next, dir));
    const walked = covered ? { files: [], truncated: false } : walkPackage(next, fs, options.maxFiles - files.size, seenDirs);
    // A package a symlink inside another one reached already: its files count once.
    const fresh = walked.files.filter((file) => !files.has(file));
    for (const file of fresh) files.add(file);
    truncated = walked.truncated;
    packages.push({ root: next, ...(name === undefined ? {} : { name }), files: fresh.length, covered });
    for (const dep of dependencyNames(manifest)) {
      const at = resolveDependency(next, dep, fs);
      if (at !== undefined && !queued.has(at)) {
        queued.add(at);
        queue.push(at);
      }
    }
  }
  // The module itself whatever its name: the caller named it.
  if (!files.has(real)) {
    files.add(real);
    packages[0]!.files += 1;
  }
  const roots = packages.filter((p) => !p.covered).map((p) => p.root);
  // Listing is inherited: one rule per outermost root.
  const dirs = roots.filter((dir) => !roots.some((other) => other !== dir && within(dir, other)));
  const watched = [...new Set([dirname(real), ...seenDirs, ...packages.map((p) => join(p.root, 'package.json'))])];
  return { module: real, packages, files: [...files], dirs, truncated, watched };
}
