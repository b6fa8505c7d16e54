import { invalid, type ExileError } from '@exile/common';
import { decodeAction } from './actions.js';
import { ARCHES } from './arches.js';
import { BPF, DATA, MAX_INSNS, decode, type Insn } from './bpf.js';
import type { BpfProgram, Evaluation, SeccompData } from './types.js';

const cls = (code: number): number => code & 0x07;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

// The instructions seccomp_check_filter() accepts (after LD|W|LEN and LDX|W|LEN become immediates).
const ALU_OPS = [BPF.ADD, BPF.SUB, BPF.MUL, BPF.DIV, BPF.AND, BPF.OR, BPF.XOR, BPF.LSH, BPF.RSH];
const ALLOWED: ReadonlySet<number> = new Set([
  BPF.LD | BPF.W | BPF.ABS, BPF.LD | BPF.W | BPF.LEN, BPF.LDX | BPF.W | BPF.LEN,
  BPF.RET | BPF.K, BPF.RET | BPF.A,
  ...ALU_OPS.flatMap((op) => [BPF.ALU | op | BPF.K, BPF.ALU | op | BPF.X]), BPF.ALU | BPF.NEG,
  BPF.LD | BPF.IMM, BPF.LDX | BPF.IMM, BPF.MISC | BPF.TAX, BPF.MISC | BPF.TXA,
  BPF.LD | BPF.MEM, BPF.LDX | BPF.MEM, BPF.ST, BPF.STX,
  BPF.JMP | BPF.JA,
  ...[BPF.JEQ, BPF.JGE, BPF.JGT, BPF.JSET].flatMap((op) => [BPF.JMP | op | BPF.K, BPF.JMP | op | BPF.X]),
]);

function reject(index: number, why: string): ExileError {
  return invalid(`$.instructions[${index}]`, why, {}, { context: `BPF instruction ${index}` });
}

/**
 * The checks of the kernel's bpf_check_classic() and seccomp_check_filter(): length 1..4096,
 * only seccomp's opcodes, aligned loads inside seccomp_data, jumps inside the program, scratch
 * memory in range and written before read, constant division by zero / shifts ≥ 32 refused,
 * last instruction a ret.
 */
function verify(insns: readonly Insn[]): void {
  if (insns.length === 0 || insns.length > MAX_INSNS) {
    throw invalid('$.instructions', `a BPF program has 1..${MAX_INSNS} instructions, this one ${insns.length}`, { length: insns.length });
  }
  insns.forEach((insn, i) => {
    const { code, k } = insn;
    if (!ALLOWED.has(code)) throw reject(i, `opcode 0x${code.toString(16)} is not allowed in seccomp filters`);
    if (code === (BPF.LD | BPF.W | BPF.ABS) && (k >= DATA.size || (k & 3) !== 0)) throw reject(i, `load offset ${k} outside seccomp_data`);
    if ((code === (BPF.ALU | BPF.DIV | BPF.K)) && k === 0) throw reject(i, 'division by constant 0');
    if ((code === (BPF.ALU | BPF.LSH | BPF.K) || code === (BPF.ALU | BPF.RSH | BPF.K)) && k >= 32) throw reject(i, `shift by ${k}`);
    const mem = [BPF.LD | BPF.MEM, BPF.LDX | BPF.MEM, BPF.ST, BPF.STX].includes(code);
    if (mem && k >= 16) throw reject(i, `scratch memory index ${k} >= 16`);
    if (cls(code) === BPF.JMP) {
      if ((code & 0xf0) === BPF.JA) {
        if (k >= insns.length - i - 1) throw reject(i, `ja ${k} jumps past the end`);
      } else if (i + 1 + insn.jt >= insns.length || i + 1 + insn.jf >= insns.length) {
        throw reject(i, 'jump past the end');
      }
    }
  });
  const last = insns[insns.length - 1] as Insn;
  if (cls(last.code) !== BPF.RET) throw reject(insns.length - 1, 'the last instruction must be a ret');
  checkMemory(insns);
}

// The kernel's check_load_and_stores(), including its conservatism: after a ret the next
// instruction still inherits what was valid before it.
function checkMemory(insns: readonly Insn[]): void {
  const valid = new Array<number>(insns.length).fill(0xffff);
  let mem = 0;
  insns.forEach((insn, i) => {
    mem &= valid[i] ?? 0xffff;
    const { code, k } = insn;
    if (code === BPF.ST || code === BPF.STX) mem |= 1 << k;
    else if (code === (BPF.LD | BPF.MEM) || code === (BPF.LDX | BPF.MEM)) {
      if ((mem & (1 << k)) === 0) throw reject(i, `M[${k}] read before it is written`);
    } else if (cls(code) === BPF.JMP) {
      const targets = (code & 0xf0) === BPF.JA ? [i + 1 + k] : [i + 1 + insn.jt, i + 1 + insn.jf];
      for (const t of targets) valid[t] = (valid[t] ?? 0xffff) & mem;
      mem = 0xffff;
    }
  });
}

// struct seccomp_data, little-endian like all of exile's architectures. The buffer is reused:
// run() reads it synchronously.
const dataBuffer = new ArrayBuffer(DATA.size);
const dataView = new DataView(dataBuffer);
const dataWordsView = new Uint32Array(dataBuffer);

function dataWords(program: BpfProgram, data: SeccompData): Uint32Array {
  const arch = data.arch ?? program.arch;
  dataView.setInt32(DATA.nr, data.nr | 0, true);
  dataView.setUint32(DATA.arch, typeof arch === 'number' ? arch >>> 0 : ARCHES[arch].audit, true);
  dataView.setBigUint64(DATA.ipLo, BigInt.asUintN(64, data.ip ?? 0n), true);
  for (let i = 0; i < 6; i++) dataView.setBigUint64(DATA.argLo(i), BigInt.asUintN(64, data.args?.[i] ?? 0n), true);
  // Uint32Array uses host order; seccomp_data is little-endian on every supported arch.
  if (!LITTLE_ENDIAN_HOST) for (let i = 0; i < 16; i++) dataWordsView[i] = dataView.getUint32(i * 4, true);
  return dataWordsView;
}

/** Runs verified instructions on the 16 words of seccomp_data. */
function run(insns: readonly Insn[], words: Uint32Array): { value: number; executed: number } {
  let A = 0;
  let X = 0;
  const M = new Uint32Array(16);
  let executed = 0;
  for (let pc = 0; pc < insns.length; pc++) {
    const { code, jt, jf, k } = insns[pc] as Insn;
    executed++;
    switch (cls(code)) {
      case BPF.LD:
        if ((code & 0xe0) === BPF.ABS) A = words[k >>> 2] ?? 0;
        else if ((code & 0xe0) === BPF.LEN) A = DATA.size;
        else if ((code & 0xe0) === BPF.MEM) A = M[k] ?? 0;
        else A = k;
        break;
      case BPF.LDX:
        if ((code & 0xe0) === BPF.LEN) X = DATA.size;
        else if ((code & 0xe0) === BPF.MEM) X = M[k] ?? 0;
        else X = k;
        break;
      case BPF.ST: M[k] = A; break;
      case BPF.STX: M[k] = X; break;
      case BPF.ALU: {
        const src = (code & BPF.X) !== 0 ? X : k;
        switch (code & 0xf0) {
          case BPF.ADD: A = (A + src) >>> 0; break;
          case BPF.SUB: A = (A - src) >>> 0; break;
          case BPF.MUL: A = Math.imul(A, src) >>> 0; break;
          case BPF.DIV:
            // Division by X = 0 ends the program with 0 (classic BPF semantics kept by the kernel).
            if (src === 0) return { value: 0, executed };
            A = Math.floor(A / src) >>> 0;
            break;
          case BPF.AND: A = (A & src) >>> 0; break;
          case BPF.OR: A = (A | src) >>> 0; break;
          case BPF.XOR: A = (A ^ src) >>> 0; break;
          // eBPF's 32-bit shifts (what classic BPF is translated to) use the count modulo 32.
          case BPF.LSH: A = (A << (src & 31)) >>> 0; break;
          case BPF.RSH: A = A >>> (src & 31); break;
          case BPF.NEG: A = (-A) >>> 0; break;
        }
        break;
      }
      case BPF.JMP: {
        const src = (code & BPF.X) !== 0 ? X : k;
        let taken: boolean;
        switch (code & 0xf0) {
          case BPF.JA: pc += k; continue;
          case BPF.JEQ: taken = A === src; break;
          case BPF.JGT: taken = A > src; break;
          case BPF.JGE: taken = A >= src; break;
          default: taken = (A & src) !== 0; break;
        }
        pc += taken ? jt : jf;
        break;
      }
      case BPF.RET:
        return { value: ((code & BPF.A) !== 0 ? A : k) >>> 0, executed };
      case BPF.MISC:
        if ((code & 0xf8) === BPF.TXA) A = X;
        else X = A;
        break;
    }
  }
  throw new Error('internal: BPF program fell off its end (verify() should have refused it)');
}

const verified = new WeakMap<BpfProgram, Insn[]>();

/** The program's instructions after the kernel's checks (cached per program object). */
export function verifiedInstructions(program: BpfProgram): Insn[] {
  let insns = verified.get(program);
  if (insns === undefined) {
    if (!(program.instructions instanceof Uint8Array) || program.instructions.byteLength % 8 !== 0) {
      throw invalid('$.instructions', 'must be a Uint8Array of 8-byte struct sock_filter entries');
    }
    insns = decode(program.instructions);
    verify(insns);
    verified.set(program, insns);
  }
  return insns;
}

/** Runs `program` on one syscall like the kernel would and decodes the action it returns. */
export function evaluate(program: BpfProgram, data: SeccompData): Evaluation {
  const insns = verifiedInstructions(program);
  const { value, executed } = run(insns, dataWords(program, data));
  return { action: decodeAction(value), value, executed };
}
