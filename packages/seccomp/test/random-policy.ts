// Random policies and inputs for the differential tests (and tools/seccomp-fuzz).
import type { Action, Arch, ArgCheck, ArgOp, Rule, SeccompPolicy } from '../src/index.js';
import { syscalls } from '../src/index.js';
import { prng } from '@exile/test-utils';

/** Small deterministic PRNG so failures can be replayed from the seed. */
export const rng = prng;

const OPS: ArgOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'masked-eq'];
const EDGES = [0n, 1n, 2n, 0x7fffffffn, 0x80000000n, 0xfffffffen, 0xffffffffn, 0x100000000n, 0x100000001n,
  0x1ffffffffn, 0x7fffffffffffffffn, 0x8000000000000000n, 0xfffffffffffffffen, 0xffffffffffffffffn, 0xffffffff00000000n];

export class Gen {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)] as T;
  }
  u32(): bigint {
    return BigInt(Math.floor(this.next() * 0x100000000));
  }
  u64(): bigint {
    switch (this.int(4)) {
      case 0: return this.pick(EDGES);
      case 1: return BigInt(this.int(16));
      case 2: return this.u32();
      default: return (this.u32() << 32n) | this.u32();
    }
  }
  action(): Action {
    switch (this.int(9)) {
      case 0: return 'kill-process';
      case 1: return 'kill-thread';
      case 2: return this.int(2) === 0 ? 'trap' : { trap: this.int(0x10000) };
      case 3: return { errno: this.int(4096) };
      case 4: return { trace: this.int(0x10000) };
      case 5: return 'log';
      case 6: return { errno: 'EPERM' };
      default: return 'allow';
    }
  }
  check(): ArgCheck {
    const width = this.int(3) === 0 ? 32 : 64;
    const clip = (v: bigint): bigint => (width === 32 ? v & 0xffffffffn : v);
    const op = this.pick(OPS);
    const check: ArgCheck = { index: this.int(6) as ArgCheck['index'], op, value: clip(this.u64()), width };
    if (op === 'masked-eq') {
      check.mask = clip(this.u64());
      check.value = (check.value as bigint) & check.mask;
    }
    return check;
  }
  policy(arch: Arch): SeccompPolicy {
    const names = syscalls.list(arch);
    const pool = Array.from({ length: 4 + this.int(40) }, () => this.pick(names));
    const big = this.int(20) === 0;
    const rules: Rule[] = Array.from({ length: big ? 40 + this.int(60) : this.int(14) }, () => {
      const count = this.int(10) === 0 ? 1 + this.int(150) : 1 + this.int(3);
      const syscall = Array.from({ length: count }, () => this.pick(big || this.int(2) === 0 ? names : pool));
      const rule: Rule = { syscall: syscall.length === 1 ? syscall[0] as string : syscall, action: this.action() };
      if (this.int(2) === 0) rule.args = Array.from({ length: 1 + this.int(3) }, () => this.check());
      return rule;
    });
    const policy: SeccompPolicy = { defaultAction: this.action(), rules };
    if (this.int(2) === 0) policy.badArchAction = this.action();
    return policy;
  }
  /**
   * A policy libseccomp can express with the same meaning: each syscall in one rule, rule actions
   * differ from the default, an argument is checked at most once per rule, no notify. On i386
   * values are 32-bit (libseccomp compares 32-bit arguments there).
   */
  libseccompPolicy(arch: Arch, known: (name: string) => boolean): SeccompPolicy {
    const names = syscalls.list(arch).filter(known);
    // libseccomp 2.5 refuses trap data and errno 4095.
    const action = (): Action => {
      const a = this.action();
      if (typeof a === 'object' && 'trap' in a) return 'trap';
      if (typeof a === 'object' && 'errno' in a && a.errno === 4095) return { errno: 4094 };
      return a;
    };
    const defaultAction = action();
    const rules: Rule[] = [];
    for (let r = this.int(25); r > 0; r--) {
      let act = action();
      while (JSON.stringify(act) === JSON.stringify(defaultAction) || (typeof act === 'object' && 'errno' in act && typeof defaultAction === 'object' && 'errno' in defaultAction && Number(act.errno) === Number(defaultAction.errno))) act = action();
      const syscall = Array.from({ length: 1 + this.int(3) }, () => names.splice(this.int(names.length), 1)[0] as string);
      const indexes = [0, 1, 2, 3, 4, 5].filter(() => this.int(4) === 0);
      const args = indexes.map((index) => {
        const c = this.check();
        c.index = index as ArgCheck['index'];
        c.width = 64;
        if (arch === 'i386') {
          c.value = BigInt(c.value) & 0xffffffffn;
          if (c.mask !== undefined) c.mask = BigInt(c.mask) & 0xffffffffn;
        }
        return c;
      });
      rules.push(args.length > 0 ? { syscall, action: act, args } : { syscall, action: act });
    }
    return { defaultAction, rules, badArchAction: action() };
  }
  private readonly seen = new WeakMap<SeccompPolicy, { nrs: number[]; values: bigint[] }>();
  /** An input that often hits the policy's syscalls and the edges of its checks. */
  input(arch: Arch, policy: SeccompPolicy): { nr: number; args: bigint[] } {
    let cached = this.seen.get(policy);
    if (cached === undefined) {
      const names = policy.rules.flatMap((r) => (Array.isArray(r.syscall) ? r.syscall : [r.syscall]));
      cached = { nrs: names.map((name) => syscalls.number(name, arch) ?? 0), values: policy.rules.flatMap((r) => (r.args ?? []).map((c) => BigInt(c.value))) };
      this.seen.set(policy, cached);
    }
    const { nrs, values } = cached;
    let nr: number;
    switch (this.int(8)) {
      case 0: nr = this.int(600); break;
      case 1: nr = Number(this.u32()); break;
      case 2: nr = 0x40000000 + this.int(600); break;
      case 3: nr = 0xffffffff; break;
      default: nr = nrs.length > 0 ? this.pick(nrs) + this.pick([0, 0, 0, -1, 1]) : this.int(500);
    }
    const args = Array.from({ length: 6 }, () => {
      if (values.length > 0 && this.int(2) === 0) {
        const v = this.pick(values) + BigInt(this.int(3) - 1);
        return this.int(4) === 0 ? v ^ (this.u32() << 32n) : v;
      }
      return this.u64();
    }).map((v) => BigInt.asUintN(64, v));
    return { nr: nr | 0, args };
  }
}
