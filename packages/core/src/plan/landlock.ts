import { planSpec, type Enforcer, type LandlockSpec, type RulesetPlan } from '@exile/landlock';
import type { Features } from '../features.js';
import type { PlannedItem } from './types.js';

/** @exile/landlock's decisions for one part of a policy (its file system, its TCP rules or its
 *  scopes) on this kernel, applied by `enforcer` (exile-launch for a started program). */
export function planLandlock(spec: Omit<LandlockSpec, 'compat'>, f: Features, enforcer: Enforcer = 'process'): RulesetPlan {
  return planSpec(spec, f.landlock, enforcer);
}

/** Why Landlock cannot be used at all here. */
export function landlockMissing(f: Features): string {
  return f.landlock.status === 'available'
    ? 'Landlock is capped to ABI 0 by EXILE_LANDLOCK_ABI_MAX'
    : `Landlock is ${f.landlock.status} on this kernel (${f.kernel})`;
}

/** How Landlock reaches every thread of this process. */
export function landlockThreads(plan: RulesetPlan): string {
  return plan.mechanism === 'tsync' ? 'every thread at once via Landlock TSYNC' : 'every thread via the @exile/threads broadcast';
}

/**
 * One report item per right or scope the ruleset leaves out (`landlock right fs:truncate`), required
 * when the policy needs it; none when the ruleset handles nothing of its kind (the caller reports
 * that as one item). `note` adds to a right's detail (e.g. what else covers it).
 */
export function rightItems(plan: RulesetPlan, note: (what: string) => string = () => ''): PlannedItem[] {
  return plan.notEnforced.map((n) => ({
    what: `landlock right ${n.what}`, mechanism: `landlock ABI ${plan.abi}`, enforced: false, required: n.required === true,
    detail: `${n.reason}${note(n.what)}`,
  }));
}
