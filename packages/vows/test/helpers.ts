import { decide, type Action, type Arch } from '@exile/seccomp';
import { seccompPolicy, type SeccompPolicyOptions } from '../src/seccomp-policy.js';

export const PID = 4242;

/** The action the compiled vow policy takes for one call (reference semantics, no kernel). */
export function decider(vows: string, options: SeccompPolicyOptions = {}, arch: Arch = 'x86_64') {
  const policy = seccompPolicy(vows, { pid: PID, ...options });
  return (syscall: string, ...args: (number | bigint)[]): Action => decide(policy, arch, syscall, args.map((a) => BigInt.asUintN(64, BigInt(a))));
}

export const ALLOW = 'allow';
/** kill penalty with the reporter: SECCOMP_RET_TRAP with data 0. */
export const KILL = 'trap';
export const ENOSYS = { errno: 38 };
export const EPERM = { errno: 1 };
