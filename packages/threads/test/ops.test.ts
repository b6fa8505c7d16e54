import { describe, expect, it } from 'vitest';
import { ExileError } from '@exile/common';
import { encodeOps } from '../src/ops.js';

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error instanceof ExileError ? { code: error.code, path: error.details.path } : error;
  }
  return 'no error';
}

describe('encodeOps', () => {
  it('encodes every op as [kind, a, b, c, d]', () => {
    const words = encodeOps([
      { op: 'no-new-privs' },
      { op: 'landlock-restrict', rulesetFd: 7, flags: 2 },
      { op: 'capset', effective: 1n, permitted: (1n << 64n) - 1n, inheritable: 0n },
      { op: 'drop-bounding', caps: [0, 21, 40] },
      { op: 'clear-ambient' },
      { op: 'securebits', bits: 0x2f },
    ]);
    expect([...words]).toEqual([
      1n, 0n, 0n, 0n, 0n,
      2n, 7n, 2n, 0n, 0n,
      3n, 0n, 1n, -1n, 0n,
      4n, 0n, (1n << 0n) | (1n << 21n) | (1n << 40n), 0n, 0n,
      5n, 0n, 0n, 0n, 0n,
      6n, 0x2fn, 0n, 0n, 0n,
    ]);
  });

  it('accepts an empty list', () => {
    expect(encodeOps([]).length).toBe(0);
  });

  it.each([
    [[{ op: 'nope' }], '$[0].op'],
    [[{ op: 'no-new-privs' }, { op: 'landlock-restrict' }], '$[1].rulesetFd'],
    [[{ op: 'landlock-restrict', rulesetFd: -1 }], '$[0].rulesetFd'],
    [[{ op: 'landlock-restrict', rulesetFd: 3, flags: 1.5 }], '$[0].flags'],
    [[{ op: 'capset', effective: 1, permitted: 0n, inheritable: 0n }], '$[0].effective'],
    [[{ op: 'capset', effective: 0n, permitted: 1n << 64n, inheritable: 0n }], '$[0].permitted'],
    [[{ op: 'capset', effective: 0n, permitted: 0n, inheritable: -1n }], '$[0].inheritable'],
    [[{ op: 'drop-bounding', caps: [64] }], '$[0].caps[0]'],
    [[{ op: 'drop-bounding', caps: 'all' }], '$[0].caps'],
    [[{ op: 'securebits', bits: -1 }], '$[0].bits'],
    [[null], '$[0]'],
    [Array.from({ length: 9 }, () => ({ op: 'no-new-privs' })), '$'],
    ['no-new-privs', '$'],
  ])('rejects bad input (case %#)', (ops, path) => {
    expect(codeOf(() => encodeOps(ops as never))).toEqual({ code: 'ERR_EXILE_INVALID_POLICY', path });
  });
});
