import { ErrorCodes, ExileError, invalid, ownData } from '@exile/common';
import { engine } from './native.js';
import { encodeOps, type ThreadOp } from './ops.js';
import { describeFailures, interpret, type BroadcastReport } from './report.js';

/** Options of `broadcast()`. */
export interface BroadcastOptions {
  /** Deadline for the whole call, including waiting for a concurrent broadcast. Default 1000 ms. */
  timeoutMs?: number;
}

/** The deadline of a broadcast when `timeoutMs` is not given. */
export const DEFAULT_TIMEOUT_MS = 1000;

function timeout(value: unknown): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 3_600_000) {
    throw invalid('opts.timeoutMs', `must be a number of milliseconds in (0, 3600000], got ${JSON.stringify(value) ?? typeof value}`);
  }
  return value;
}

/**
 * Runs `ops`, in order, on every thread of this process: the calling thread first, then every other
 * thread through a signal-32 handler, rescanning /proc/self/task until no new thread appears.
 *
 * Fails closed: unless every thread ran every op with errno 0, it throws `ExileError`
 * `ERR_EXILE_THREADS` whose `details.report` lists each thread. Threads that were reached keep what
 * they applied; treat the error as fatal. If the calling thread's own ops fail, no other thread is touched.
 * Pass the same Landlock ruleset fd only once per process (16-layer limit) and do not close it after
 * a failure: a thread that was late may still apply it.
 */
export function broadcast(ops: readonly ThreadOp[], opts: BroadcastOptions = {}): BroadcastReport {
  const encoded = encodeOps(ops);
  const timeoutMs = timeout(ownData(opts as BroadcastOptions | undefined)?.timeoutMs);
  const names = ops.map((op) => op.op);
  const report = interpret(engine(`${names.join(', ')} on every thread`).broadcast(encoded, timeoutMs), names);
  if (!report.ok) throw new ExileError(ErrorCodes.THREADS, describeFailures(report), { report });
  return report;
}
