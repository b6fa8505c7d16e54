import type { NotEnforced, RulesetPlan } from './plan.js';
import type { FsAccess, NetAccess, Scope } from './rights.js';
import type { LogFlag } from './uapi.js';

/** What `restrict()` did. */
export interface LandlockStatus {
  /** The Landlock ABI used (the kernel's, lowered by EXILE_LANDLOCK_ABI_MAX); 0 without Landlock. */
  abi: number;
  /** `full`: everything the spec asked for is enforced. `partial` (best-effort only): some of it was
   *  dropped, see `notEnforced`. `none`: nothing was applied (best-effort only). */
  enforced: 'full' | 'partial' | 'none';
  /** How every thread was reached: one TSYNC restrict (ABI ≥ 8) or the @exile/threads broadcast
   *  (when `enforced` is `none`: the one that would have been used). */
  mechanism: 'tsync' | 'broadcast';
  /** Threads restricted (0 when nothing was applied). */
  threads: number;
  /** The rights and scopes in the ruleset: everything outside the rules is denied for these. */
  handled: { fs: FsAccess[]; net: NetAccess[]; scope: Scope[] };
  /** The audit-log flags the domain was restricted with (`log` in the spec). */
  log: LogFlag[];
  /** The rights not logged on the spec's quiet paths and ports, and the quiet scopes. */
  quiet: { fs: FsAccess[]; net: NetAccess[]; scope: Scope[] };
  /** Every requested or kernel-handleable item that is not enforced, and every skipped rule. */
  notEnforced: NotEnforced[];
}

/** The status of a plan that was applied to `threads` threads (0: not applied). */
export function statusOf(plan: RulesetPlan, threads: number, ruleNotes: readonly NotEnforced[]): LandlockStatus {
  const enforced = threads === 0 ? 'none' : plan.partial ? 'partial' : 'full';
  return {
    abi: plan.abi,
    enforced,
    mechanism: plan.mechanism,
    threads,
    handled: threads === 0 ? { fs: [], net: [], scope: [] } : { fs: [...plan.handled.fs], net: [...plan.handled.net], scope: [...plan.handled.scope] },
    log: threads === 0 ? [] : [...plan.log],
    quiet: threads === 0 ? { fs: [], net: [], scope: [] } : { fs: [...plan.quiet.fs], net: [...plan.quiet.net], scope: [...plan.quiet.scope] },
    notEnforced: [...plan.notEnforced, ...ruleNotes],
  };
}
