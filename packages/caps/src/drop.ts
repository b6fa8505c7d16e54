import { ErrorCodes, ExileError } from '@exile/common';
import { broadcast } from '@exile/threads';
import { planDrop, type DropOptions } from './plan.js';
import { buildReport, type CapReport } from './report.js';
import { readRaw } from './state.js';

/**
 * Drops capabilities on every thread of this process and sets no_new_privs everywhere.
 *
 * With no options: clears the effective, permitted, inheritable and ambient sets, drops the whole
 * bounding set where the process may (it holds CAP_SETPCAP), and sets no_new_privs. The report says
 * per set what was enforced; what an unprivileged process cannot drop (the bounding set) is listed
 * with the reason it no longer matters. Throws `ExileError` for unknown capability names
 * (`ERR_EXILE_INVALID_POLICY`, nothing changed), for `lockSecurebits` without CAP_SETPCAP
 * (`ERR_EXILE_UNSUPPORTED`, nothing changed) and when any thread could not be reached
 * (`ERR_EXILE_THREADS`, fatal: treat the process as compromised and exit).
 */
export function drop(opts: DropOptions = {}): CapReport {
  const before = readRaw();
  const plan = planDrop(before, opts);
  const threads = broadcast(plan.ops);
  const report = buildReport(plan, before, readRaw(), threads);
  const { effective, permitted, inheritable, ambient, securebits } = report;
  const missed = Object.entries({ effective, permitted, inheritable, ambient, securebits })
    .filter(([, set]) => set.requested && !set.enforced).map(([name]) => name);
  if (missed.length > 0) {
    throw new ExileError(ErrorCodes.UNSUPPORTED, `the kernel still reports capabilities after drop(): ${missed.join(', ')}`, { report });
  }
  return report;
}

/** Sets no_new_privs on every thread: execve can no longer grant privileges (set-user-ID bits, file
 *  capabilities). Throws `ERR_EXILE_THREADS` with the per-thread report if any thread was missed. */
export function noNewPrivs(): void {
  broadcast([{ op: 'no-new-privs' }]);
}
