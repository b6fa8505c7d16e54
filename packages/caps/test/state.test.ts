import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { capsFromMask, decodeSecurebits, read } from '../src/index.js';

describe('read()', () => {
  it('agrees with /proc/thread-self/status', () => {
    const status = readFileSync('/proc/thread-self/status', 'utf8');
    const field = (key: string): string[] => capsFromMask(BigInt('0x' + new RegExp(`^${key}:\\s*(\\S+)`, 'm').exec(status)![1]));
    const state = read();
    expect(state.effective).toEqual(field('CapEff'));
    expect(state.permitted).toEqual(field('CapPrm'));
    expect(state.inheritable).toEqual(field('CapInh'));
    expect(state.bounding).toEqual(field('CapBnd'));
    expect(state.ambient).toEqual(field('CapAmb'));
    expect(state.noNewPrivs).toBe(/^NoNewPrivs:\s*1/m.test(status));
  });

  it('decodes securebits', () => {
    expect(decodeSecurebits(0xeb)).toEqual({
      value: 0xeb, noRoot: true, noRootLocked: true, noSetuidFixup: false, noSetuidFixupLocked: true,
      keepCaps: false, keepCapsLocked: true, noCapAmbientRaise: true, noCapAmbientRaiseLocked: true,
    });
  });
});
