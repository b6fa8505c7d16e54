/** Reads back the framing of src/wire.ts, as exile-launch does (for tests). */
export interface DecodedRule {
  type: number;
  addFlags: number;
  identity: boolean;
  path?: string;
  dev?: bigint;
  ino?: bigint;
  fdOffset?: number;
  dir?: Buffer;
  file?: Buffer;
  rule?: Buffer;
}

export function decodeRuleset(bytes: Uint8Array): { restrictFlags: number; attr: Buffer; rules: DecodedRule[] } {
  const b = Buffer.from(bytes);
  let at = 0;
  const u32 = (): number => { at += 4; return b.readUInt32LE(at - 4); };
  const u64 = (): bigint => { at += 8; return b.readBigUInt64LE(at - 8); };
  const bytesOf = (): Buffer => { const n = u32(); at += n; return b.subarray(at - n, at); };
  if (u32() !== 0x32524c4c) throw new Error('bad magic');
  const restrictFlags = u32();
  const attr = bytesOf();
  const rules: DecodedRule[] = [];
  for (let n = u32(); n > 0; n--) {
    const type = u32();
    const flags = u32();
    const addFlags = u32();
    if ((flags & 1) === 0) {
      rules.push({ type, addFlags, identity: false, rule: bytesOf() });
      continue;
    }
    const dev = u64();
    const ino = u64();
    const fdOffset = u32();
    rules.push({ type, addFlags, identity: (flags & 2) !== 0, dev, ino, fdOffset, path: bytesOf().toString('utf8'), dir: bytesOf(), file: bytesOf() });
  }
  if (at !== b.length) throw new Error('trailing bytes');
  return { restrictFlags, attr, rules };
}
