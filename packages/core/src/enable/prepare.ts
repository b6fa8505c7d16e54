import { prepareDrop, type PreparedDrop } from '@exile/caps';
import { prepareRestrict, type LandlockStatus, type PreparedRestrict } from '@exile/landlock';
import type { BpfProgram } from '@exile/seccomp';
import type { PreparedVows } from '@exile/vows';
import { checkPaths } from '../policy/check-paths.js';
import type { NormalizedPolicy } from '../policy/types.js';
import { findStep, type Plan } from '../plan/types.js';
import { prepareProcessFilter } from '../filters/process-filter.js';

/** Everything checked and built before the point of no return. */
export interface PreparedSteps {
  /** The rules-only filter (no vows: network + the policy's own rules, default allow). */
  rules?: BpfProgram;
  /** With vows: the one filter (rules first, then the vows), compiled once, installed by `vow`'s second half. */
  vows?: PreparedVows;
  /** The capability drop, planned from this process's capabilities. */
  caps?: PreparedDrop;
  /** The Landlock ruleset, paths opened and rules added, ready to restrict every thread. */
  landlock?: PreparedRestrict;
  /** Set by apply when the caps step enforced the ruleset too, in the same round over the threads. */
  landlockDone?: LandlockStatus;
}

/**
 * Validates and builds everything the steps need — compiled BPF, vows checked, the Landlock
 * ruleset with every path opened — so that nothing after the point of no return can fail for a
 * reason known in advance. The ruleset comes last: nothing that could fail follows it, so its
 * file descriptor is never left behind by a failed prepare.
 */
export function prepareSteps(plan: Plan, policy: NormalizedPolicy): PreparedSteps {
  const landlock = findStep(plan.steps, 'landlock');
  if (landlock !== undefined) checkPaths(policy.fs);
  const seccomp = findStep(plan.steps, 'seccomp');
  const caps = findStep(plan.steps, 'caps');
  const prepared: PreparedSteps = {
    ...seccomp === undefined ? {} : prepareProcessFilter(seccomp),
    ...caps === undefined ? {} : { caps: prepareDrop({ keep: caps.keep }) },
  };
  return landlock === undefined ? prepared : { ...prepared, landlock: prepareRestrict(landlock.spec) };
}
