import { argsHold } from './decide.js';
import type { ArgCheck, Rule } from './types.js';

function u64(value: number | bigint, width: 32 | 64): bigint {
  return BigInt.asUintN(width, BigInt(value));
}

/** Whether no argument value can satisfy both checks (both on the same argument and width). */
function contradict(a: ArgCheck, b: ArgCheck): boolean {
  const width = a.width ?? 64;
  if (a.index !== b.index || width !== (b.width ?? 64)) return false;
  // Every op that pins bits: eq pins them all, masked-eq those of its mask.
  const pins = (c: ArgCheck): { mask: bigint; value: bigint } | undefined => {
    if (c.op === 'eq') return { mask: u64(-1n, width), value: u64(c.value, width) };
    if (c.op === 'masked-eq') return { mask: u64(c.mask ?? 0, width), value: u64(c.value, width) };
    return undefined;
  };
  const [pa, pb] = [pins(a), pins(b)];
  if (pa !== undefined && pb !== undefined) return ((pa.value ^ pb.value) & pa.mask & pb.mask) !== 0n;
  // eq v against ne v.
  const [eq, ne] = a.op === 'eq' && b.op === 'ne' ? [a, b] : a.op === 'ne' && b.op === 'eq' ? [b, a] : [undefined, undefined];
  return eq !== undefined && ne !== undefined && u64(eq.value, width) === u64(ne.value, width);
}

/**
 * Whether two rules can never match the same call: some check of one contradicts some check of
 * the other (`eq 16` and `ne 16`, `eq 1` and `eq 2`, masked-eq on a common bit). Conservative:
 * false whenever that is not proven, and always for a rule without argument checks.
 */
export function disjoint(a: Rule, b: Rule): boolean {
  return (a.args ?? []).some((x) => (b.args ?? []).some((y) => contradict(x, y)));
}

/** Whether every argument value that satisfies `narrow` satisfies `wide` too (same argument and width). */
function implies(narrow: ArgCheck, wide: ArgCheck): boolean {
  const width = narrow.width ?? 64;
  if (narrow.index !== wide.index || width !== (wide.width ?? 64)) return false;
  if (narrow.op === 'eq') {
    const args: bigint[] = [];
    args[narrow.index] = u64(narrow.value, width);
    return argsHold([wide], Array.from(args, (value) => value ?? 0n));
  }
  if (narrow.op === 'masked-eq' && wide.op === 'masked-eq') {
    const [nm, wm] = [u64(narrow.mask ?? 0, width), u64(wide.mask ?? 0, width)];
    return (wm & ~nm) === 0n && (u64(narrow.value, width) & wm) === u64(wide.value, width);
  }
  return narrow.op === wide.op && u64(narrow.value, width) === u64(wide.value, width);
}

/**
 * Whether `earlier` matches every call `later` matches (each check of `earlier` follows from a
 * check of `later`), so that under first-match order `later` never decides anything.
 * Conservative: false whenever that is not proven.
 */
export function covers(earlier: Rule, later: Rule): boolean {
  return (earlier.args ?? []).every((wide) => (later.args ?? []).some((narrow) => implies(narrow, wide)));
}
