import type { Vow } from './names.js';
import type { VowRule } from './definition.js';
import type { ArgCheck } from './policy-types.js';
import { VOWS } from './table.js';

/** One allowed call shape after the vow set and the pid are known. */
export interface Grant {
  syscalls: string[];
  args: ArgCheck[];
}

const list = (syscall: string | readonly string[]): string[] => (typeof syscall === 'string' ? [syscall] : [...syscall]);

/** The rule's checks, with a `selfPid` argument bound to `pid`. */
export function ruleArgs(rule: VowRule, pid: number): ArgCheck[] {
  const args = [...(rule.args ?? [])];
  if (rule.selfPid !== undefined) args.push({ index: rule.selfPid, op: 'eq', value: pid, width: 32 });
  return args;
}

/** Everything `vows` allow, as plain syscalls (any arguments) and argument-checked shapes. */
export function grantsOf(vows: readonly Vow[], pid: number): { plain: Set<string>; checked: Grant[] } {
  const granted = new Set(vows);
  const plain = new Set<string>();
  const checked: Grant[] = [];
  for (const vow of vows) {
    const definition = VOWS[vow];
    for (const name of definition.syscalls) plain.add(name);
    for (const rule of definition.rules) {
      if (!(rule.requires ?? []).every((other) => granted.has(other))) continue;
      const args = ruleArgs(rule, pid);
      if (args.length === 0) list(rule.syscall).forEach((name) => plain.add(name));
      else checked.push({ syscalls: list(rule.syscall), args });
    }
  }
  return { plain, checked };
}
