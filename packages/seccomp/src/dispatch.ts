import type { NormalizedPolicy, NormalizedRule } from './validate.js';

/** What happens to one syscall number: conditional steps tried in order, then `fallback`. */
export interface Chain {
  key: string;
  steps: NormalizedRule[];
  fallback: number;
}

/** A maximal run of syscall numbers [start, next segment's start) that behave the same. */
export interface Segment {
  start: number;
  chain: Chain;
  /** Known syscalls of the arch inside the segment: the search is balanced by these. */
  weight: number;
}

function retChain(value: number): Chain {
  return { key: `ret:${value}`, steps: [], fallback: value };
}

/** The rules that can decide `nr`, cut after the first one without argument checks. */
function chainFor(policy: NormalizedPolicy, ruleIndexes: readonly number[]): Chain {
  const steps: NormalizedRule[] = [];
  const ids: number[] = [];
  let fallback = policy.defaultAction;
  for (const i of ruleIndexes) {
    const rule = policy.rules[i] as NormalizedRule;
    if (rule.checks.length === 0) {
      fallback = rule.action;
      break;
    }
    steps.push(rule);
    ids.push(i);
  }
  // Trailing steps that end where failing would end anyway change nothing.
  while (steps.length > 0 && steps[steps.length - 1]?.action === fallback) {
    steps.pop();
    ids.pop();
  }
  return steps.length === 0 ? retChain(fallback) : { key: `chain:${ids.join(',')}:${fallback}`, steps, fallback };
}

/**
 * Splits the 32-bit syscall-number space into segments with the same behaviour. `x32Bit` (x86_64)
 * sends [0x40000000, 0xfffffffe] to badArchAction; 0xffffffff (-1, "skip" under ptrace) keeps the default.
 */
export function segments(policy: NormalizedPolicy, known: readonly number[], x32Bit: number | undefined): Segment[] {
  const byNr = new Map<number, number[]>();
  policy.rules.forEach((rule, i) => {
    for (const nr of new Set(rule.nrs)) {
      const list = byNr.get(nr);
      if (list === undefined) byNr.set(nr, [i]);
      else list.push(i);
    }
  });
  const fallback = retChain(policy.defaultAction);
  const raw: { start: number; chain: Chain }[] = [];
  let cursor = 0;
  for (const nr of [...byNr.keys()].sort((a, b) => a - b)) {
    if (nr > cursor) raw.push({ start: cursor, chain: fallback });
    raw.push({ start: nr, chain: chainFor(policy, byNr.get(nr) ?? []) });
    cursor = nr + 1;
  }
  if (x32Bit === undefined) raw.push({ start: cursor, chain: fallback });
  else {
    if (cursor < x32Bit) raw.push({ start: cursor, chain: fallback });
    raw.push({ start: x32Bit, chain: retChain(policy.badArchAction) }, { start: 0xffffffff, chain: fallback });
  }
  const merged: { start: number; chain: Chain }[] = [];
  for (const segment of raw) {
    const last = merged[merged.length - 1];
    if (last === undefined || last.chain.key !== segment.chain.key) merged.push(segment);
  }
  return merged.map((segment, i) => {
    const end = merged[i + 1]?.start ?? 0x100000000;
    return { ...segment, weight: known.filter((nr) => nr >= segment.start && nr < end).length };
  });
}
