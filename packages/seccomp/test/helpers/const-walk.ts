import { BPF, decode } from '../../src/bpf.js';
import type { BpfProgram } from '../../src/index.js';

const decoded = new WeakMap<BpfProgram, ReturnType<typeof decode>>();

/**
 * The kernel's seccomp_is_const_allow() walk, generalised to any action: runs the program knowing
 * only nr and arch. Returns the ret value reached, or undefined if the path loads anything else
 * (then the kernel cannot cache the syscall's action).
 */
export function constWalk(program: BpfProgram, nr: number, arch: number): number | undefined {
  let insns = decoded.get(program);
  if (insns === undefined) {
    insns = decode(program.instructions);
    decoded.set(program, insns);
  }
  let A = 0;
  for (let pc = 0; pc < insns.length; pc++) {
    const insn = insns[pc]!;
    switch (insn.code) {
      case BPF.LD | BPF.W | BPF.ABS:
        if (insn.k === 0) A = nr >>> 0;
        else if (insn.k === 4) A = arch;
        else return undefined;
        break;
      case BPF.RET | BPF.K: return insn.k;
      case BPF.JMP | BPF.JA: pc += insn.k; break;
      case BPF.JMP | BPF.JEQ | BPF.K: pc += A === insn.k ? insn.jt : insn.jf; break;
      case BPF.JMP | BPF.JGE | BPF.K: pc += A >= insn.k ? insn.jt : insn.jf; break;
      case BPF.JMP | BPF.JGT | BPF.K: pc += A > insn.k ? insn.jt : insn.jf; break;
      case BPF.JMP | BPF.JSET | BPF.K: pc += (A & insn.k) !== 0 ? insn.jt : insn.jf; break;
      case BPF.ALU | BPF.AND | BPF.K: A = (A & insn.k) >>> 0; break;
      default: return undefined;
    }
  }
  return undefined;
}
