import { BPF, DATA } from './bpf.js';
import type { ReverseEmitter, Target } from './emitter.js';
import type { NormalizedCheck } from './validate.js';

const LD_ABS = BPF.LD | BPF.W | BPF.ABS;
const WORD = 0xffffffff;

// Ordered comparisons (unsigned, 64-bit): the high half decides unless equal; then the low half.
// `strict`: gt (true) or ge (false). lt/le are ge/gt with pass and fail swapped.
function ordered(e: ReverseEmitter, c: NormalizedCheck, strict: boolean, pass: Target, fail: Target): Target {
  const lo = Number(c.value & 0xffffffffn);
  const hi = Number(c.value >> 32n);
  const lowOp = strict ? BPF.JGT : BPF.JGE;
  // Constant results: x >= 0 always, x > max never.
  if (!strict && c.value === 0n) return pass;
  if (strict && c.value === (c.width === 32 ? 0xffffffffn : (1n << 64n) - 1n)) return fail;
  if (c.width === 32) {
    return e.op(LD_ABS, DATA.argLo(c.index), e.jump(lowOp, lo, pass, fail));
  }
  // Low half constant: ge with lo == 0 is hi >= khi; gt with lo == max is hi > khi.
  if (!strict && lo === 0) return e.op(LD_ABS, DATA.argHi(c.index), e.jump(BPF.JGE, hi, pass, fail));
  if (strict && lo === WORD) return e.op(LD_ABS, DATA.argHi(c.index), e.jump(BPF.JGT, hi, pass, fail));
  const low = e.op(LD_ABS, DATA.argLo(c.index), e.jump(lowOp, lo, pass, fail));
  // After `hi > khi` fails, hi <= khi; when khi is 0 it must equal it.
  const equal = hi === 0 ? low : e.jump(BPF.JEQ, hi, low, fail);
  return e.op(LD_ABS, DATA.argHi(c.index), e.jump(BPF.JGT, hi, pass, equal));
}

// (half & m) == v for one half; m == 0 needs no code (v is 0 then, checked by the caller).
function maskedHalf(e: ReverseEmitter, offset: number, m: number, v: number, pass: Target, fail: Target): Target {
  if (m === 0) return pass;
  if (v === 0) return e.op(LD_ABS, offset, e.jump(BPF.JSET, m, fail, pass));
  const test = e.jump(BPF.JEQ, v, pass, fail);
  return e.op(LD_ABS, offset, m === WORD ? test : e.op(BPF.ALU | BPF.AND | BPF.K, m, test));
}

function maskedEq(e: ReverseEmitter, c: NormalizedCheck, pass: Target, fail: Target): Target {
  const low = maskedHalf(e, DATA.argLo(c.index), Number(c.mask & 0xffffffffn), Number(c.value & 0xffffffffn), pass, fail);
  if (c.width === 32) return low;
  return maskedHalf(e, DATA.argHi(c.index), Number(c.mask >> 32n), Number(c.value >> 32n), low, fail);
}

// eq: both halves equal. ne is eq with pass and fail swapped.
function equal(e: ReverseEmitter, c: NormalizedCheck, pass: Target, fail: Target): Target {
  const low = e.op(LD_ABS, DATA.argLo(c.index), e.jump(BPF.JEQ, Number(c.value & 0xffffffffn), pass, fail));
  if (c.width === 32) return low;
  return e.op(LD_ABS, DATA.argHi(c.index), e.jump(BPF.JEQ, Number(c.value >> 32n), low, fail));
}

/** Emits code for one check that continues at `pass` or `fail`; returns its entry. */
function emitCheck(e: ReverseEmitter, c: NormalizedCheck, pass: Target, fail: Target): Target {
  switch (c.op) {
    case 'eq': return equal(e, c, pass, fail);
    case 'ne': return equal(e, c, fail, pass);
    case 'ge': return ordered(e, c, false, pass, fail);
    case 'gt': return ordered(e, c, true, pass, fail);
    case 'lt': return ordered(e, c, false, fail, pass);
    case 'le': return ordered(e, c, true, fail, pass);
    case 'masked-eq': return maskedEq(e, c, pass, fail);
  }
}

/** Emits `if (all checks hold) goto pass else goto fail`; returns the entry. */
export function emitChecks(e: ReverseEmitter, checks: readonly NormalizedCheck[], pass: Target, fail: Target): Target {
  let entry = pass;
  for (let i = checks.length - 1; i >= 0; i--) entry = emitCheck(e, checks[i] as NormalizedCheck, entry, fail);
  return entry;
}
