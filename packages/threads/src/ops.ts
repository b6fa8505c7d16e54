import { invalid, ownData } from '@exile/common';

/** A per-thread operation. Each runs on every thread, in the order given. */
export type ThreadOp =
  | { op: 'no-new-privs' }
  | { op: 'landlock-restrict'; rulesetFd: number; flags?: number }
  | { op: 'capset'; effective: bigint; permitted: bigint; inheritable: bigint }
  | { op: 'drop-bounding'; caps: number[] }
  | { op: 'clear-ambient' }
  | { op: 'securebits'; bits: number };

/** The name of a ThreadOp. */
export type ThreadOpName = ThreadOp['op'];

/** At most this many ops per broadcast (the engine's fixed slot size). */
export const MAX_OPS = 8;

/** Engine op numbers (native/engine/abi.h). */
const KIND: Record<ThreadOpName, bigint> = {
  'no-new-privs': 1n,
  'landlock-restrict': 2n,
  capset: 3n,
  'drop-bounding': 4n,
  'clear-ambient': 5n,
  securebits: 6n,
};

const U64_MAX = (1n << 64n) - 1n;

function uint(value: unknown, path: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw invalid(path, `must be an integer from 0 to ${max}, got ${String(value)}`);
  }
  return value;
}

function mask(value: unknown, path: string): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > U64_MAX) {
    throw invalid(path, `must be a bigint from 0n to 2n ** 64n - 1n, got ${String(value)}`);
  }
  return value;
}

/** Two's-complement view of a u64 in an int64 slot. */
const asI64 = (value: bigint): bigint => BigInt.asIntN(64, value);

/** One op → [kind, a, b, c, d]. */
function encodeOne(op: ThreadOp, path: string): bigint[] {
  switch (op.op) {
    case 'no-new-privs':
    case 'clear-ambient':
      return [KIND[op.op], 0n, 0n, 0n, 0n];
    case 'landlock-restrict':
      return [KIND[op.op], BigInt(uint(op.rulesetFd, `${path}.rulesetFd`, 0x7fffffff)),
        BigInt(uint(op.flags ?? 0, `${path}.flags`, 0xffffffff)), 0n, 0n];
    case 'capset':
      return [KIND[op.op], 0n, asI64(mask(op.effective, `${path}.effective`)),
        asI64(mask(op.permitted, `${path}.permitted`)), asI64(mask(op.inheritable, `${path}.inheritable`))];
    case 'drop-bounding': {
      if (!Array.isArray(op.caps)) throw invalid(`${path}.caps`, 'must be an array of capability numbers');
      let bits = 0n;
      op.caps.forEach((cap, i) => { bits |= 1n << BigInt(uint(cap, `${path}.caps[${i}]`, 63)); });
      return [KIND[op.op], 0n, asI64(bits), 0n, 0n];
    }
    case 'securebits':
      return [KIND[op.op], BigInt(uint(op.bits, `${path}.bits`, 0xffffffff)), 0n, 0n, 0n];
    default: {
      const name: unknown = (op as { op?: unknown }).op;
      throw invalid(`${path}.op`, `unknown op ${JSON.stringify(name)}; expected one of ${Object.keys(KIND).join(', ')}`);
    }
  }
}

/** Validates `ops` (naming the bad part by JSON path) and encodes them for the engine. */
export function encodeOps(ops: readonly ThreadOp[]): BigInt64Array {
  if (!Array.isArray(ops)) throw invalid('$', 'must be an array');
  ops = ownData(ops);
  if (ops.length > MAX_OPS) throw invalid('$', `at most ${MAX_OPS} ops per broadcast, got ${ops.length}`);
  const words = new BigInt64Array(ops.length * 5);
  for (let i = 0; i < ops.length; i++) {
    const op: unknown = ops[i];
    if (typeof op !== 'object' || op === null) throw invalid(`$[${i}]`, 'must be an object');
    words.set(encodeOne(op as ThreadOp, `$[${i}]`), i * 5);
  }
  return words;
}
