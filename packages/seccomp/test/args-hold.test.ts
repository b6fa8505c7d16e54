import { describe, expect, it } from 'vitest';
import { argsHold, decide, ExileError, type ArgCheck, type SeccompPolicy } from '../src/index.js';

describe('argsHold', () => {
  it('compares like the filter: unsigned, on 32 or 64 bits, masked', () => {
    const atFdcwd = { index: 0, op: 'eq', value: -100, width: 32 } as const;
    expect(argsHold([atFdcwd], [0xffffff9cn])).toBe(true);
    expect(argsHold([atFdcwd], [0xffffffffffffff9cn])).toBe(true);
    expect(argsHold([{ ...atFdcwd, width: 64 }], [0xffffff9cn])).toBe(false);
    expect(argsHold([{ index: 2, op: 'masked-eq', mask: 0o1103, value: 0o101, width: 32 }], [0n, 0n, 0o2101n])).toBe(true);
    expect(argsHold([{ index: 1, op: 'lt', value: 5 }, { index: 1, op: 'gt', value: 2 }], [0n, 3n])).toBe(true);
    expect(argsHold([{ index: 1, op: 'lt', value: 5 }, { index: 1, op: 'gt', value: 2 }], [0n, 5n])).toBe(false);
    expect(argsHold([], [])).toBe(true);
  });

  it('agrees with decide() on the same checks', () => {
    const args: ArgCheck[] = [{ index: 3, op: 'ne', value: 0 }];
    const policy: SeccompPolicy = { defaultAction: 'kill-process', rules: [{ syscall: 'mmap', action: 'allow', args }] };
    for (const value of [0n, 1n, 1n << 40n]) {
      expect(argsHold(args, [0n, 0n, 0n, value])).toBe(decide(policy, 'x86_64', 'mmap', [0n, 0n, 0n, value]) === 'allow');
    }
  });

  it('refuses a malformed check, naming it', () => {
    expect(() => argsHold([{ index: 0, op: 'masked-eq', value: 1 }], [1n])).toThrow(ExileError);
    expect(() => argsHold([{ index: 0, op: 'masked-eq', value: 1 }], [1n])).toThrow(/\$\[0\]\.mask/);
  });
});
