import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tools/test-utils/src/stage.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

// Workspace folders whose projects are staged (pnpm-workspace.yaml).
const WORKSPACES = ['packages', 'tools', 'examples'];
// Never staged: sources of other runs' children, caches, and node_modules (rebuilt below from links).
const SKIP = new Set(['node_modules', '.test-tmp', '.bench-tmp', '.turbo']);

let stage: string | undefined;

/**
 * A world-readable copy of what a child needs from the repository — every folder of the workspace
 * folders (projects with their built files and node_modules links, and plain ones like tools'), and the registry packages they depend on at run time —
 * laid out as in the repository. nobody cannot traverse a clone inside a mode-0700 directory
 * (`mktemp -d`, `/root`), so its children run from here; made once per test process, removed at exit.
 */
export function stageRoot(): string {
  if (stage !== undefined) return stage;
  const root = mkdtempSync(join(tmpdir(), 'exile-stage-'));
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  const external = new Set<string>();
  for (const workspace of WORKSPACES) {
    let names: string[];
    try {
      names = readdirSync(join(REPO_ROOT, workspace));
    } catch {
      continue;
    }
    for (const name of names) {
      const project = join(REPO_ROOT, workspace, name);
      if (!lstatSync(project).isDirectory()) continue;
      cpSync(project, join(root, workspace, name), { recursive: true, verbatimSymlinks: true, filter: (src) => !SKIP.has(src.split(sep).pop()!) });
      if (!existsSync(join(project, 'package.json'))) continue; // plain folders of tools/ (data, scripts)
      copyLinks(join(project, 'node_modules'), root);
      for (const dep of runtimeDependencies(project)) external.add(join(project, 'node_modules', dep));
    }
  }
  const seen = new Set<string>();
  for (const link of external) stageRegistryPackage(link, root, seen);
  makeReadable(root);
  stage = root;
  return root;
}

/** `path` as nobody's children see it: inside the stage when it is in the repository. */
export function nobodyPath(path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(REPO_ROOT, path);
  if (rel.startsWith('..') || rel.startsWith(sep)) return path;
  return join(stageRoot(), rel);
}

function runtimeDependencies(dir: string): string[] {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: object; optionalDependencies?: object };
  return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})];
}

/** Copies the symlinks of a node_modules folder (and its @scope folders) as they are: relative links. */
function copyLinks(modules: string, root: string): void {
  let entries: string[];
  try {
    entries = readdirSync(modules);
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(modules, entry);
    const stat = lstatSync(path);
    if (entry.startsWith('@') && stat.isDirectory()) copyLinks(path, root);
    else if (stat.isSymbolicLink()) {
      const target = join(root, relative(REPO_ROOT, path));
      mkdirSync(dirname(target), { recursive: true });
      symlinkSync(readlinkSync(path), target);
    }
  }
}

/** A registry package pnpm placed in node_modules/.pnpm/<id>/: copies that folder, then its dependencies. */
function stageRegistryPackage(link: string, root: string, seen: Set<string>): void {
  let real: string;
  try {
    real = realpathSync(link);
  } catch {
    return; // an optional dependency not installed
  }
  const store = join(REPO_ROOT, 'node_modules', '.pnpm') + sep;
  if (!real.startsWith(store)) return; // a workspace project: staged already
  const entry = join(store, real.slice(store.length).split(sep)[0]!);
  if (seen.has(entry)) return;
  seen.add(entry);
  cpSync(entry, join(root, relative(REPO_ROOT, entry)), { recursive: true, verbatimSymlinks: true });
  const modules = real.slice(0, real.lastIndexOf(`${sep}node_modules${sep}`) + `${sep}node_modules`.length);
  for (const dep of runtimeDependencies(real)) stageRegistryPackage(join(modules, dep), root, seen);
}

/** Directories 0755 and files a+r (x kept), whatever umask the clone was made with. */
function makeReadable(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    chmodSync(path, 0o755);
    for (const entry of readdirSync(path)) makeReadable(join(path, entry));
  } else {
    chmodSync(path, (stat.mode & 0o7777) | 0o444);
  }
}
