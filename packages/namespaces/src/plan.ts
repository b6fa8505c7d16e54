/**
 * The plan: everything `exile-launch` does, as plain data. TypeScript builds it
 * (build-plan.ts), encodes it (plan-codec.ts) and the launcher executes it step by step.
 * Field meanings mirror native/plan.h.
 */

/** `clone(2)` flags of the namespaces the launcher can create. */
export const CloneFlags = {
  mount: 0x0002_0000,
  cgroup: 0x0200_0000,
  uts: 0x0400_0000,
  ipc: 0x0800_0000,
  user: 0x1000_0000,
  pid: 0x2000_0000,
  net: 0x4000_0000,
} as const;

/** A namespace the launcher can create. */
export type NamespaceName = keyof typeof CloneFlags;

/** One line of `/proc/<pid>/uid_map` or `gid_map`. */
export interface IdMap {
  inside: number;
  outside: number;
  count: number;
}

/** Primitive mount operations (the public `Mount` kinds expand into these). */
export type MountOp =
  | { op: 'bind'; source: string; target: string; readOnly: boolean; recursive: boolean; optional: boolean; nosuid: boolean; nodev: boolean; noexec: boolean }
  | { op: 'tmpfs'; target: string; mode: number; size: number; readOnly: boolean; nosuid: boolean; nodev: boolean; noexec: boolean }
  | { op: 'proc'; target: string }
  | { op: 'devpts'; target: string }
  | { op: 'mkdir'; target: string; mode: number }
  | { op: 'symlink'; target: string; linkTo: string }
  | { op: 'file'; target: string; content: Uint8Array; mode: number }
  | { op: 'remount-ro'; target: string; optional: boolean; nosuid: boolean; nodev: boolean; noexec: boolean };

/** Pre-exec steps, executed in this order: caps, no-new-privs, landlock, seccomp (see `STEP_ORDER`). */
export type LaunchPlanStep =
  /** `ruleset`: @exile/landlock's encoding (see its src/wire.ts), read by native/plan.c. */
  | { step: 'landlock'; ruleset: Uint8Array }
  /** `ops`: @exile/caps' recipe as @exile/threads encodes engine ops, run by the engine's ops.c. */
  | { step: 'caps'; ops: Uint8Array }
  | { step: 'no-new-privs' }
  /** `listener`: this process's socket fd, given to the launcher right after the plan fd (flags has NEW_LISTENER); not encoded. */
  | { step: 'seccomp'; flags: number; filter: Uint8Array; pidSlots: number[]; listener?: number };

/**
 * The fixed execution order of pre-exec steps, the one `@exile/core`'s enable() uses in-process:
 * Landlock comes after no_new_privs, so an unprivileged caller needs no user namespace for it.
 * Its ruleset (every rule path opened) is built before the first step, with full privileges.
 */
export const STEP_ORDER: readonly LaunchPlanStep['step'][] = ['caps', 'no-new-privs', 'landlock', 'seccomp'];

/** Everything the launcher does, in the order it does it. */
export interface LaunchPlan {
  dieWithParent: boolean;
  newSession: boolean;
  /** Sum of `CloneFlags` passed to `unshare(2)`. */
  cloneFlags: number;
  setgroupsDeny: boolean;
  uidMap: IdMap[];
  gidMap: IdMap[];
  hostname?: string;
  loopback: boolean;
  /** Make every mount private (recursively) before mounting anything. */
  mountPrivate: boolean;
  /** Create missing mount targets (only inside an empty root). */
  createTargets: boolean;
  /** Empty root: the directory a tmpfs is staged on before `pivot_root` into it. */
  staging?: string;
  mounts: MountOp[];
  cwd?: string;
  steps: LaunchPlanStep[];
  argv: string[];
  env: string[];
  /** Paths tried in order with `execve` (the PATH search, done here). */
  exec: string[];
  /** fds 0..keepFds-1 survive; the rest are closed. */
  keepFds: number;
  /** The fd the plan arrives on (and a failure record goes back on): keepFds. */
  planFd: number;
  /** pid of the process that spawned the launcher (0: do not check), for dieWithParent. */
  parentPid: number;
}
