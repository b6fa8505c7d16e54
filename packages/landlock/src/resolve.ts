import { lstatSync, realpathSync, statSync, type BigIntStats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ErrorCodes, invalid, within, type ExileError } from '@exile/common';
import type { PathKind } from './rules.js';
import type { PathGrant } from './spec.js';

/** Paths that name the started program's own entries (and are symlinks to them): taken as
 *  written, opened by the child, never resolved here. */
export const CHILD_ONLY: readonly string[] = ['/proc/self', '/proc/thread-self'];

/** Errnos that mean "this path does not exist" (a missing component or a non-directory on the way). */
export const MISSING = ['ENOENT', 'ENOTDIR'];

/** A spec path as planned for a child: where the rule goes and what must be there. */
export interface ResolvedPath {
  grant: PathGrant;
  /** The file the rule is on: `grant.path` with every symlink resolved (or as written, see `identity`). */
  path: string;
  kind: PathKind;
  /** Device and inode of `path` now; absent for a path that exists only in the child. */
  identity?: { dev: bigint; ino: bigint };
}

/** ERR_EXILE_INVALID_POLICY for a spec path that does not exist. */
export function missingPath(grant: PathGrant, errno: string, cause: unknown): ExileError {
  return invalid(grant.where[0] ?? '$.fs', `${grant.path} does not exist (${errno}); create it first or set missingPaths: 'ignore'`,
    { file: grant.path, errnoName: errno }, { context: 'landlock spec', cause });
}

/**
 * Resolves a spec path once, for a rule another process adds later: every symlink followed now,
 * the rule on the target, and the target's device and inode kept so that the executor can refuse
 * a different file there (a symlink planted or a directory swapped in between). Paths at or
 * beneath `asIs` (a /proc the launcher mounts afresh, the program's own /proc/self) exist only in
 * the child: taken as written, unchecked.
 */
export function resolvePath(grant: PathGrant, missing: 'error' | 'ignore', asIs: readonly string[], parents: Map<string, string> = new Map()): ResolvedPath {
  if ([...CHILD_ONLY, ...asIs].some((dir) => within(grant.path, dir))) return { grant, path: grant.path, kind: 'dir' };
  try {
    const { path, st } = resolved(grant.path, parents);
    return { grant, path, kind: st.isDirectory() ? 'dir' : 'file', identity: { dev: st.dev, ino: st.ino } };
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code ?? String(error);
    if (!MISSING.includes(errno)) {
      throw invalid(grant.where[0] ?? '$.fs', `cannot resolve ${grant.path} (${errno})`, { file: grant.path, errnoName: errno },
        { code: ErrorCodes.SYSCALL, context: 'landlock spec', cause: error });
    }
    if (missing === 'error') throw missingPath(grant, errno, error);
    return { grant, path: grant.path, kind: { missing: errno } };
  }
}

/**
 * `path` with every symlink resolved, and what is there. A path that is no symlink itself is its
 * parent's resolution plus its name: a ruleset of thousands of files in a few hundred directories
 * (a launched module's code) resolves each directory once, through `parents`, and each file with
 * one lstat instead of a realpath that walks every component again.
 */
function resolved(given: string, parents: Map<string, string>): { path: string; st: BigIntStats } {
  const parent = dirname(given);
  if (parent === given) return { path: given, st: statSync(given, { bigint: true }) };
  let realParent = parents.get(parent);
  if (realParent === undefined) {
    realParent = realpathSync.native(parent);
    parents.set(parent, realParent);
  }
  const own = lstatSync(join(realParent, basename(given)), { bigint: true });
  if (own.isSymbolicLink()) {
    const path = realpathSync.native(given);
    return { path, st: statSync(path, { bigint: true }) };
  }
  return { path: join(realParent, basename(given)), st: own };
}
