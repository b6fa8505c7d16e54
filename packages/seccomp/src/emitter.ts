import { BPF, type Insn } from './bpf.js';

/**
 * Where control goes: a `ret` of a value (placed wherever one is in reach), or an instruction
 * already emitted, by its position counted from the end of the program (0 = last instruction).
 */
export type Target = { ret: number } | { at: number };

const MAX_JUMP = 255;

/**
 * Builds a program back to front. Every jump in seccomp BPF goes forward, so emitting in reverse
 * means each jump's targets already exist and their distances are known: conditional jumps (8-bit
 * offsets) whose target is too far get a `ret` copy or an unconditional `ja` (32-bit) right after them.
 */
export class ReverseEmitter {
  private readonly reversed: Insn[] = [];
  private readonly rets = new Map<number, number>();

  /** Position (from the end) the next emitted instruction gets. */
  get next(): number {
    return this.reversed.length;
  }

  private push(insn: Insn): { at: number } {
    this.reversed.push(insn);
    return { at: this.reversed.length - 1 };
  }

  /** Position of `target` if a jump placed at `next` reaches it, else undefined. */
  private reach(target: Target): number | undefined {
    const at = 'at' in target ? target.at : this.rets.get(target.ret);
    return at !== undefined && this.next - at - 1 <= MAX_JUMP ? at : undefined;
  }

  /** Puts something in reach that continues at `target`. */
  private bridge(target: Target): { at: number } {
    if ('ret' in target) return this.ret(target.ret);
    return this.push({ code: BPF.JMP | BPF.JA, jt: 0, jf: 0, k: this.next - target.at - 1 });
  }

  ret(value: number): { at: number } {
    const at = this.push({ code: BPF.RET | BPF.K, jt: 0, jf: 0, k: value >>> 0 });
    this.rets.set(value, at.at);
    return at;
  }

  /** Makes the instruction emitted next fall through to `target`. */
  fallTo(target: Target): void {
    if ('at' in target && target.at === this.next - 1) return;
    this.bridge(target);
  }

  /** An instruction without jumps (load, ALU) that falls through to `then`. */
  op(code: number, k: number, then: Target): { at: number } {
    this.fallTo(then);
    return this.push({ code, jt: 0, jf: 0, k: k >>> 0 });
  }

  /** A conditional jump `if (A <op> k) goto jt else goto jf`. */
  jump(op: number, k: number, jt: Target, jf: Target): { at: number } {
    for (;;) {
      const t = this.reach(jt);
      const f = this.reach(jf);
      if (t !== undefined && f !== undefined) {
        return this.push({ code: BPF.JMP | op | BPF.K, jt: this.next - t - 1, jf: this.next - f - 1, k: k >>> 0 });
      }
      if (t === undefined) jt = this.bridge(jt);
      else jf = this.bridge(jf);
    }
  }

  /** The program in execution order. */
  finish(): Insn[] {
    return [...this.reversed].reverse();
  }
}
