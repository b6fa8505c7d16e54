import type { ArgCheck, Rule } from './policy-types.js';
import type { ObservedCall } from './allowing.js';
import { SOCK } from './linux.js';

type Index = ArgCheck['index'];

/**
 * The arguments that say *what* a call does (a request, an option, a family), per syscall: a
 * suggested rule pins them and leaves pointers, lengths and descriptors free. `mask`: only those
 * bits matter (the socket type without SOCK_NONBLOCK/SOCK_CLOEXEC). C `int` arguments, 32 bits.
 */
const KEY_ARGS: Readonly<Record<string, readonly { index: Index; mask?: number }[]>> = {
  ioctl: [{ index: 1 }],
  fcntl: [{ index: 1 }],
  prctl: [{ index: 0 }],
  arch_prctl: [{ index: 0 }],
  personality: [{ index: 0 }],
  seccomp: [{ index: 0 }],
  socket: [{ index: 0 }, { index: 1, mask: SOCK.TYPE_MASK }, { index: 2 }],
  socketpair: [{ index: 0 }, { index: 1, mask: SOCK.TYPE_MASK }],
  setsockopt: [{ index: 1 }, { index: 2 }],
  getsockopt: [{ index: 1 }, { index: 2 }],
  clone: [{ index: 0 }],
  keyctl: [{ index: 0 }],
  bpf: [{ index: 0 }],
  ptrace: [{ index: 0 }],
};

/**
 * The `syscalls` rule that allows exactly this call shape, for a call no vow allows: the
 * syscall with its key arguments pinned (`ioctl` with its request, `socket` with its family,
 * type and protocol), or the bare syscall when its arguments say nothing about what it does.
 */
export function suggestRule(call: ObservedCall): Rule {
  const keys = KEY_ARGS[call.syscall];
  const args = (keys ?? []).map(({ index, mask }): ArgCheck => {
    const value = Number(BigInt.asUintN(32, BigInt(call.args?.[index] ?? 0)));
    return mask === undefined ? { index, op: 'eq', value, width: 32 } : { index, op: 'masked-eq', mask, value: value & mask, width: 32 };
  });
  return args.length === 0 ? { syscall: call.syscall, action: 'allow' } : { syscall: call.syscall, action: 'allow', args };
}

/** One rule per distinct shape, in first-seen order. */
export function suggestRules(calls: readonly ObservedCall[]): Rule[] {
  const seen = new Map<string, Rule>();
  for (const call of calls) {
    const rule = suggestRule(call);
    seen.set(JSON.stringify(rule), rule);
  }
  return [...seen.values()];
}
