import type { BroadcastReport } from '@exile/threads';
import type { Cap } from './names.js';
import type { DropPlan } from './plan.js';
import { decodeSecurebits, type Securebits } from './securebits.js';
import { names, type RawCapState } from './state.js';

/** What happened to one capability set, on every thread. */
export interface SetReport {
  /** drop() was asked to change this set. */
  requested: boolean;
  /** After the call the set holds nothing beyond what was meant to stay. */
  enforced: boolean;
  before: Cap[];
  after: Cap[];
  dropped: Cap[];
  /** Still in the set, and why (only when something that was asked for could not be done). */
  reason?: string;
}

/** What `drop()` enforced, per set, on every thread. */
export interface CapReport {
  effective: SetReport;
  permitted: SetReport;
  inheritable: SetReport;
  ambient: SetReport;
  bounding: SetReport;
  /** no_new_privs is set on every thread: execve can no longer grant privileges (set-user-ID bits
   *  and file capabilities are ignored). */
  noNewPrivs: { enforced: true };
  securebits: { requested: boolean; enforced: boolean; before: Securebits; after: Securebits };
  /** Capabilities in `keep` the process did not hold: it cannot keep what it does not have. */
  notHeld: Cap[];
  /** The per-thread broadcast that applied it all. */
  threads: BroadcastReport;
}

/** Why an unprivileged process's bounding set does not matter once no_new_privs is set. */
export const BOUNDING_REASON =
  'dropping from the bounding set needs CAP_SETPCAP, which this process does not hold. It is inert: ' +
  'the bounding set only caps what execve may add to the permitted set, and with no_new_privs (now set on ' +
  'every thread) execve ignores set-user-ID bits and file capabilities, so no capability can be gained; ' +
  'the permitted set itself can only shrink.';

function setReport(requested: boolean, before: bigint, after: bigint, allowed: bigint, reason?: string): SetReport {
  const enforced = (after & ~allowed) === 0n;
  return {
    requested, enforced, before: names(before), after: names(after), dropped: names(before & ~after),
    ...(enforced || reason === undefined ? {} : { reason }),
  };
}

/** Compares the calling thread's state before and after with the plan (the broadcast report vouches
 *  that every other thread ran the same ops without error). */
export function buildReport(plan: DropPlan, before: RawCapState, after: RawCapState, threads: BroadcastReport): CapReport {
  return { ...reportSets(plan, before, after), threads };
}

/** `buildReport()` but the broadcast's report. */
export function reportSets(plan: DropPlan, before: RawCapState, after: RawCapState): Omit<CapReport, 'threads'> {
  const { target } = plan;
  const boundingGoal = plan.bounding.requested ? plan.keep : before.bounding;
  return {
    effective: setReport(true, before.effective, after.effective, target.effective),
    permitted: setReport(true, before.permitted, after.permitted, target.permitted),
    inheritable: setReport(true, before.inheritable, after.inheritable, target.inheritable),
    ambient: setReport(plan.ambient, before.ambient, after.ambient, plan.ambient ? 0n : target.inheritable),
    bounding: setReport(plan.bounding.requested, before.bounding, after.bounding, boundingGoal,
      plan.bounding.allowed ? undefined : BOUNDING_REASON),
    noNewPrivs: { enforced: true },
    securebits: {
      requested: plan.securebits !== undefined,
      enforced: plan.securebits === undefined || after.securebits === plan.securebits,
      before: decodeSecurebits(before.securebits), after: decodeSecurebits(after.securebits),
    },
    notHeld: names(plan.notHeld),
  };
}
