import type { LaunchOptions } from '@exile/namespaces';
import type { Action, Rule, SeccompPolicy } from '@exile/seccomp';
import type { Vow } from '@exile/vows';
import { terminalRules } from '../plan/guard-rules.js';
import { handoverRules } from '../filters/listener-handover.js';

/** Actions that refuse a call: under a supervisor they notify it instead, and it applies them. */
const DENIALS = new Set(['kill-process', 'kill-thread', 'trap']);
const denies = (action: Action): boolean => (typeof action === 'string' ? DENIALS.has(action) : 'errno' in action || 'trap' in action);
const notifying = (action: Action): Action => (denies(action) ? 'notify' : action);

/**
 * The child policy with the supervisor in the loop: what the policy's own rules (the first
 * `policyRules`) and its default refuse goes to the listener, which applies the same penalty
 * after reporting it; the vows' internal errno rules (clone3 → ENOSYS, …) stay as they are. The
 * launcher's hand-over of the listener comes first (`handoverRules`), then `watched`: calls the
 * supervisor sees whatever the policy says (`--diagnose`), and answers as the policy would.
 */
export function supervisedPolicy(policy: SeccompPolicy, policyRules: number, stdio: LaunchOptions['stdio'], watched: Rule[] = []): SeccompPolicy {
  const rules = policy.rules.map((rule, i) => (i < policyRules ? { ...rule, action: notifying(rule.action) } : rule));
  return { ...policy, defaultAction: notifying(policy.defaultAction), rules: [...handoverRules(stdio), ...watched, ...rules] };
}

/**
 * Whether a started program's filter (its plan's seccomp step) refuses anything a supervisor
 * should report: with vows (their default refuses), or with a refusing rule besides the
 * always-on terminal guard. That guard alone (TIOCSTI/TIOCLINUX → EPERM, in every filter) is no
 * choice of the policy and nothing can widen it; its EPERM is the same either way, and a listener
 * thread for it would be paid by every start.
 */
export function reportsRefusals(step: { rules: readonly Rule[]; vows?: readonly Vow[] | undefined }): boolean {
  // planSeccomp() puts these very rule objects into every step.
  return step.vows !== undefined || step.rules.some((rule) => !terminalRules.includes(rule) && denies(rule.action));
}
