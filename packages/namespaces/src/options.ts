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

/** A Landlock rule: a file hierarchy, or a TCP port (ABI ≥ 4). `access` is a mask of LANDLOCK_ACCESS_* bits. */
export type LandlockRuleSpec = { path: string; access: number | bigint } | { port: number; access: number | bigint };

/**
 * A step run after the namespaces and mounts, right before `execve`, always in the order
 * caps → no-new-privs → landlock → seccomp (whatever the order in the array). Landlock rulesets
 * are built (rule paths opened) before the first step, while the launcher has all its
 * privileges; only `landlock_restrict_self` waits for its turn, after no_new_privs.
 * Plain data, so `@exile/core` (or a test) can compose them from the other packages.
 */
export type PreExecStep =
  | {
    type: 'landlock';
    /** Target Landlock ABI; picks the ruleset attr size (1-3: 8 bytes, 4-5: 16, ≥ 6: 24). Default: the smallest that holds the fields given. */
    abi?: number;
    handledAccessFs: number | bigint;
    handledAccessNet?: number | bigint;
    scoped?: number | bigint;
    rules?: LandlockRuleSpec[];
    /** `landlock_restrict_self` flags. */
    restrictFlags?: number;
  }
  /** Keep only these capability numbers in the bounding, ambient, effective, permitted and inheritable sets. */
  | { type: 'caps'; keep: number[] }
  | { type: 'no-new-privs' }
  /** A raw classic-BPF program (`struct sock_filter[]`, 8 bytes each) and `seccomp(2)` flags (TSYNC, LOG, SPEC_ALLOW). */
  | { type: 'seccomp'; filter: Uint8Array; flags?: number };

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
