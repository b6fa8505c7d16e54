import { ErrorCodes, invalid } from '@exile/common';
import { decodeAction } from './actions.js';
import { ARCHES } from './arches.js';
import type { Action, Arch, ArgCheck, SeccompPolicy } from './types.js';
import { normalize, normalizeCheck, type NormalizedCheck, type NormalizedPolicy, type NormalizedRule } from './validate.js';

const U64 = (1n << 64n) - 1n;
const U32 = 0xffffffffn;

/** Whether one argument check holds: unsigned comparison of the `width`-bit argument. */
function checkHolds(check: NormalizedCheck, args: readonly bigint[]): boolean {
  const arg = (args[check.index] ?? 0n) & (check.width === 32 ? U32 : U64);
  switch (check.op) {
    case 'eq': return arg === check.value;
    case 'ne': return arg !== check.value;
    case 'lt': return arg < check.value;
    case 'le': return arg <= check.value;
    case 'gt': return arg > check.value;
    case 'ge': return arg >= check.value;
    case 'masked-eq': return (arg & check.mask) === check.value;
  }
}

/** True for numbers the filter sends to badArchAction before any rule: x32 calls on x86_64. */
function isForeignNr(arch: Arch, nr: number): boolean {
  const bit = ARCHES[arch].x32Bit;
  const u = nr >>> 0;
  // -1 is what a tracer sets to skip a syscall; it is not an x32 call (libseccomp treats it alike).
  return bit !== undefined && u >= bit && u !== 0xffffffff;
}

const nrSets = new WeakMap<NormalizedRule, Set<number>>();
function matches(rule: NormalizedRule, nr: number): boolean {
  let set = nrSets.get(rule);
  if (set === undefined) {
    set = new Set(rule.nrs);
    nrSets.set(rule, set);
  }
  return set.has(nr);
}

/** The return value the policy prescribes, straight from the rules (no BPF). */
export function decideValue(policy: NormalizedPolicy, nr: number, args: readonly bigint[]): number {
  if (isForeignNr(policy.arch, nr)) return policy.badArchAction;
  const n = nr >>> 0;
  for (const rule of policy.rules) {
    if (matches(rule, n) && rule.checks.every((c) => checkHolds(c, args))) return rule.action;
  }
  return policy.defaultAction;
}

/**
 * Reference semantics of a policy, without BPF: the action for `syscall` (name or number) with
 * `args` on `arch`. The compiled program must agree with this for every input.
 */
export function decide(policy: SeccompPolicy, arch: Arch, syscall: string | number, args: readonly bigint[] = []): Action {
  const normalized = normalize(policy, arch);
  let nr: number;
  if (typeof syscall === 'number') nr = syscall;
  else {
    const found = ARCHES[arch].table[syscall];
    if (found === undefined || !Object.hasOwn(ARCHES[arch].table, syscall)) {
      throw invalid('syscall', `${arch} has no syscall ${JSON.stringify(syscall)}`, { syscall, arch }, { code: ErrorCodes.UNKNOWN_SYSCALL });
    }
    nr = found;
  }
  return decodeAction(decideValue(normalized, nr, args));
}

/**
 * Whether every check holds for the argument registers `args` (missing ones read as 0), with the
 * filter's own semantics: unsigned, `width`-bit comparisons. Throws on a malformed check.
 */
export function argsHold(checks: readonly ArgCheck[], args: readonly bigint[]): boolean {
  return checks.every((raw, i) => checkHolds(normalizeCheck(raw, `$[${i}]`), args));
}
