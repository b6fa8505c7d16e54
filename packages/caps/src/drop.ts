import { ErrorCodes, ExileError } from '@exile/common';
import { broadcast, requireEngine, type BroadcastReport, type ThreadOp } from '@exile/threads';
import { planDrop, type DropOptions } from './plan.js';
import { buildReport, type CapReport } from './report.js';
import { readRaw } from './state.js';

/** A drop planned from this process's capabilities, not applied yet: `prepareDrop()`'s result. */
export interface PreparedDrop {
  /** The ops every thread runs, no_new_privs first: for a caller that broadcasts them with its own. */
  readonly ops: readonly ThreadOp[];
  /** The report once `ops` ran on every thread (`threads`: that broadcast's report); throws like `drop()`. */
  finish(threads: BroadcastReport): CapReport;
}

/**
 * `drop()` in two halves: reads this process's capabilities and plans the ops (throwing, with
 * nothing changed, for what `drop()` refuses up front); the caller broadcasts `ops` — maybe with
 * other ops of its own, in one round over the threads — then `finish()` checks and reports.
 */
export function prepareDrop(opts: DropOptions = {}): PreparedDrop {
  // Loaded now, not at the broadcast: a caller may restrict file access in between.
  requireEngine('caps: dropping capabilities on every thread');
  const before = readRaw();
  const plan = planDrop(before, opts);
  return {
    ops: plan.ops,
    finish(threads: BroadcastReport): CapReport {
      const report = buildReport(plan, before, readRaw(), threads);
      const { effective, permitted, inheritable, ambient, securebits } = report;
      const missed = Object.entries({ effective, permitted, inheritable, ambient, securebits })
        .filter(([, set]) => set.requested && !set.enforced).map(([name]) => name);
      if (missed.length > 0) {
        throw new ExileError(ErrorCodes.UNSUPPORTED, `the kernel still reports capabilities after drop(): ${missed.join(', ')}`, { report });
      }
      return report;
    },
  };
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
  const prepared = prepareDrop(opts);
  return prepared.finish(broadcast(prepared.ops));
}

/** Sets no_new_privs on every thread: execve can no longer grant privileges (set-user-ID bits, file
 *  capabilities). Throws `ERR_EXILE_THREADS` with the per-thread report if any thread was missed. */
export function noNewPrivs(): void {
  broadcast([{ op: 'no-new-privs' }]);
}
