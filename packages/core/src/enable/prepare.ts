import { prepareDrop, type PreparedDrop } from '@exile/caps';
import { prepareRestrict, type LandlockStatus, type PreparedRestrict } from '@exile/landlock';
import type { BpfProgram } from '@exile/seccomp';
import { prepareBroadcast, type IoUringRings, type PreparedBroadcast } from '@exile/threads';
import type { PreparedVows } from '@exile/vows';
import { checkPaths } from '../policy/check-paths.js';
import type { NormalizedPolicy } from '../policy/types.js';
import { findStep, type Plan } from '../plan/types.js';
import { prepareProcessFilter } from '../filters/process-filter.js';
import { noNewPrivsOnEveryThread } from './apply-step.js';

/** Everything checked and built before the point of no return. */
export interface PreparedSteps {
  /** The rules-only filter (no vows: network + the policy's own rules, default allow). */
  rules?: BpfProgram;
  /** With vows: the one filter (rules first, then the vows), compiled once, installed by `vow`'s second half. */
  vows?: PreparedVows;
  /** The capability drop, planned from this process's capabilities, its broadcast prepared. */
  caps?: PreparedDrop;
  /** The Landlock ruleset, paths opened and rules added, with the capability drop's ops after it:
   *  one round over the threads for both. */
  landlock?: PreparedRestrict;
  /** no_new_privs on every thread, prepared only when no other step sets it there: the capability
   *  drop and Landlock set it first, seccomp's TSYNC on every thread with the filter. */
  noNewPrivs?: PreparedBroadcast;
  /** Set by apply when the caps step enforced the ruleset too, in the same round over the threads. */
  landlockDone?: LandlockStatus;
  /** Set by apply: the threads reached by the first step that reached them all. */
  threads?: number;
}

/**
 * Validates and builds everything the steps need — compiled BPF, vows checked, the capability
 * drop and the broadcasts planned, the Landlock ruleset with every path opened — so that nothing
 * after the point of no return can fail for a reason known in advance. The ruleset comes last:
 * nothing that could fail follows it, so its file descriptor is never left behind by a failed
 * prepare (the no_new_privs broadcast follows only a ruleset that restricts nothing and holds no fd).
 * `rings`: the io_uring rings the plan was made with, read moments ago; Landlock checks them
 * again only at its point of no return.
 */
export function prepareSteps(plan: Plan, policy: NormalizedPolicy, rings: IoUringRings): PreparedSteps {
  const landlockStep = findStep(plan.steps, 'landlock');
  if (landlockStep !== undefined) checkPaths(policy.fs);
  const seccomp = findStep(plan.steps, 'seccomp');
  const capsStep = findStep(plan.steps, 'caps');
  const caps = capsStep === undefined ? undefined : prepareDrop({ keep: capsStep.keep });
  const prepared: PreparedSteps = {
    ...seccomp === undefined ? {} : prepareProcessFilter(seccomp),
    ...caps === undefined ? {} : { caps },
  };
  const landlock = landlockStep === undefined ? undefined : prepareRestrict(landlockStep.spec, { after: caps?.ops ?? [], rings });
  const covered = noNewPrivsOnEveryThread() || caps !== undefined || seccomp !== undefined || landlock?.restricts === true;
  return {
    ...prepared,
    ...landlock === undefined ? {} : { landlock },
    ...covered ? {} : { noNewPrivs: prepareBroadcast([{ op: 'no-new-privs' }]) },
  };
}
