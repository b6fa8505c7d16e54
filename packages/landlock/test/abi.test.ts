import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { abi } from '../src/index.js';
import { abiCap, capAbi } from '../src/abi.js';

describe('abi()', () => {
  it('reports a consistent status', () => {
    const result = abi();
    if (result.status === 'available') {
      expect(result.abi).toBeGreaterThanOrEqual(1);
      expect(result.errata).toBeGreaterThanOrEqual(0);
    } else {
      expect(result.abi).toBe(0);
    }
  });

  it('is available on a kernel that lists landlock among its LSMs', () => {
    let lsm = '';
    try {
      lsm = readdirSync('/sys/kernel/security').join(',');
    } catch {
      // securityfs not mounted: nothing to compare against
    }
    if (lsm.includes('landlock')) expect(abi().status).toBe('available');
  });
});

describe('EXILE_LANDLOCK_ABI_MAX', () => {
  const seven = { abi: 7, errata: 7, status: 'available' } as const;

  it('parses the cap and rejects malformed values', () => {
    expect(abiCap({})).toBeUndefined();
    expect(abiCap({ EXILE_LANDLOCK_ABI_MAX: '' })).toBeUndefined();
    expect(abiCap({ EXILE_LANDLOCK_ABI_MAX: '3' })).toBe(3);
    for (const bad of ['-1', '3.5', 'seven', ' 3']) {
      expect(() => abiCap({ EXILE_LANDLOCK_ABI_MAX: bad })).toThrow(expect.objectContaining({ code: 'ERR_EXILE_INVALID_POLICY' }));
    }
  });

  it('only ever lowers the ABI', () => {
    expect(capAbi(seven, 3)).toEqual({ abi: 3, errata: 7, status: 'available' });
    expect(capAbi(seven, 10)).toEqual(seven);
    expect(capAbi(seven, undefined)).toEqual(seven);
    expect(capAbi({ abi: 0, errata: 0, status: 'not-implemented' }, 5)).toEqual({ abi: 0, errata: 0, status: 'not-implemented' });
  });

  it('capped to 0 reads as disabled', () => {
    expect(capAbi(seven, 0)).toEqual({ abi: 0, errata: 0, status: 'disabled' });
  });
});
