import { BPF, decode } from './bpf.js';

/**
 * The indexes of the `jeq #k` instructions of a program that compare with `k`: the slots a
 * loader can fill in with a value known only later (a started program's pid), when the program
 * was compiled with `k` as a placeholder that appears nowhere else.
 */
export function constantSlots(instructions: Uint8Array, k: number): number[] {
  const jeq = BPF.JMP | BPF.JEQ | BPF.K;
  return decode(instructions).flatMap((insn, i) => (insn.code === jeq && insn.k === k >>> 0 ? [i] : []));
}

/** A copy of `instructions` whose `slots` (from `constantSlots()`) compare with `k` instead. */
export function fillSlots(instructions: Uint8Array, slots: readonly number[], k: number): Uint8Array {
  const filled = instructions.slice();
  const view = new DataView(filled.buffer);
  // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }
  for (const slot of slots) view.setUint32(slot * 8 + 4, k >>> 0, true);
  return filled;
}
