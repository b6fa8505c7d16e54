import type { Features } from '../features.js';
import type { NormalizedPolicy, Rule } from '../policy/types.js';
import { execRules, terminalRules } from './guard-rules.js';
import { seccompUsable } from './kernel.js';
import { seccompInProcess, startsChild, type PlannedItem, type Step, type Target } from './types.js';

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

/** Execution is restricted when the policy lists the paths that may execute. */
function restrictsExec(policy: NormalizedPolicy): boolean {
  return policy.fs !== undefined;
}

/**
 * Landlock checks execve(), not mmap(): `ld.so DIR/prog` runs a program from any readable path.
 * Only vows without prot_exec refuse file-backed executable mappings, and a started program
 * always has prot_exec (its loader needs it).
 */
function mappedCode(policy: NormalizedPolicy, target: Target, seccomp: boolean): PlannedItem {
  const what = 'exec: code mapped from readable files (ld.so DIR/prog, dlopen)';
  if (seccomp && seccompInProcess(target) && policy.vows !== undefined && !policy.vows.includes('prot_exec')) {
    return { what, mechanism: MECHANISM[target], enforced: true, required: false, detail: 'vows without prot_exec: PROT_EXEC mappings of files are refused' };
  }
  return { what, mechanism: 'landlock', enforced: false, required: false,
    detail: 'Landlock checks execve(), not mmap(): a dynamic loader can run code from any readable path; '
      + (target === 'child' ? 'a started program keeps prot_exec for its own loader' : 'vows without "prot_exec" would refuse it') };
}

/**
 * The one seccomp filter: the always-on terminal rules and, when execution is restricted, the
 * exec rules (all deny-only), the network rules (deny-only), then the policy's rules, then the
 * vows. A started program always gets a filter; this process only when the policy asks for one.
 */
export function planSeccomp(policy: NormalizedPolicy, netRules: Rule[], f: Features, target: Target): { step?: Step; items: PlannedItem[] } {
  const usable = seccompUsable(f, target);
  const mechanism = MECHANISM[target];
  const items: PlannedItem[] = [];
  const exec = restrictsExec(policy);
  const wanted = startsChild(target) || exec || netRules.length > 0 || policy.syscalls.length > 0 || policy.vows !== undefined || policy.seccompProfile !== undefined;
  if (!wanted) return { items };
  const state = usable.ok ? {} : { detail: usable.why };
  // Without a filter, a started program's new session is what keeps it off the caller's terminal.
  if (usable.ok) items.push({ what: 'terminal input injection (ioctl TIOCSTI, TIOCLINUX)', mechanism, enforced: true, required: false, detail: 'refused with EPERM' });
  if (exec) {
    items.push({ what: 'exec of unnamed files (memfd_create without MFD_NOEXEC_SEAL, execveat AT_EMPTY_PATH)', mechanism, enforced: usable.ok, required: true, ...state });
    items.push(mappedCode(policy, target, usable.ok));
  }
  if (policy.vows !== undefined) {
    items.push({ what: `vows: ${policy.vows.join(' ') || '(none)'}`, mechanism, enforced: usable.ok, required: true,
      detail: usable.ok ? `violations: ${violation(policy, target)}` : usable.why });
  }
  if (policy.syscalls.length > 0) {
    items.push({ what: `syscall rules: ${policy.syscalls.length}`, mechanism, enforced: usable.ok, required: true, ...state });
  }
  const profile = policy.seccompProfile?.filter;
  if (profile !== undefined) {
    // Stacked as a filter of its own, which only the launcher installs: a running Node gets one filter.
    const ok = usable.ok && target === 'child';
    items.push({ what: `seccomp profile: ${profile.rules.length} rule(s), default ${JSON.stringify(profile.defaultAction)}`, mechanism, enforced: ok, required: true,
      ...(ok ? { detail: 'a second filter: a call must pass both' } : { detail: usable.ok ? 'only for programs started by spawn() / exile run' : usable.why }) });
  }
  const rules = [...terminalRules, ...(exec ? execRules : []), ...netRules, ...policy.syscalls];
  const stacked = target === 'child' ? profile : undefined;
  if (!usable.ok) return { items };
  return { step: { step: 'seccomp', rules, vows: policy.vows, penalty: policy.penalty, errno: policy.errno, ...(stacked ? { profile: stacked } : {}) }, items };
}
