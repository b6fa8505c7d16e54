import { posix } from 'node:path';
import { within } from '@exile/common';

/**
 * The system's library and tool trees: a read below one of them is granted as the whole tree, as
 * a person would write `--ro /usr/lib`. Paths are recorded resolved, so `/lib` on a merged-/usr
 * system arrives as `/usr/lib`. `/proc`: the per-process files a program reads (`/proc/self/maps`,
 * `/proc/PID/stat`) name pids that change from run to run, and Landlock's ptrace scoping keeps
 * other processes' sensitive files (`mem`, `environ`) out of reach anyway.
 */
export const SYSTEM_TREES: readonly string[] = [
  '/usr/lib', '/usr/lib32', '/usr/lib64', '/usr/libx32', '/usr/libexec', '/usr/share', '/usr/include',
  '/usr/bin', '/usr/sbin', '/usr/local/lib', '/usr/local/share', '/usr/local/include', '/usr/local/bin',
  '/lib', '/lib32', '/lib64', '/bin', '/sbin', '/proc',
  // What runtimes read to size themselves (cgroup limits, online CPUs): the cgroup path names the session.
  '/sys/fs/cgroup', '/sys/devices/system/cpu',
];

/** The trees whose programs are granted execution as a whole; anything else is executable one file at a time. */
export const TOOL_TREES: readonly string[] = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/libexec', '/bin', '/sbin'];

/**
 * Content-addressed stores: one database whose files (objects named by hash, packs, refs, index
 * entries) change with every commit or install, so a read inside is granted as the whole store,
 * as a person would: version control, and npm's cache.
 */
const STORES = ['.git', '.hg', '.svn', '_cacache'];

/** The store holding `path`, if any: a store above, or an installed package (`…/node_modules/NAME`,
 *  `…/node_modules/@SCOPE/NAME`, the outermost), which npm writes and replaces whole and a program
 *  loads a few files of: granted whole, a project's `node_modules` becomes one directory when most
 *  of its packages were loaded, not a line per file (express answering one request: 165). */
export function storeOf(path: string): string | undefined {
  const parts = path.split('/');
  const at = parts.findIndex((part) => STORES.includes(part));
  if (at >= 0) return parts.slice(0, at + 1).join('/');
  const modules = parts.indexOf('node_modules');
  if (modules < 0 || modules + 1 >= parts.length) return undefined;
  return parts.slice(0, modules + (parts[modules + 1]!.startsWith('@') ? 3 : 2)).join('/');
}

/** What a grant of `path` names, as exile learn grants it: the store holding it (`…/.git`, an
 *  installed package `…/node_modules/NAME`) whole, else the path itself. Where a denial is
 *  explained (`--diagnose`, `explainDenial()`, the audit lines) the flag names this, so fitting
 *  git is one `--ro …/.git`, not HEAD, then refs, then objects. */
export function grantUnitOf(path: string): string {
  return storeOf(path) ?? path;
}

/** Below a home directory: credentials, every file of them secret. */
const SECRET_DIRS = ['.ssh', '.aws', '.gnupg'];
/** Names that look like secrets wherever they are. */
const SECRET_NAMES: readonly RegExp[] = [/^\.env(\..*)?$/, /\.pem$/i, /key/i, /^\.npmrc$/, /^\.netrc$/];

/** The tree of `trees` holding `path`, if any. */
export function treeOf(path: string, trees: readonly string[]): string | undefined {
  return trees.find((tree) => within(path, tree));
}

export function secretLooking(path: string, homes: readonly string[]): boolean {
  if (SECRET_NAMES.some((pattern) => pattern.test(posix.basename(path)))) return true;
  return homes.some((home) => SECRET_DIRS.some((dir) => within(path, posix.join(home, dir))));
}

/** Never granted as a whole: `/`, a home directory, and what holds home directories. */
export function tooWide(dir: string, homes: readonly string[]): boolean {
  return dir === '/' || homes.some((home) => within(home, dir));
}

/** The paths not below another path of the list or of `covering`, de-duplicated and sorted. */
export function minimal(paths: Iterable<string>, covering: readonly string[] = []): string[] {
  const kept: string[] = [];
  for (const path of [...new Set(paths)].sort()) {
    if (kept.some((dir) => within(path, dir)) || covering.some((dir) => within(path, dir))) continue;
    kept.push(path);
  }
  return kept;
}
