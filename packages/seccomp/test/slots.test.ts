import { describe, expect, it } from 'vitest';
import { compile, constantSlots, evaluate, fillSlots } from '../src/index.js';

describe('constantSlots', () => {
  const PLACEHOLDER = 0x7fffffff;
  const program = compile({ defaultAction: { errno: 'EPERM' }, rules: [
    { syscall: ['kill', 'tgkill'], action: 'allow', args: [{ index: 0, op: 'eq', value: PLACEHOLDER, width: 32 }] },
    { syscall: 'getpid', action: 'allow' },
  ] }, { arch: 'x86_64' });

  it('finds the jeq instructions that compare with the placeholder, and only those', () => {
    const slots = constantSlots(program.instructions, PLACEHOLDER);
    expect(slots.length).toBeGreaterThan(0);
    const lines = program.disassemble().split('\n');
    for (const slot of slots) expect(lines[slot]).toMatch(/jeq #?0x7fffffff/);
    expect(constantSlots(program.instructions, 12345)).toEqual([]);
  });

  it('filling the slots makes the filter compare with the new value; the original is left as it was', () => {
    const patched = fillSlots(program.instructions, constantSlots(program.instructions, PLACEHOLDER), 4242);
    const kill = (pid: number, instructions: Uint8Array) => evaluate({ ...program, instructions }, { nr: 62, args: [BigInt(pid)] }).action;
    expect(kill(4242, patched)).toBe('allow');
    expect(kill(1, patched)).not.toBe('allow');
    expect(kill(4242, program.instructions)).not.toBe('allow');
    expect(kill(PLACEHOLDER, program.instructions)).toBe('allow');
  });
});
