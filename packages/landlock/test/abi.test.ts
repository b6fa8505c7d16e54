import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { abi } from '../src/index.js';

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
