import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAP_NAMES, capsFromMask, _native } from '../src/index.js';

describe('capability names', () => {
  it('follows the kernel bit order', () => {
    expect(CAP_NAMES[0]).toBe('CAP_CHOWN');
    expect(CAP_NAMES[21]).toBe('CAP_SYS_ADMIN');
    expect(CAP_NAMES[40]).toBe('CAP_CHECKPOINT_RESTORE');
    expect(capsFromMask(0b101n)).toEqual(['CAP_CHOWN', 'CAP_DAC_READ_SEARCH']);
    expect(capsFromMask(1n << 50n)).toEqual(['CAP_50']);
  });

  it('capget agrees with /proc/self/status', () => {
    const status = readFileSync('/proc/self/status', 'utf8');
    const capEff = BigInt('0x' + /CapEff:\s*([0-9a-f]+)/.exec(status)![1]);
    expect(_native.capget().effective).toBe(capEff);
  });
});
