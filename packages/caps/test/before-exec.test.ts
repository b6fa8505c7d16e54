import { describe, expect, it } from 'vitest';
import { planDrop } from '../src/plan.js';
import { dropOpsBeforeExec, newUserNamespaceState } from '../src/before-exec.js';

const CAP_SETPCAP = 8;
const CAP_NET_BIND_SERVICE = 10;

describe('the drop() recipe before exec', () => {
  it('in a new user namespace: every capability held, so the bounding set goes too, then capset; no raise needed', () => {
    const plan = planDrop(newUserNamespaceState(40), { keep: ['CAP_NET_BIND_SERVICE'] });
    const keep = 1n << BigInt(CAP_NET_BIND_SERVICE);
    expect(plan.ops).toEqual([
      { op: 'no-new-privs' },
      { op: 'clear-ambient' },
      { op: 'drop-bounding', caps: Array.from({ length: 41 }, (_, n) => n).filter((n) => n !== CAP_NET_BIND_SERVICE) },
      { op: 'capset', effective: keep, permitted: keep, inheritable: 0n },
    ]);
    expect(plan.bounding.drop & (1n << BigInt(CAP_SETPCAP))).not.toBe(0n);
  });

  it('encodes the ops for the engine: five 64-bit words each, no_new_privs first', () => {
    const ops = dropOpsBeforeExec({}, { userNamespace: true });
    expect(ops.length % 40).toBe(0);
    const words = new BigInt64Array(ops.buffer, ops.byteOffset, ops.length / 8);
    expect(words[0]).toBe(1n); // no-new-privs: the engine's first op kind
    expect(words[words.length - 5]).toBe(3n); // capset last
  });
});
