import { describe, expect, it } from 'vitest';
import { BPF, encode, type Insn } from '../src/bpf.js';
import { program } from '../src/compile.js';
import { evaluate } from '../src/index.js';

const I = (code: number, k = 0, jt = 0, jf = 0): Insn => ({ code, jt, jf, k });
const run = (insns: Insn[], nr = 0, args: bigint[] = []) => evaluate(program('x86_64', encode(insns)), { nr, args });
const LD = BPF.LD | BPF.W | BPF.ABS;
const RET_A = BPF.RET | BPF.A;

describe('BPF interpreter (the kernel\'s seccomp subset)', () => {
  it('loads seccomp_data words: nr, arch, ip halves, argument halves', () => {
    expect(run([I(LD, 0), I(RET_A)], 231).value).toBe(231);
    expect(run([I(LD, 4), I(RET_A)]).value).toBe(0xc000003e);
    expect(evaluate(program('x86_64', encode([I(LD, 12), I(RET_A)])), { nr: 0, ip: 0x1234_0000_0000n }).value).toBe(0x1234);
    expect(run([I(LD, 20 + 8 * 5), I(RET_A)], 0, [0n, 0n, 0n, 0n, 0n, 0xabcdef01_00000000n]).value).toBe(0xabcdef01);
    expect(run([I(BPF.LD | BPF.W | BPF.LEN), I(RET_A)]).value).toBe(64);
  });

  it('does 32-bit ALU with K and X, scratch memory, tax/txa', () => {
    const prog = [
      I(BPF.LD | BPF.IMM, 0xfffffff0), I(BPF.ALU | BPF.ADD | BPF.K, 0x20), // 0x10 (wraps)
      I(BPF.ST, 3), I(BPF.LDX | BPF.IMM, 3), I(BPF.ALU | BPF.LSH | BPF.X), // 0x80
      I(BPF.ALU | BPF.SUB | BPF.K, 0x81), // 0xffffffff
      I(BPF.ALU | BPF.RSH | BPF.K, 28), I(BPF.ALU | BPF.MUL | BPF.K, 3), // 45
      I(BPF.ALU | BPF.DIV | BPF.K, 4), I(BPF.ALU | BPF.XOR | BPF.K, 1), // 10
      I(BPF.ALU | BPF.OR | BPF.K, 0x100), I(BPF.ALU | BPF.AND | BPF.K, 0x10f), // 0x10a
      I(BPF.ALU | BPF.NEG), I(BPF.ALU | BPF.NEG), I(BPF.MISC | BPF.TAX), I(BPF.LD | BPF.MEM, 3),
      I(BPF.ALU | BPF.ADD | BPF.X), I(RET_A), // 0x10a + 0x10
    ];
    expect(run(prog)).toMatchObject({ value: 0x11a, executed: prog.length });
  });

  it('division by X = 0 ends the filter with 0 (kill-thread)', () => {
    expect(run([I(BPF.LD | BPF.IMM, 5), I(BPF.LDX | BPF.IMM, 0), I(BPF.ALU | BPF.DIV | BPF.X), I(RET_A)])).toMatchObject({ value: 0, action: 'kill-thread', executed: 3 });
  });

  it('jumps: ja, jeq/jgt/jge/jset with K and X', () => {
    const prog = [
      I(LD, 0), I(BPF.JMP | BPF.JA, 1), I(BPF.RET, 1),
      I(BPF.JMP | BPF.JSET | BPF.K, 0x4, 0, 1), I(BPF.RET, 0x7fff0000),
      I(BPF.LDX | BPF.IMM, 9), I(BPF.JMP | BPF.JGT | BPF.X, 0, 0, 1), I(BPF.RET, 0x00050001),
      I(BPF.JMP | BPF.JGE | BPF.K, 9, 0, 1), I(BPF.RET, 0x00050009), I(BPF.RET, 0x00050002),
    ];
    expect(run(prog, 4).action).toBe('allow');
    expect(run(prog, 10).action).toEqual({ errno: 1 });
    expect(run(prog, 9).action).toEqual({ errno: 9 });
    expect(run(prog, 3).action).toEqual({ errno: 2 });
  });

  it('decodes actions like the kernel: unknown → kill-process, errno clamped to 4095', () => {
    expect(run([I(BPF.RET, 0x12340000)]).action).toBe('kill-process');
    expect(run([I(BPF.RET, 0x0005ffff)]).action).toEqual({ errno: 4095 });
    expect(run([I(BPF.RET, 0x00030007)]).action).toEqual({ trap: 7 });
    expect(run([I(BPF.RET, 0x7ff00003)]).action).toEqual({ trace: 3 });
    expect(run([I(BPF.RET, 0x7fc00000)]).action).toBe('notify');
  });

  it('refuses instructions that are not whole sock_filter entries', () => {
    expect(() => evaluate(program('x86_64', new Uint8Array(12)), { nr: 0 })).toThrow(/8-byte struct sock_filter/);
  });

  it.each([
    ['empty program', [], /1\.\.4096/],
    ['too long', Array.from({ length: 4097 }, () => I(BPF.RET, 0)), /this one 4097/],
    ['byte loads', [I(BPF.LD | BPF.B | BPF.ABS, 0), I(RET_A)], /not allowed/],
    ['unaligned load', [I(LD, 2), I(RET_A)], /outside seccomp_data/],
    ['load past seccomp_data', [I(LD, 64), I(RET_A)], /outside seccomp_data/],
    ['mod (not in seccomp\'s list)', [I(BPF.ALU | BPF.MOD | BPF.K, 3), I(RET_A)], /not allowed/],
    ['division by constant 0', [I(BPF.ALU | BPF.DIV | BPF.K, 0), I(RET_A)], /division/],
    ['shift by 32', [I(BPF.ALU | BPF.LSH | BPF.K, 32), I(RET_A)], /shift/],
    ['jump past the end', [I(BPF.JMP | BPF.JEQ | BPF.K, 0, 1, 0), I(RET_A)], /past the end/],
    ['ja past the end', [I(BPF.JMP | BPF.JA, 1), I(RET_A)], /past the end/],
    ['memory read before write', [I(BPF.LD | BPF.MEM, 2), I(RET_A)], /before it is written/],
    ['memory written on one path only', [I(LD, 0), I(BPF.JMP | BPF.JEQ | BPF.K, 1, 0, 1), I(BPF.ST, 0), I(BPF.LD | BPF.MEM, 0), I(RET_A)], /before it is written/],
    ['no final ret', [I(LD, 0)], /must be a ret/],
  ] as [string, Insn[], RegExp][])('refuses %s', (_name, insns, message) => {
    expect(() => run(insns)).toThrow(message);
  });
});
