import type { Segment } from './dispatch.js';

/** A search over segments: a leaf, `A >= start(right) ? right : left`, or `A == nr ? middle : outer`. */
export type SearchNode =
  | { kind: 'leaf'; segment: number }
  | { kind: 'split'; at: number; left: SearchNode; right: SearchNode }
  | { kind: 'single'; nr: number; hit: number; miss: number };

/**
 * The comparison tree with the least weighted depth (optimal alphabetic tree, Knuth's O(n²)
 * dynamic programme). A leaf weighs 64 × (known syscalls in it) + 1, so the mean over real
 * syscalls is minimised and empty ranges still count a little. A lone syscall between two ranges
 * that behave alike costs one `jeq` instead of two range comparisons.
 */
export function searchTree(segments: readonly Segment[]): SearchNode {
  const n = segments.length;
  const weight = segments.map((s) => s.weight * 64 + 1);
  const prefix = [0];
  for (const w of weight) prefix.push((prefix[prefix.length - 1] ?? 0) + w);
  const W = (i: number, j: number): number => (prefix[j + 1] ?? 0) - (prefix[i] ?? 0);
  const cost = new Float64Array(n * n);
  const root = new Int32Array(n * n);
  const single = new Uint8Array(n * n);
  const isSingle = (i: number): boolean => {
    const a = segments[i];
    const b = segments[i + 1];
    const c = segments[i + 2];
    return a !== undefined && b !== undefined && c !== undefined && c.start === b.start + 1 && a.chain.key === c.chain.key;
  };
  for (let i = 0; i < n; i++) root[i * n + i] = i;
  for (let len = 2; len <= n; len++) {
    for (let i = 0; i + len - 1 < n; i++) {
      const j = i + len - 1;
      const lo = len === 2 ? i : Math.max(i, Math.min(root[i * n + j - 1] ?? i, root[(i + 1) * n + j] ?? i));
      const hi = len === 2 ? i : Math.min(j - 1, Math.max(root[i * n + j - 1] ?? j - 1, root[(i + 1) * n + j] ?? j - 1));
      let best = Infinity;
      let bestRoot = lo;
      for (let r = lo; r <= hi; r++) {
        const c = (cost[i * n + r] ?? 0) + (cost[(r + 1) * n + j] ?? 0);
        if (c < best) {
          best = c;
          bestRoot = r;
        }
      }
      cost[i * n + j] = best + W(i, j);
      root[i * n + j] = bestRoot;
      if (len === 3 && isSingle(i) && W(i, j) < (cost[i * n + j] ?? 0)) {
        cost[i * n + j] = W(i, j);
        single[i * n + j] = 1;
      }
    }
  }
  const build = (i: number, j: number): SearchNode => {
    if (i === j) return { kind: 'leaf', segment: i };
    if (single[i * n + j] === 1) return { kind: 'single', nr: segments[i + 1]?.start ?? 0, hit: i + 1, miss: i };
    const r = root[i * n + j] ?? i;
    return { kind: 'split', at: segments[r + 1]?.start ?? 0, left: build(i, r), right: build(r + 1, j) };
  };
  return build(0, n - 1);
}
