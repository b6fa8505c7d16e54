import { describe, expect, it } from 'vitest';
import { CAP_NAMES, capBit, capsFromMask } from '../src/index.js';

describe('capability names', () => {
  it('follows the kernel bit order', () => {
    expect(CAP_NAMES[0]).toBe('CAP_CHOWN');
    expect(CAP_NAMES[21]).toBe('CAP_SYS_ADMIN');
    expect(CAP_NAMES[40]).toBe('CAP_CHECKPOINT_RESTORE');
    expect(capsFromMask(0b101n)).toEqual(['CAP_CHOWN', 'CAP_DAC_READ_SEARCH']);
    expect(capsFromMask(1n << 50n)).toEqual(['CAP_50']);
    expect(capsFromMask((1n << 31n) | (1n << 32n) | (1n << 63n))).toEqual(['CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_63']);
    expect(capsFromMask((1n << BigInt(CAP_NAMES.length)) - 1n)).toEqual([...CAP_NAMES]);
  });

  it('accepts CAP_CHOWN, chown and any case', () => {
    expect(capBit('CAP_CHOWN')).toBe(0);
    expect(capBit('chown')).toBe(0);
    expect(capBit('net_admin')).toBe(12);
    expect(capBit('Cap_Net_Bind_Service')).toBe(10);
    expect(capBit('checkpoint_restore')).toBe(40);
  });

  it('knows no other names', () => {
    expect(capBit('CAP_')).toBeUndefined();
    expect(capBit('cap_everything')).toBeUndefined();
    expect(capBit('')).toBeUndefined();
    expect(capBit('CAP_CAP_CHOWN')).toBeUndefined();
  });
});
