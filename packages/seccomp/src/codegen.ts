import { ARCHES } from './arches.js';
import { BPF, DATA, type Insn } from './bpf.js';
import { emitChecks } from './checks.js';
import { segments as buildSegments, type Chain } from './dispatch.js';
import { ReverseEmitter, type Target } from './emitter.js';
import { searchTree, type SearchNode } from './search-tree.js';
import type { NormalizedPolicy } from './validate.js';

const LD_ABS = BPF.LD | BPF.W | BPF.ABS;
// A chain emitted this close can be shared; farther ones are emitted again rather than reached by `ja`.
const SHARE_DISTANCE = 250;

const knownNumbers = new Map<string, number[]>();
function known(policy: NormalizedPolicy): number[] {
  let list = knownNumbers.get(policy.arch);
  if (list === undefined) {
    list = Object.values(ARCHES[policy.arch].table);
    knownNumbers.set(policy.arch, list);
  }
  return list;
}

/**
 * Generates the filter:
 *   ld arch; jeq AUDIT_ARCH else ret badArch; ld nr; <search tree over nr ranges> → ret | arg checks.
 * Argument-free outcomes are a `ret` reached by loads of nr/arch and jumps only, which the kernel's
 * per-syscall action cache recognises; arguments are loaded only on paths that check them.
 */
export function generate(policy: NormalizedPolicy): Insn[] {
  const info = ARCHES[policy.arch];
  const segs = buildSegments(policy, known(policy), info.x32Bit);
  const e = new ReverseEmitter();
  const emitted = new Map<string, number>();

  const chain = (c: Chain): Target => {
    if (c.steps.length === 0) return { ret: c.fallback };
    const at = emitted.get(c.key);
    if (at !== undefined && e.next - at - 1 <= SHARE_DISTANCE) return { at };
    let entry: Target = { ret: c.fallback };
    for (let i = c.steps.length - 1; i >= 0; i--) {
      const step = c.steps[i];
      if (step !== undefined) entry = emitChecks(e, step.checks, { ret: step.action }, entry);
    }
    // A chain whose checks are all constant may end up as a plain ret target.
    if ('at' in entry) emitted.set(c.key, entry.at);
    return entry;
  };
  const leaf = (i: number): Target => {
    const seg = segs[i];
    if (seg === undefined) throw new Error(`internal: no segment ${i}`);
    return chain(seg.chain);
  };
  const node = (n: SearchNode): Target => {
    switch (n.kind) {
      case 'leaf': return leaf(n.segment);
      case 'single': {
        const miss = leaf(n.miss);
        const hit = leaf(n.hit);
        return e.jump(BPF.JEQ, n.nr, hit, miss);
      }
      case 'split': {
        const right = node(n.right);
        const left = node(n.left);
        return e.jump(BPF.JGE, n.at, right, left);
      }
    }
  };

  const body = node(searchTree(segs));
  const dispatch = e.op(LD_ABS, DATA.nr, body);
  e.op(LD_ABS, DATA.arch, e.jump(BPF.JEQ, info.audit, dispatch, { ret: policy.badArchAction }));
  return e.finish();
}
