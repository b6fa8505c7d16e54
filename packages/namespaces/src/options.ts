import type { SpawnOptions } from 'node:child_process';

/** Which namespaces to create; `'all'` means every one of them. */
export type Namespaces = 'all' | {
  user?: boolean; mount?: boolean; net?: boolean; pid?: boolean; ipc?: boolean; uts?: boolean; cgroup?: boolean;
};

/**
 * One entry of the file-system view, applied in order. Targets are absolute paths inside the
 * sandbox. `proc` is a fresh procfs (its sys, sysrq-trigger, irq and bus read-only); `dev` a
 * tmpfs with null, zero, full, random, urandom, tty, a private devpts and the usual links.
 * Binds are always `nosuid`, and `nodev` unless `devices` is set; `readOnly` covers every
 * submount of a recursive bind.
 */
export type Mount =
  | { type: 'bind'; source: string; target?: string; readOnly?: boolean; recursive?: boolean; optional?: boolean; noexec?: boolean; devices?: boolean }
  | { type: 'tmpfs'; target: string; mode?: number; size?: number; readOnly?: boolean; noexec?: boolean }
  | { type: 'proc'; target?: string }
  | { type: 'dev'; target?: string }
  | { type: 'dir'; target: string; mode?: number }
  | { type: 'symlink'; target: string; linkTo: string }
  | { type: 'file'; target: string; content: string | Uint8Array; mode?: number }
  /** Make a path already in the view read-only (with its submounts), like bubblewrap's --remount-ro. */
  | { type: 'remount-ro'; target: string; optional?: boolean };

/**
 * A step run after the namespaces and mounts, right before `execve`, always in the order
 * caps → no-new-privs → landlock → seccomp (whatever the order in the array). Landlock rulesets
 * are built (rule paths opened) before the first step, while the launcher has all its
 * privileges; only `landlock_restrict_self` waits for its turn, after no_new_privs.
 * Plain data, so `@exile/core` (or a test) can compose them from the other packages.
 */
export type PreExecStep =
  /** A Landlock ruleset from `@exile/landlock`'s `compile()`, opaque here: the launcher creates it,
   *  opens each rule path (without following a symlink, failing when it is not the file compile()
   *  resolved), adds the rules and restricts itself. */
  | { type: 'landlock'; ruleset: Uint8Array }
  /** `@exile/caps`' `dropOpsBeforeExec()`: its drop() recipe (no_new_privs, ambient, bounding,
   *  capset) as engine ops, run by the same code `@exile/threads` runs on every thread. */
  | { type: 'caps'; ops: Uint8Array }
  | { type: 'no-new-privs' }
  /**
   * A raw classic-BPF program (`struct sock_filter[]`, 8 bytes each) and `seccomp(2)` flags (TSYNC, LOG, SPEC_ALLOW).
   * `listener`: an AF_UNIX socket fd of this process (`@exile/seccomp` `openListener().socket`); the
   * filter is installed with SECCOMP_FILTER_FLAG_NEW_LISTENER and the launcher sends the listener fd
   * over that socket (SCM_RIGHTS), then closes it before exec. After installing, the launcher calls
   * `sendmsg(listenerFd(stdio), …, LISTENER_HANDOVER_FLAGS)` and `close`: the filter must allow both
   * (a refused `close` fails the launch rather than leave the listener to the program).
   * At most one step has a listener (the kernel allows one per task).
   * `pidSlots`: indexes of `BPF_JMP|BPF_JEQ|BPF_K` instructions whose `k` the launcher sets to the
   * program's pid (its own, as the program will see it) right before installing: self-signal checks.
   */
  | { type: 'seccomp'; filter: Uint8Array; flags?: number; listener?: number; pidSlots?: number[] };

/** File-system view: `root: 'empty'` starts from an empty tmpfs, `'host'` (default) from the host's tree. */
export interface FsOptions {
  root?: 'host' | 'empty';
  mounts?: Mount[];
}

/** Options of `spawn`: Node's `SpawnOptions` plus the sandbox. */
export interface LaunchOptions extends Omit<SpawnOptions, 'uid' | 'gid' | 'shell'> {
  namespaces?: Namespaces;
  /** uid inside the user namespace (default: the caller's euid). `0` makes the program root inside. */
  uid?: number;
  /** gid inside the user namespace (default: the caller's egid). */
  gid?: number;
  /** Host name inside a UTS namespace (implies `uts`). */
  hostname?: string;
  fs?: FsOptions;
  preExec?: PreExecStep[];
  /** Kill the sandbox (SIGKILL) when the spawning thread dies. */
  dieWithParent?: boolean;
  /** `setsid()` before exec, so the program cannot push input into our terminal (TIOCSTI). */
  newSession?: boolean;
  /** Start from an empty environment: the program sees only `env`. */
  clearEnv?: boolean;
}
