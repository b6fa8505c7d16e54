import { ErrorCodes, ExileError } from '@exile/common';
import { broadcast, prepareBroadcast, type BroadcastReport, type ThreadOp } from '@exile/threads';
import { planDrop, type DropOptions } from './plan.js';
import { buildReport, reportSets, type CapReport } from './report.js';
import { readRaw, type RawCapState } from './state.js';

/** A drop planned from this process's capabilities, not applied yet: `prepareDrop()`'s result. */
export interface PreparedDrop {
  /** The ops every thread runs, no_new_privs first: for a caller that broadcasts them with its own. */
  readonly ops: readonly ThreadOp[];
  /** The report once `ops` ran on every thread (`threads`: that broadcast's report); throws like `drop()`. */
  finish(threads: BroadcastReport): CapReport;
  /** Broadcasts `ops` and finishes: `drop()`'s second half. */
  apply(): CapReport;
}

// finish() and what it calls run right after the drop, often at a caller's point of no return: in
// parentheses, V8 compiles them ahead (an eager-compile hint), not at their first call there.
const sameState = (function sameState(a: RawCapState, b: RawCapState): boolean {
  return a.effective === b.effective && a.permitted === b.permitted && a.inheritable === b.inheritable && a.ambient === b.ambient
    && a.bounding === b.bounding && a.securebits === b.securebits && a.noNewPrivs === b.noNewPrivs;
});

/** The sets whose drop finish() checks in the report. */
const CHECKED = ['effective', 'permitted', 'inheritable', 'ambient', 'securebits'] as const;

/**
 * `drop()` in two halves: reads this process's capabilities and plans the ops (throwing, with
 * nothing changed, for what `drop()` refuses up front); the caller broadcasts `ops` — maybe with
 * other ops of its own, in one round over the threads — then `finish()` checks and reports, or
 * `apply()` does both. The broadcast is prepared and the report of a drop that goes as planned is
 * written now: after the drop, `finish()` reads the calling thread's state back and, when it is
 * the planned one, only adds the broadcast's report.
 */
export function prepareDrop(opts: DropOptions = {}): PreparedDrop {
  const before = readRaw();
  const plan = planDrop(before, opts);
  // Loads the engine now, not at the broadcast: a caller may restrict file access in between.
  const broadcast = prepareBroadcast(plan.ops);
  const planned = reportSets(plan, before, plan.after);
  const finish = (function finish(threads: BroadcastReport): CapReport {
    const after = readRaw();
    const report = sameState(after, plan.after) ? { ...planned, threads } : buildReport(plan, before, after, threads);
    const missed: string[] = [];
    for (const name of CHECKED) if (report[name].requested && !report[name].enforced) missed.push(name);
    if (missed.length > 0) {
      throw new ExileError(ErrorCodes.UNSUPPORTED, `the kernel still reports capabilities after drop(): ${missed.join(', ')}`, { report });
    }
    return report;
  });
  return { ops: plan.ops, finish, apply: () => finish(broadcast.run()) };
}

/**
 * Drops capabilities on every thread of this process and sets no_new_privs everywhere.
 *
 * With no options: clears the effective, permitted, inheritable and ambient sets, drops the whole
 * bounding set where the process may (it holds CAP_SETPCAP), and sets no_new_privs. The report says
 * per set what was enforced; what an unprivileged process cannot drop (the bounding set) is listed
 * with the reason it no longer matters. Throws `ExileError` for unknown capability names
 * (`ERR_EXILE_INVALID_POLICY`, nothing changed), for `lockSecurebits` without CAP_SETPCAP or where
 * @exile/threads' engine is not built (`ERR_EXILE_UNSUPPORTED`, nothing changed) and when any thread could not be reached
 * (`ERR_EXILE_THREADS`, fatal: treat the process as compromised and exit).
 */
export function drop(opts: DropOptions = {}): CapReport {
  return prepareDrop(opts).apply();
}

/** Sets no_new_privs on every thread: execve can no longer grant privileges (set-user-ID bits, file
 *  capabilities). Throws `ERR_EXILE_THREADS` with the per-thread report if any thread was missed. */
export function noNewPrivs(): void {
  broadcast([{ op: 'no-new-privs' }]);
}
