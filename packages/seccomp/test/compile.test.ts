import { describe, expect, it } from 'vitest';
import { thrown } from '@exile/test-utils';
import { BPF, decode } from '../src/bpf.js';
import { constWalk } from './helpers/const-walk.js';
import { compile, decide, evaluate, syscalls, type SeccompPolicy } from '../src/index.js';

const nr = (name: string): number => syscalls.number(name, 'x86_64') ?? -1;
const LD_ABS = BPF.LD | BPF.W | BPF.ABS;

const policy: SeccompPolicy = {
  defaultAction: { errno: 'EPERM' },
  rules: [
    { syscall: ['read', 'write', 'getppid'], action: 'allow' },
    { syscall: 'socket', action: 'allow', args: [{ index: 0, op: 'eq', value: 1, width: 32 }] },
    { syscall: 'socket', action: { errno: 'EAFNOSUPPORT' } },
    { syscall: 'kill', action: 'kill-process' },
  ],
};

describe('compile (x86_64)', () => {
  const program = compile(policy, { arch: 'x86_64' });
  const insns = decode(program.instructions);

  it('checks arch first and loads nr next', () => {
    expect(insns[0]).toEqual({ code: LD_ABS, jt: 0, jf: 0, k: 4 });
    expect(insns[1]).toMatchObject({ code: BPF.JMP | BPF.JEQ | BPF.K, k: 0xc000003e });
    expect(insns[2]).toEqual({ code: LD_ABS, jt: 0, jf: 0, k: 0 });
    expect(program.length).toBe(insns.length);
    expect(program.instructions.byteLength).toBe(8 * program.length);
  });

  it('allows, denies and checks arguments', () => {
    expect(evaluate(program, { nr: nr('read') }).action).toBe('allow');
    expect(evaluate(program, { nr: nr('open') }).action).toEqual({ errno: 1 });
    expect(evaluate(program, { nr: nr('socket'), args: [1n] }).action).toBe('allow');
    expect(evaluate(program, { nr: nr('socket'), args: [0x100000001n] }).action).toBe('allow');
    expect(evaluate(program, { nr: nr('socket'), args: [2n] }).action).toEqual({ errno: 97 });
    expect(evaluate(program, { nr: nr('kill') }).action).toBe('kill-process');
    expect(decide(policy, 'x86_64', 'socket', [2n])).toEqual({ errno: 97 });
  });

  it('sends other architectures and x32 calls to badArchAction, but not -1', () => {
    expect(evaluate(program, { nr: nr('read'), arch: 'i386' })).toMatchObject({ action: 'kill-process', executed: 3 });
    expect(evaluate(program, { nr: 0x40000000 + nr('read') }).action).toBe('kill-process');
    expect(evaluate(program, { nr: -1 }).action).toEqual({ errno: 1 });
    const custom = compile({ ...policy, badArchAction: { errno: 38 } }, { arch: 'x86_64' });
    expect(evaluate(custom, { nr: 0x40000000 }).action).toEqual({ errno: 38 });
  });

  it('reaches an argument-free allow without loading arguments (kernel action cache)', () => {
    for (const name of ['read', 'write', 'getppid']) expect(constWalk(program, nr(name), 0xc000003e)).toBe(0x7fff0000);
    expect(constWalk(program, nr('socket'), 0xc000003e)).toBeUndefined();
  });

  it('disassembles with absolute targets and action names', () => {
    const text = program.disassemble();
    expect(text.split('\n')[0]).toBe('0000: ld  [4]  ; arch');
    expect(text).toContain('ret allow');
    expect(text).toContain('ret errno(1)');
    expect(text).toMatch(/jeq #0xc000003e {2}\? 0002 : \d{4}/);
  });

  it('searches in O(log n): a 150-syscall allow-list runs few instructions', () => {
    const names = syscalls.list('x86_64').slice(0, 300).filter((_, i) => i % 2 === 0);
    const big = compile({ defaultAction: 'kill-process', rules: [{ syscall: names, action: 'allow' }] }, { arch: 'x86_64' });
    const max = Math.max(...syscalls.list('x86_64').map((name) => evaluate(big, { nr: nr(name) }).executed));
    expect(max).toBeLessThanOrEqual(14);
  });
});

describe('64-bit comparisons use both halves', () => {
  const cases: [string, bigint, bigint, boolean][] = [
    ['gt', 0x100000000n, 0x100000001n, true], ['gt', 0x100000000n, 0xffffffffn, false],
    ['ge', 0x1ffffffffn, 0x200000000n, true], ['lt', 0x100000000n, 0xffffffffn, true],
    ['lt', 0x100000000n, 0x100000000n, false], ['le', 0xffffffff00000000n, 0xfffffffeffffffffn, true],
    ['eq', 0x100000005n, 5n, false], ['ne', 0x100000005n, 5n, true], ['ne', 5n, 5n, false],
  ];
  it.each(cases)('%s %s vs arg %s → %s', (op, value, arg, holds) => {
    const p: SeccompPolicy = { defaultAction: 'allow', rules: [{ syscall: 'read', action: 'kill-thread', args: [{ index: 2, op: op as 'eq', value }] }] };
    const program = compile(p, { arch: 'aarch64' });
    const read = syscalls.number('read', 'aarch64')!;
    expect(evaluate(program, { nr: read, args: [0n, 0n, arg] }).action).toBe(holds ? 'kill-thread' : 'allow');
    expect(decide(p, 'aarch64', read, [0n, 0n, arg])).toBe(holds ? 'kill-thread' : 'allow');
  });

  it('width 32 ignores the high half; masked-eq masks', () => {
    const p: SeccompPolicy = {
      defaultAction: 'allow',
      rules: [
        { syscall: 'close', action: 'kill-thread', args: [{ index: 0, op: 'eq', value: -100, width: 32 }] },
        { syscall: 'mmap', action: 'kill-thread', args: [{ index: 2, op: 'masked-eq', mask: 6, value: 6 }] },
      ],
    };
    const program = compile(p, { arch: 'x86_64' });
    expect(evaluate(program, { nr: nr('close'), args: [0xdeadbeefffffff9cn] }).action).toBe('kill-thread');
    expect(evaluate(program, { nr: nr('mmap'), args: [0n, 0n, 7n] }).action).toBe('kill-thread');
    expect(evaluate(program, { nr: nr('mmap'), args: [0n, 0n, 5n] }).action).toBe('allow');
  });
});

describe('far jumps and size limits', () => {
  it('handles jumps longer than 255 instructions', () => {
    const names = syscalls.list('x86_64').slice(0, 200);
    const p: SeccompPolicy = {
      defaultAction: { errno: 1 },
      rules: names.map((name, i) => ({ syscall: name, action: 'allow' as const, args: [{ index: 1, op: 'eq' as const, value: BigInt(i) << 32n }] })),
    };
    const program = compile(p, { arch: 'x86_64' });
    expect(program.length).toBeGreaterThan(600);
    // Some conditional jumps cannot reach their targets with 8-bit offsets: `ja` bridges them.
    expect(program.disassemble()).toMatch(/: ja {2}\d{4}/);
    names.forEach((name, i) => {
      expect(evaluate(program, { nr: nr(name), args: [0n, BigInt(i) << 32n] }).action).toBe('allow');
      expect(evaluate(program, { nr: nr(name), args: [0n, BigInt(i)] }).action).toEqual(i === 0 ? 'allow' : { errno: 1 });
    });
  });

  it('refuses programs over 4096 instructions, naming the size', () => {
    const names = syscalls.list('x86_64');
    const p: SeccompPolicy = {
      defaultAction: 'kill-process',
      rules: names.flatMap((name) => [0, 1, 2].map((i) => ({ syscall: name, action: 'allow' as const, args: [{ index: i as 0, op: 'eq' as const, value: 0x100000000n + BigInt(i) }] }))),
    };
    const error = thrown(() => compile(p, { arch: 'x86_64' }));
    expect(error.code).toBe('ERR_EXILE_INVALID_POLICY');
    expect(error.message).toMatch(/has \d+ instructions; the kernel accepts at most 4096/);
    expect(error.details.length).toBeGreaterThan(4096);
  });
});

describe('bad input names the bad part', () => {
  const cases: [string, unknown, string, string][] = [
    ['unknown syscall', { defaultAction: 'allow', rules: [{ syscall: ['read', 'nosuch'], action: 'allow' }] }, 'ERR_EXILE_UNKNOWN_SYSCALL', '$.rules[0].syscall[1]'],
    ['bad arg index', { defaultAction: 'allow', rules: [{ syscall: 'read', action: 'allow', args: [{ index: 6, op: 'eq', value: 0 }] }] }, 'ERR_EXILE_INVALID_POLICY', '$.rules[0].args[0].index'],
    ['bad op', { defaultAction: 'allow', rules: [{ syscall: 'read', action: 'allow', args: [{ index: 0, op: 'like', value: 0 }] }] }, 'ERR_EXILE_INVALID_POLICY', '$.rules[0].args[0].op'],
    ['value out of range', { defaultAction: 'allow', rules: [{ syscall: 'read', action: 'allow', args: [{ index: 0, op: 'eq', value: 1n << 32n, width: 32 }] }] }, 'ERR_EXILE_INVALID_POLICY', '$.rules[0].args[0].value'],
    ['unsafe number', { defaultAction: 'allow', rules: [{ syscall: 'read', action: 'allow', args: [{ index: 0, op: 'eq', value: 2 ** 60 }] }] }, 'ERR_EXILE_INVALID_POLICY', '$.rules[0].args[0].value'],
    ['unknown action', { defaultAction: 'permit', rules: [] }, 'ERR_EXILE_INVALID_POLICY', '$.defaultAction'],
    ['unknown errno', { defaultAction: 'allow', rules: [{ syscall: 'read', action: { errno: 'ENOTHING' } }] }, 'ERR_EXILE_INVALID_POLICY', '$.rules[0].action.errno'],
    ['errno too big', { defaultAction: { errno: 4096 }, rules: [] }, 'ERR_EXILE_INVALID_POLICY', '$.defaultAction.errno'],
    ['mask without masked-eq', { defaultAction: 'allow', rules: [{ syscall: 'read', action: 'allow', args: [{ index: 0, op: 'eq', value: 0, mask: 1 }] }] }, 'ERR_EXILE_INVALID_POLICY', '$.rules[0].args[0].mask'],
    ['masked-eq value outside its mask', { defaultAction: 'allow', rules: [{ syscall: 'read', action: 'allow', args: [{ index: 0, op: 'masked-eq', value: 3, mask: 1 }] }] }, 'ERR_EXILE_INVALID_POLICY', '$.rules[0].args[0].value'],
    ['empty syscall list', { defaultAction: 'allow', rules: [{ syscall: [], action: 'allow' }] }, 'ERR_EXILE_INVALID_POLICY', '$.rules[0].syscall'],
    ['unknown rule field', { defaultAction: 'allow', rules: [{ syscall: 'read', action: 'allow', arg: [] }] }, 'ERR_EXILE_INVALID_POLICY', '$.rules[0].arg'],
    ['rules not an array', { defaultAction: 'allow', rules: {} }, 'ERR_EXILE_INVALID_POLICY', '$.rules'],
  ];
  it.each(cases)('%s', (_name, bad, code, path) => {
    const error = thrown(() => compile(bad as SeccompPolicy, { arch: 'x86_64' }));
    expect(error.code).toBe(code);
    expect(error.details.path).toBe(path);
    expect(error.message).toContain(path);
  });

  it('skips names an arch lacks with unknownSyscalls: "ignore"', () => {
    const p: SeccompPolicy = { defaultAction: 'allow', unknownSyscalls: 'ignore', rules: [{ syscall: ['open', 'read'], action: 'kill-thread' }] };
    const program = compile(p, { arch: 'aarch64' });
    expect(evaluate(program, { nr: syscalls.number('read', 'aarch64')! }).action).toBe('kill-thread');
    expect(() => compile({ ...p, unknownSyscalls: 'error' }, { arch: 'aarch64' })).toThrow(/aarch64 has no syscall "open"/);
  });
});
