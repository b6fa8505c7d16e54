import { actionText } from './actions.js';
import { BPF, type Insn } from './bpf.js';

const DATA_NAMES: Record<number, string> = { 0: 'nr', 4: 'arch', 8: 'ip', 12: 'ip.hi' };
for (let i = 0; i < 6; i++) {
  DATA_NAMES[16 + 8 * i] = `args[${i}]`;
  DATA_NAMES[20 + 8 * i] = `args[${i}].hi`;
}
const ALU_NAMES: Record<number, string> = {
  [BPF.ADD]: 'add', [BPF.SUB]: 'sub', [BPF.MUL]: 'mul', [BPF.DIV]: 'div', [BPF.AND]: 'and', [BPF.OR]: 'or',
  [BPF.XOR]: 'xor', [BPF.LSH]: 'lsh', [BPF.RSH]: 'rsh', [BPF.NEG]: 'neg',
};
const JMP_NAMES: Record<number, string> = { [BPF.JEQ]: 'jeq', [BPF.JGT]: 'jgt', [BPF.JGE]: 'jge', [BPF.JSET]: 'jset' };

const hex = (k: number): string => `0x${(k >>> 0).toString(16)}`;
const pad = (n: number): string => n.toString().padStart(4, '0');

function text(insn: Insn, i: number): string {
  const { code, jt, jf, k } = insn;
  const src = (code & BPF.X) !== 0 ? 'x' : `#${hex(k)}`;
  switch (code & 0x07) {
    case BPF.LD:
      if ((code & 0xe0) === BPF.ABS) return `ld  [${k}]${DATA_NAMES[k] ? `  ; ${DATA_NAMES[k]}` : ''}`;
      if ((code & 0xe0) === BPF.MEM) return `ld  M[${k}]`;
      if ((code & 0xe0) === BPF.LEN) return 'ld  #len';
      return `ld  #${hex(k)}`;
    case BPF.LDX:
      if ((code & 0xe0) === BPF.MEM) return `ldx M[${k}]`;
      if ((code & 0xe0) === BPF.LEN) return 'ldx #len';
      return `ldx #${hex(k)}`;
    case BPF.ST: return `st  M[${k}]`;
    case BPF.STX: return `stx M[${k}]`;
    case BPF.ALU: return (code & 0xf0) === BPF.NEG ? 'neg' : `${ALU_NAMES[code & 0xf0] ?? '?'} ${src}`;
    case BPF.JMP:
      if ((code & 0xf0) === BPF.JA) return `ja  ${pad(i + 1 + k)}`;
      return `${JMP_NAMES[code & 0xf0] ?? '?'} ${src}  ? ${pad(i + 1 + jt)} : ${pad(i + 1 + jf)}`;
    case BPF.RET: return (code & BPF.A) !== 0 ? 'ret a' : `ret ${actionText(k)}`;
    default: return (code & 0xf8) === BPF.TXA ? 'txa' : 'tax';
  }
}

/** One line per instruction: `0005: jge #0x3c  ? 0009 : 0006`. */
export function disassemble(insns: readonly Insn[]): string {
  return insns.map((insn, i) => `${pad(i)}: ${text(insn, i)}`).join('\n');
}
