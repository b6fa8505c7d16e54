import { ErrorCodes, ExileError, invalid, ownData } from '@exile/common';
import { engine } from './native.js';
import { encodeOps, type ThreadOp } from './ops.js';
import type { NativeReport } from './raw.js';
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

const EMPTY_REPORT: NativeReport = {
  result: 0, rounds: 0, callerTid: 0, error: 0, errorStep: null, timedOut: false, handlerRestored: false, elapsedNs: 0, engine: '',
  ints: new Int32Array(0), wide: new BigUint64Array(0),
};

/** Ops checked, encoded and the engine loaded, ready to run on every thread: `prepareBroadcast()`'s result. */
export interface PreparedBroadcast {
  /** The op names, in order. */
  readonly ops: readonly ThreadOp['op'][];
  /** `broadcast()` of these ops: every thread, or `ERR_EXILE_THREADS`. May run more than once. */
  run(): BroadcastReport;
}

/**
 * `broadcast()` in two halves: validates and encodes `ops` and loads the engine — everything that
 * can fail before any thread is touched — so that `run()` is the engine's call and little else.
 * For callers with a point of no return (`@exile/landlock`'s and `@exile/caps`' prepare, `@exile/core`'s
 * `prepare()`). Throws like `broadcast()` does before it applies anything.
 */
export function prepareBroadcast(ops: readonly ThreadOp[], opts: BroadcastOptions = {}): PreparedBroadcast {
  const encoded = encodeOps(ops);
  const timeoutMs = timeout(ownData(opts as BroadcastOptions | undefined)?.timeoutMs);
  const names = ops.map((op) => op.op);
  const native = engine(`${names.join(', ')} on every thread`);
  // Reading a report is compiled now, on an empty one: compiling it inside run(), at the caller's
  // point of no return, took longer than the rest of the JavaScript there.
  interpret(EMPTY_REPORT, names);
  return {
    ops: names,
    // In parentheses, V8 compiles run() with this function (an eager-compile hint), not at its
    // first call, at the point of no return: the same holds for every `(function …)` on that path.
    run: (function run(): BroadcastReport {
      const report = interpret(native.broadcast(encoded, timeoutMs), names);
      if (!report.ok) throw new ExileError(ErrorCodes.THREADS, describeFailures(report), { report });
      return report;
    }),
  };
}

/**
 * Runs `ops`, in order, on every thread of this process: the calling thread first, then every other
 * thread through a signal-32 handler, rescanning /proc/self/task until no new thread appears.
 *
 * Fails closed: unless every thread ran every op with errno 0, it throws `ExileError`
 * `ERR_EXILE_THREADS` whose `details.report` lists each thread. Threads that were reached keep what
 * they applied; treat the error as fatal. If the calling thread's own ops fail, no other thread is touched.
 * Pass the same Landlock ruleset fd only once per process (16-layer limit) and do not close it after
 * a failure: a thread that was late may still apply it. `prepareBroadcast(ops, opts).run()`.
 */
export function broadcast(ops: readonly ThreadOp[], opts: BroadcastOptions = {}): BroadcastReport {
  return prepareBroadcast(ops, opts).run();
}
