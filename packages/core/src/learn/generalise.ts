import { posix } from 'node:path';
import { within } from '@exile/common';
import type { FileAccess, FileEvent } from './events.js';
import { minimal, secretLooking, storeOf, SYSTEM_TREES, TOOL_TREES, tooWide, treeOf } from './path-rules.js';

/** What the generaliser may ask about the file system (injected: the learner reads it, tests fake it). */
export interface PathFacts {
  /** Home directories (never granted whole, and where credentials live). */
  homes: readonly string[];
  /** The names in directory `dir`, or undefined when it cannot be listed. */
  entries(dir: string): readonly string[] | undefined;
}

export interface LearnedFs {
  read: string[];
  write: string[];
  exec: string[];
  warnings: string[];
}

const parent = (path: string): string => posix.dirname(path);

/**
 * "Most of a directory's entries were used": replaces the used entries by the directory, from the
 * deepest up, while more than half of the entries (and at least two) are used. Never a directory
 * that is too wide (`/`, a home) or holds a secret-looking entry that was not granted.
 */
function rollUp(paths: readonly string[], facts: PathFacts, granted: ReadonlySet<string>): string[] {
  let current = minimal(paths);
  for (;;) {
    const used = new Map<string, Set<string>>();
    for (const path of current) {
      if (path === '/') continue;
      const dir = parent(path);
      used.set(dir, (used.get(dir) ?? new Set()).add(posix.basename(path)));
    }
    const dirs = [...used.keys()].sort((a, b) => b.split('/').length - a.split('/').length);
    const chosen = dirs.find((dir) => {
      const names = used.get(dir)!;
      if (names.size < 2 || tooWide(dir, facts.homes) || secretLooking(dir, facts.homes)) return false;
      const entries = facts.entries(dir);
      if (entries === undefined || names.size * 2 <= entries.length) return false;
      return !entries.some((name) => secretLooking(posix.join(dir, name), facts.homes) && !granted.has(posix.join(dir, name)));
    });
    if (chosen === undefined) return current;
    current = minimal([...current.filter((path) => !within(path, chosen)), chosen]);
  }
}

/**
 * The file-system part of a learned policy, generalised as a person would and never wider:
 * reads and listings below a system library or tool tree become the tree, below a `.git` or an
 * npm cache the whole store, below an installed package (`node_modules/NAME`) the package; a created or removed
 * entry grants write on its directory (the nearest one that existed before the run), or below `/`
 * or a home the entry itself when the run left it there; written
 * files are granted one by one; a directory replaces its entries when most of them were used;
 * secret-looking files are granted only if read, one by one, with a warning. `/` and home
 * directories are never granted whole: what would need that is left out, with a warning.
 */
export function generaliseFiles(events: readonly FileEvent[], facts: PathFacts): LearnedFs {
  const warnings: string[] = [];
  const byPath = new Map<string, Set<FileAccess>>();
  for (const { path, access } of events) byPath.set(path, (byPath.get(path) ?? new Set()).add(access));
  const has = (path: string, access: FileAccess): boolean => byPath.get(path)?.has(access) === true;
  const secrets = new Set<string>();
  const read: string[] = [];
  const exec: string[] = [];
  const writeFiles: string[] = [];
  const writeDirs: string[] = [];
  // Inside a directory the run itself created, what is granted belongs to the first one that existed.
  const existingDir = (path: string): string => {
    let dir = parent(path);
    while (dir !== '/' && has(dir, 'create')) dir = parent(dir);
    return dir;
  };
  const needWrite = (dir: string, why: string): void => {
    if (tooWide(dir, facts.homes)) warnings.push(`${why} needs write access to all of ${dir}, which exile learn never grants: left out`);
    else writeDirs.push(dir);
  };
  for (const [path, accesses] of byPath) {
    // The system trees hold public files whatever their names (…/cache/key.js, /usr/share/keyrings).
    const secret = secretLooking(path, facts.homes) && treeOf(path, SYSTEM_TREES) === undefined;
    const created = accesses.has('create');
    for (const access of accesses) {
      // What the run created is reached through its directory's grant: next time it is a new file.
      if (created && access !== 'create' && access !== 'exec') continue;
      if (access === 'read' || access === 'list') {
        if (secret && access === 'read') secrets.add(path);
        else if (treeOf(path, SYSTEM_TREES) !== undefined) read.push(treeOf(path, SYSTEM_TREES)!);
        else if (storeOf(path) !== undefined) read.push(storeOf(path)!);
        else if (access === 'list' && tooWide(path, facts.homes)) warnings.push(`listing ${path} would need read access to all of it, which exile learn never grants: left out`);
        else if (!secret) read.push(path);
      } else if (access === 'exec') {
        // A program the run built is a new file next time: its directory is what stays.
        exec.push(created ? existingDir(path) : treeOf(path, TOOL_TREES) ?? path);
      } else if (access === 'write' || access === 'truncate') {
        writeFiles.push(path);
      } else if (access === 'create') {
        const dir = existingDir(path);
        // Below `/` or a home, what the run created there and left (~/.npm, ~/.cache/tool) is
        // there next time: it is granted itself, never a secret-looking one (~/.ssh).
        const made = posix.join(dir, path.slice(dir.length).split('/').find((part) => part !== '')!);
        const left = tooWide(dir, facts.homes) && !tooWide(made, facts.homes) && facts.entries(dir)?.includes(posix.basename(made)) === true;
        if (left && !secretLooking(made, facts.homes)) writeDirs.push(made);
        else needWrite(dir, `creating ${path}`);
      } else if (access === 'remove' && !has(path, 'create')) {
        needWrite(parent(path), `removing ${path}`);
      }
    }
  }
  for (const path of [...secrets].sort()) {
    warnings.push(`${path} looks like a secret and was read: allowed as that one file; check it belongs in the policy`);
  }
  const granted = new Set([...secrets, ...writeFiles]);
  const write = minimal([...rollUp(writeFiles.filter((p) => !secrets.has(p)), facts, granted), ...writeDirs]);
  const execs = minimal(rollUp(exec, facts, granted));
  const reads = minimal([...rollUp(read, facts, granted), ...secrets], [...write, ...execs]);
  return { read: reads, write, exec: execs, warnings };
}
