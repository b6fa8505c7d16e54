import { argsHold } from '@exile/seccomp';
import { VOW_NAMES, type Vow } from './names.js';
import type { VowRule } from './definition.js';
import { ruleArgs } from './grant.js';
import { ALWAYS_ALLOWED, SECCOMP_INSTALL_RULES, VOWS } from './table.js';

/** One system call as a supervisor or tracer saw it. */
export interface ObservedCall {
  syscall: string;
  /** The argument registers, unsigned; missing ones read as 0. */
  args?: readonly (number | bigint)[];
  /** The calling process's pid (not the thread's id): signals aimed at it need only `stdio`. */
  pid?: number;
}

/**
 * Broad vows are chosen only when nothing narrower fits (tmppath also opens for writing, dns opens
 * sockets, ioctl allows every request but two: a terminal query needs only tty).
 */
export const BROAD_VOWS: ReadonlySet<Vow> = new Set(['tmppath', 'dns', 'unveil', 'ioctl']);

/** What the vows themselves always allow, whatever is granted (exit, and stacking another filter). */
const UNCONDITIONAL: readonly VowRule[] = [{ syscall: [...ALWAYS_ALLOWED] }, ...SECCOMP_INSTALL_RULES];

const names = (syscall: string | readonly string[]): readonly string[] => (typeof syscall === 'string' ? [syscall] : syscall);

function registers(call: ObservedCall): bigint[] {
  return (call.args ?? []).map((value) => BigInt.asUintN(64, BigInt(value)));
}

function ruleAllows(rule: VowRule, call: ObservedCall, args: readonly bigint[]): boolean {
  if (!names(rule.syscall).includes(call.syscall)) return false;
  // Without the caller's pid a "signals to self only" rule cannot be shown to hold.
  if (rule.selfPid !== undefined && call.pid === undefined) return false;
  return argsHold(ruleArgs(rule, call.pid ?? 0), args);
}

const key = (vows: readonly Vow[]): string => vows.join(' ');
const inTableOrder = (vows: Iterable<Vow>): Vow[] => {
  const set = new Set(vows);
  return VOW_NAMES.filter((vow) => set.has(vow));
};

const STDIO_CALLS: ReadonlySet<string> = new Set(VOWS.stdio.syscalls);

/**
 * How much a vow grants beyond `stdio` (which every program has): its other syscalls and its
 * argument shapes. A tie-breaker between equally small answers: `thread` (thread-shaped clone)
 * before `clone` (any process), `rpath` before `dns`.
 */
export function breadth(vow: Vow): number {
  return VOWS[vow].syscalls.filter((name) => !STDIO_CALLS.has(name)).length + VOWS[vow].rules.length;
}

/** Ordering cost of a vow set: broad vows last, then fewer vows, then less granted. */
export function cost(vows: readonly Vow[]): number {
  return vows.reduce((sum, vow) => sum + (BROAD_VOWS.has(vow) ? 1_000_000 : 10_000) + breadth(vow), 0);
}

/**
 * Every minimal vow set that allows `call` with these arguments, honouring the vows' argument
 * checks and their `requires` (O_RDWR needs rpath and wpath): alternatives, cheapest first.
 * `[[]]` when no vow is needed (exit), `[]` when no vow allows the call (ptrace, clone3, ...).
 */
export function vowsAllowing(call: ObservedCall): Vow[][] {
  const args = registers(call);
  if (UNCONDITIONAL.some((rule) => ruleAllows(rule, call, args))) return [[]];
  const found = new Map<string, Vow[]>();
  for (const vow of VOW_NAMES) {
    const definition = VOWS[vow];
    const sets: Vow[][] = [];
    if (definition.syscalls.includes(call.syscall)) sets.push([vow]);
    for (const rule of definition.rules) if (ruleAllows(rule, call, args)) sets.push(inTableOrder([vow, ...(rule.requires ?? [])]));
    for (const set of sets) found.set(key(set), set);
  }
  const all = [...found.values()];
  const minimal = all.filter((set) => !all.some((other) => other !== set && other.length < set.length && other.every((v) => set.includes(v))));
  return minimal.sort((a, b) => cost(a) - cost(b) || key(a).localeCompare(key(b)));
}

/**
 * The fewest vows to add to `granted` so that `call` is allowed: `[]` when it already is,
 * `undefined` when no vow allows it (a `syscalls` rule is needed: `suggestRule()`).
 */
export function vowsToAdd(call: ObservedCall, granted: readonly Vow[]): Vow[] | undefined {
  const have = new Set(granted);
  const missing = vowsAllowing(call).map((set) => set.filter((vow) => !have.has(vow)));
  if (missing.length === 0) return undefined;
  const rank = (set: readonly Vow[]): number => cost(set) + (set.some((vow) => LONE_CALL_LAST.has(vow)) ? 100_000 : 0);
  return missing.sort((a, b) => rank(a) - rank(b))[0];
}

/**
 * Narrow vows that fit a whole recording but mislead as the answer for one call: a lone
 * socket(AF_INET, SOCK_STREAM) is most often a client, and `anet` (accept only) would let it
 * die at connect() next; `inet` serves both. coverCalls() still picks `anet` when a run only listens.
 */
const LONE_CALL_LAST: ReadonlySet<Vow> = new Set(['anet']);
