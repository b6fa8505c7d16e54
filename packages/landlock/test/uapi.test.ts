import { describe, expect, it } from 'vitest';
import { encodeNetPort, encodePathBeneath, encodeRulesetAttr, rulesetAttrSize } from '../src/uapi.js';

describe('struct encoders', () => {
  it.each([[1, 8], [3, 8], [4, 16], [5, 16], [6, 24], [9, 24], [10, 48]])('ruleset_attr of ABI %i is %i bytes', (abi, size) => {
    expect(rulesetAttrSize(abi)).toBe(size);
    expect(encodeRulesetAttr(abi, { fs: 1, net: 0, scoped: 0 }).length).toBe(size);
  });

  it('lays out handled_access_fs, handled_access_net and scoped as u64 with zero quiet fields', () => {
    const buf = encodeRulesetAttr(10, { fs: 0x1ffff, net: 0xf, scoped: 3 });
    expect(buf.readBigUInt64LE(0)).toBe(0x1ffffn);
    expect(buf.readBigUInt64LE(8)).toBe(0xfn);
    expect(buf.readBigUInt64LE(16)).toBe(3n);
    expect(buf.subarray(24).every((byte) => byte === 0)).toBe(true);
  });

  it('refuses fields the ABI does not have', () => {
    expect(() => encodeRulesetAttr(3, { fs: 1, net: 1, scoped: 0 })).toThrow(RangeError);
    expect(() => encodeRulesetAttr(5, { fs: 1, net: 1, scoped: 1 })).toThrow(RangeError);
  });

  it('packs path_beneath_attr into 12 bytes', () => {
    const buf = encodePathBeneath(0x7fff, 42);
    expect(buf.length).toBe(12);
    expect(buf.readBigUInt64LE(0)).toBe(0x7fffn);
    expect(buf.readInt32LE(8)).toBe(42);
  });

  it('lays out net_port_attr as two u64 (port in host order)', () => {
    const buf = encodeNetPort(2, 443);
    expect(buf.length).toBe(16);
    expect(buf.readBigUInt64LE(0)).toBe(2n);
    expect(buf.readBigUInt64LE(8)).toBe(443n);
  });
});
