import { ErrorCodes, ExileError } from '@exile/common';
import { VOW_NAMES, type Vow } from './names.js';
import type { Arch } from './policy-types.js';
import { VOWS } from './table.js';
import { syscallName } from './syscall-names.js';

const mentions = (syscall: string | readonly string[], name: string): boolean =>
  (typeof syscall === 'string' ? syscall === name : syscall.includes(name));

/** The vows that allow `name` in some form (with any arguments, or with argument checks). */
export function vowsFor(name: string): Vow[] {
  return VOW_NAMES.filter((vow) => VOWS[vow].syscalls.includes(name) || VOWS[vow].rules.some((rule) => mentions(rule.syscall, name)));
}

/**
 * Which vows allow a syscall (by name, or by number on `arch`, default x86_64). An empty list
 * means no vow ever allows it (ptrace, bpf, mount, ...).
 */
export function explain(syscall: string | number, arch: Arch = 'x86_64'): { syscall: string; vows: Vow[] } {
  const name = typeof syscall === 'number' ? syscallName(syscall, arch) : syscall;
  if (name === undefined || typeof name !== 'string' || name === '') {
    throw new ExileError(ErrorCodes.UNKNOWN_SYSCALL, `unknown syscall ${String(syscall)} on ${arch}`, { syscall, arch });
  }
  return { syscall: name, vows: vowsFor(name) };
}
