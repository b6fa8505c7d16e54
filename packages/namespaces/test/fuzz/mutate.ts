/** Deterministic plan mutations for fuzzing the launcher's decoder. */

export { prng } from '@exile/test-utils';

const INTERESTING_U32 = [0, 1, 2, 3, 7, 8, 12, 16, 24, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

export function mutate(seed: Uint8Array, random: () => number): Uint8Array {
  const pick = (n: number): number => Math.floor(random() * n);
  let bytes = seed.slice();
  const rounds = 1 + pick(4);
  for (let i = 0; i < rounds; i++) {
    const at = pick(Math.max(1, bytes.length));
    switch (pick(7)) {
      case 0: bytes[at] = (bytes[at] ?? 0) ^ (1 << pick(8)); break;
      case 1: bytes[at] = [0, 0xff, 0x7f, 0x80, 0x2f, 0x2e][pick(6)] ?? 0; break;
      case 2: if (at + 4 <= bytes.length) new DataView(bytes.buffer).setUint32(at, INTERESTING_U32[pick(INTERESTING_U32.length)] ?? 0, true); break;
      case 3: bytes = bytes.slice(0, at); break;
      case 4: { const len = pick(32); bytes = Uint8Array.from([...bytes.slice(0, at), ...bytes.slice(at, at + len), ...bytes.slice(at)]); break; }
      case 5: { const len = pick(32); bytes = Uint8Array.from([...bytes.slice(0, at), ...bytes.slice(at + len)]); break; }
      default: bytes = Uint8Array.from([...bytes.slice(0, at), ...Array.from({ length: pick(16) }, () => pick(256)), ...bytes.slice(at)]);
    }
  }
  // Usually keep the header's total length right, so the decoder gets past the first check.
  if (bytes.length >= 8 && random() < 0.8) new DataView(bytes.buffer).setUint32(4, bytes.length, true);
  return bytes;
}
