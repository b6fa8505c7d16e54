import type { Arch } from './arches.js';

export type { Arch };

/**
 * What the kernel does with a syscall. `'trap'` equals `{ trap: 0 }`; errno names (`'EPERM'`) are
 * accepted on input and come back as numbers.
 */
export type Action =
  | 'allow'
  | 'kill-process'
  | 'kill-thread'
  | 'trap'
  | 'log'
  | 'notify'
  | { errno: number | string }
  | { trace: number }
  | { trap: number };

/** Comparison of one syscall argument, unsigned. */
export type ArgOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'masked-eq';

/** One argument check: `(arg[index] & mask) == value` for masked-eq, `arg[index] <op> value` otherwise. */
export interface ArgCheck {
  index: 0 | 1 | 2 | 3 | 4 | 5;
  op: ArgOp;
  /** Unsigned value; negative numbers are taken as two's complement of `width` bits (-100 → AT_FDCWD). */
  value: number | bigint;
  /** Required for (and only for) `masked-eq`; `value` must lie inside it. */
  mask?: number | bigint;
  /** 32 compares only the low half (C `int` arguments); 64 (default) the whole register. */
  width?: 32 | 64;
}

/** Rules are tried in order; the first whose syscall matches and whose checks all hold decides. */
export interface Rule {
  syscall: string | string[];
  action: Action;
  args?: ArgCheck[];
}

/** A whole filter: ordered rules plus what happens to everything else. */
export interface SeccompPolicy {
  defaultAction: Action;
  rules: Rule[];
  /** For a syscall from another architecture (and x32 calls on x86_64). Default `'kill-process'`. */
  badArchAction?: Action;
  /** `'error'` (default): a syscall name this arch lacks is an error; `'ignore'`: skip it. */
  unknownSyscalls?: 'error' | 'ignore';
}

/** A compiled classic-BPF seccomp program for one architecture. */
export interface BpfProgram {
  readonly arch: Arch;
  /** `struct sock_filter[]` in native (little-endian) layout: u16 code, u8 jt, u8 jf, u32 k. */
  readonly instructions: Uint8Array;
  /** Number of instructions. */
  readonly length: number;
  /** One line per instruction, with absolute jump targets and action names. */
  disassemble(): string;
}

/** Input of one simulated syscall (`struct seccomp_data`). */
export interface SeccompData {
  nr: number;
  /** Defaults to the program's architecture. */
  arch?: Arch | number;
  /** Up to six unsigned 64-bit arguments; missing ones are 0. */
  args?: readonly bigint[];
  ip?: bigint;
}

/** What the BPF program returned for one input. */
export interface Evaluation {
  action: Action;
  /** The raw 32-bit return value. */
  value: number;
  /** Instructions executed, including the final `ret`. */
  executed: number;
}

/** What `install()` did. */
export interface InstallReport {
  arch: Arch;
  /** Instructions in the installed program. */
  length: number;
  /** `SECCOMP_FILTER_FLAG_*` names passed to seccomp(2). */
  flags: string[];
  /** The numeric flags value. */
  flagsValue: number;
  /** no_new_privs was set before installing (always true: unprivileged filters require it). */
  noNewPrivs: true;
}
