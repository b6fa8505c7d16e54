import { argsHold, type Rule } from '@exile/seccomp';
import { suggestRule, vowsToAdd, type Vow } from '@exile/vows';
import type { Violation } from './violation.js';

/** What the supervisor knows of the policy behind the filter. */
export interface ViolationContext {
  /** The vows the filter grants (with what starting a program needs); undefined: no vows. */
  granted: readonly Vow[] | undefined;
  /** The filter's leading rules: the network policy's, then the policy's `syscalls`. */
  rules: readonly Rule[];
  /** How many of `rules` are the network policy's. */
  netRules: number;
}

/** One call as the supervisor saw it, decoded. */
export interface BlockedCall {
  pid: number;
  command: string;
  syscall: string;
  args: readonly bigint[];
  /** Its key arguments as text, and the whole call (`socket(AF_INET, SOCK_STREAM)`). */
  shown: string[];
  text: string;
}

const names = (syscall: string | string[]): string[] => (typeof syscall === 'string' ? [syscall] : syscall);
const quote = (vows: readonly string[]): string => {
  const q = vows.map((vow) => `"${vow}"`);
  return q.length === 1 ? q[0]! : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]!}`;
};

/** The first of the filter's leading rules that matches the call: the one that refused it. */
function refusingRule(context: ViolationContext, call: BlockedCall): number | undefined {
  const at = context.rules.findIndex((rule) => names(rule.syscall).includes(call.syscall) && argsHold(rule.args ?? [], call.args));
  return at < 0 ? undefined : at;
}

/** Why `call` was refused and the smallest change that allows exactly it. Pure. */
export function explainViolation(context: ViolationContext, call: BlockedCall, action: { kill: true } | { errno: string }): Violation {
  const at = refusingRule(context, call);
  const base = { pid: call.pid, command: call.command, syscall: call.syscall, args: call.shown,
    ...('kill' in action ? { action: 'kill' as const } : { action: 'errno' as const, errno: action.errno }) };
  let by: Violation['by'];
  let fix: string;
  let vows: Vow[] | undefined;
  let rule: number | undefined;
  if (at !== undefined && at < context.netRules) {
    by = 'net';
    fix = 'only TCP is allowed, to the ports given with --connect/--bind (policy net)';
  } else if (at !== undefined) {
    by = 'syscalls';
    rule = at - context.netRules;
    fix = `syscalls[${rule}] refuses it; narrow or remove that rule to allow`;
  } else {
    by = 'vows';
    const missing = vowsToAdd({ syscall: call.syscall, args: call.args, pid: call.pid }, context.granted ?? []);
    // [] would mean the vows allow it after all: only in a shape the filter cannot see (another process's pid).
    vows = missing?.length === 0 ? undefined : missing;
    fix = vows === undefined
      ? `no vow allows it; add the syscalls rule ${JSON.stringify(suggestRule({ syscall: call.syscall, args: call.args }))} to allow`
      : `add ${quote(vows)} to allow`;
  }
  const what = by === 'vows' ? 'vows' : by === 'net' ? 'the network policy' : 'a syscalls rule';
  return { ...base, vows, rule, by, fix, message: `exile: ${call.command}[${call.pid}]: ${call.text} blocked by ${what}; ${fix}\n` };
}
