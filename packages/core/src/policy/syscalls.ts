import { reroot } from '@exile/common';
import { compile, withArgWidths, type ArgCheck, type Rule } from '@exile/seccomp';
import { IN_POLICY } from './invalid.js';

/** A rule as JSON can carry it: 64-bit values as decimal or `0x` strings. */
type JsonRule = Omit<Rule, 'args'> & { args?: (Omit<ArgCheck, 'value' | 'mask'> & { value: number | bigint | string; mask?: number | bigint | string })[] };

const big = (v: number | bigint | string): number | bigint => (typeof v === 'string' ? BigInt(v) : v);

/**
 * The policy's extra seccomp rules with string values made bigints and each argument's width
 * taken from the syscall's signature (a 64-bit check of an `int` argument is refused), checked
 * by compiling them for this architecture (unknown syscall names, errno names, out-of-range
 * values). Errors keep their code and get the policy's JSON path (`$.syscalls[2].syscall`).
 */
export function normalizeSyscalls(rules: JsonRule[] | undefined): Rule[] {
  const parsed = (rules ?? []).map((rule): Rule => {
    const { args, ...rest } = rule;
    if (args === undefined) return rest;
    return { ...rest, args: args.map(({ value, mask, ...check }) => ({ ...check, value: big(value), ...(mask === undefined ? {} : { mask: big(mask) }) })) };
  });
  let out: Rule[];
  try {
    out = withArgWidths(parsed);
  } catch (error) {
    throw reroot(error, '$', '$.syscalls', IN_POLICY);
  }
  // Nothing to check in no rules: prepare() runs this on every call.
  if (out.length === 0) return out;
  try {
    compile({ defaultAction: 'allow', rules: out });
  } catch (error) {
    throw reroot(error, '$.rules', '$.syscalls', IN_POLICY);
  }
  return out;
}
