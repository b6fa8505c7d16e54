import type { Features } from '../features.js';
import type { NormalizedPolicy, Rule } from '../policy/types.js';
import { seccompUsable } from './kernel.js';
import { seccompInProcess, type PlannedItem, type Step, type Target } from './types.js';

const MECHANISM: Record<Target, string> = {
  process: 'seccomp (TSYNC: every thread)',
  child: 'seccomp, installed last before exec',
  launch: 'seccomp (TSYNC: every thread of the child, once the target is loaded)',
};

function violation(policy: NormalizedPolicy, target: Target): string {
  if (policy.penalty === 'errno') return policy.errno;
  // A child's program has no exile SIGSYS handler to print the message.
  return seccompInProcess(target) ? 'SIGSYS with a message naming the syscall and vow' : 'the program is killed by SIGSYS';
}

/** The one seccomp filter: network rules first (deny-only), then the policy's rules, then the vows. */
export function planSeccomp(policy: NormalizedPolicy, netRules: Rule[], f: Features, target: Target): { step?: Step; items: PlannedItem[] } {
  const usable = seccompUsable(f, target);
  const mechanism = MECHANISM[target];
  const items: PlannedItem[] = [];
  if (policy.vows !== undefined) {
    items.push({ what: `vows: ${policy.vows.join(' ') || '(none)'}`, mechanism, enforced: usable.ok, required: true,
      detail: usable.ok ? `violations: ${violation(policy, target)}` : usable.why });
  }
  if (policy.syscalls.length > 0) {
    items.push({ what: `syscall rules: ${policy.syscalls.length}`, mechanism, enforced: usable.ok, required: true, ...(usable.ok ? {} : { detail: usable.why }) });
  }
  const rules = [...netRules, ...policy.syscalls];
  if (!usable.ok || (rules.length === 0 && policy.vows === undefined)) return { items };
  return { step: { step: 'seccomp', rules, vows: policy.vows, penalty: policy.penalty, errno: policy.errno }, items };
}
