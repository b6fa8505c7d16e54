import { ErrorCodes, ExileError, errnoName, loadAddon } from '@exile/common';

interface Native {
  /** landlock_create_ruleset(NULL, 0, flags): the value, or -errno. */
  query(flags: number): number;
  /** landlock_create_ruleset(attr, attr.length, 0) → ruleset fd. */
  createRuleset(attr: Buffer): number;
  addRule(rulesetFd: number, ruleType: number, attr: Buffer, flags: number): void;
  /** landlock_restrict_self on the calling thread (every thread with TSYNC). */
  restrictSelf(rulesetFd: number, flags: number): void;
  /** open(path, O_PATH | O_CLOEXEC) + fstat → [fd, isDirectory]. */
  openPath(path: string): [number, boolean];
  close(fd: number): void;
  /** prctl(PR_SET_NO_NEW_PRIVS, 1) on the calling thread. */
  noNewPrivs(): void;
  /** A non-blocking NETLINK_AUDIT socket in the read-log multicast group, or -errno. */
  auditSubscribe(): number;
  auditRequest(type: number): Buffer | number;
}

export const native = loadAddon<Native>(import.meta.url);

/** The errno name of a failed native call (`ERR_EXILE_SYSCALL`), else undefined. */
export function errnoOf(error: unknown): string | undefined {
  if (!(error instanceof ExileError) || error.code !== ErrorCodes.SYSCALL) return undefined;
  return typeof error.details.errno === 'number' ? errnoName(error.details.errno) : undefined;
}

