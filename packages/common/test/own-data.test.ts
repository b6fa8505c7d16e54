import { describe, expect, it } from 'vitest';
import { ownData } from '../src/index.js';

describe('ownData', () => {
  it('drops inherited keys and array elements, keeps own ones', () => {
    const proto = Object.prototype as Record<string, unknown>;
    const arrayProto = Array.prototype as unknown as Record<number, unknown>;
    proto.write = ['/'];
    arrayProto[1] = '/';
    try {
      // eslint-disable-next-line no-sparse-arrays
      const copy = ownData({ fs: { read: ['/usr', , '/etc'] } }) as Record<string, Record<string, unknown>>;
      expect(Object.getPrototypeOf(copy)).toBe(null);
      expect(copy.fs!.write).toBeUndefined();
      expect(copy.write).toBeUndefined();
      const read = copy.fs!.read as unknown[];
      expect(Object.hasOwn(read, 1)).toBe(false);
      expect([read[0], read[2]]).toEqual(['/usr', '/etc']);
    } finally {
      delete proto.write;
      delete arrayProto[1];
    }
  });

  it('keeps __proto__ and constructor as ordinary keys a validator can see', () => {
    const copy = ownData(JSON.parse('{"__proto__": {"write": ["/"]}, "constructor": 1}') as object);
    expect(Object.keys(copy)).toEqual(['__proto__', 'constructor']);
    expect((copy as Record<string, unknown>).write).toBeUndefined();
  });

  it('keeps non-plain values as they are, and shares cycles', () => {
    const bytes = new Uint8Array([1, 2]);
    const signal = new AbortController().signal;
    const cyclic: Record<string, unknown> = { bytes, signal, n: 1n };
    cyclic.self = cyclic;
    const copy = ownData(cyclic);
    expect(copy.bytes).toBe(bytes);
    expect(copy.signal).toBe(signal);
    expect(copy.n).toBe(1n);
    expect(copy.self).toBe(copy);
  });
});
