import { count, describeBypass, ioUring, prepareBroadcast, type BroadcastReport, type IoUringRings, type ThreadOp } from '@exile/threads';
import { ErrorCodes, ExileError, callNative } from '@exile/common';
import { errnoOf, native } from './native.js';
import { MAX_LAYERS, RESTRICT_SELF_TSYNC } from './uapi.js';

/** What a process must still be able to read for a later restrict() (stacking) to check for
 *  SQPOLL rings and reach every thread. */
export const PROC_SELF = ['/proc/self/fd', '/proc/self/fdinfo', '/proc/self/task'];

/** Fails closed, before anything is prepared, when an io_uring SQPOLL ring exists: its
 *  submissions run with the ring creator's credentials and bypass Landlock. `known`: the rings a
 *  caller has just read with `ioUring()` (see `PrepareRestrictOptions.rings`), else read here. */
export function preflight(known?: IoUringRings): void {
  let rings: IoUringRings;
  try {
    // A ring whose fdinfo is unreadable counts as SQPOLL (fail closed).
    rings = known ?? ioUring();
  } catch (error) {
    // Without /proc/self/fd we cannot prove there is no SQPOLL ring: fail closed.
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const why = code === 'EACCES'
      ? `an earlier Landlock layer denies reading /proc/self/fd or /proc/self/fdinfo; to restrict more than once, let the first spec read ${PROC_SELF.join(', ')}`
      : `reading /proc/self/fd failed with ${code} (is /proc mounted?)`;
    throw new ExileError(ErrorCodes.UNSUPPORTED, `landlock: cannot check for io_uring SQPOLL rings: ${why}; nothing was applied`,
      { what: 'io-uring-check', need: PROC_SELF, errnoName: code }, { cause: error });
  }
  if (rings.sqpoll > 0) {
    throw new ExileError(ErrorCodes.IO_URING,
      `landlock: this process has ${describeBypass(rings)}; their submissions would bypass Landlock (UV_USE_IO_URING=1?); nothing was applied`,
      { rings: rings.rings, sqpoll: rings.sqpoll, unverified: rings.unverified });
  }
}

function layerLimit(cause: unknown, report?: BroadcastReport): ExileError {
  return new ExileError(ErrorCodes.UNSUPPORTED,
    `landlock: this thread already has the maximum of ${MAX_LAYERS} stacked Landlock domains (E2BIG); no domain was added. Restrict once, with one combined spec`,
    { what: 'layers', limit: MAX_LAYERS, errnoName: 'E2BIG', ...(report ? { report } : {}) }, { cause });
}

/** The calling thread's landlock-restrict failed with E2BIG: the broadcast then touched no other thread. */
function callerHitLayerLimit(error: unknown): BroadcastReport | undefined {
  if (!(error instanceof ExileError) || error.code !== ErrorCodes.THREADS) return undefined;
  const report = error.details.report as BroadcastReport | undefined;
  const caller = report?.threads.find((thread) => thread.status === 'self');
  return caller?.ops.some((op) => op.op === 'landlock-restrict' && op.error === 'E2BIG') === true ? report : undefined;
}

/** What enforcing did: threads restricted, and the broadcast's report when there was one. */
export interface Enforced {
  count: number;
  threads?: BroadcastReport;
}

/**
 * Prepares setting no_new_privs and applying the ruleset to every thread, with the audit-log flags
 * `logFlags`; the function it returns does it once and says how many threads that was. The
 * broadcast is checked and encoded here, so the call is little more than the kernel's work.
 * ABI ≥ 8: one TSYNC restrict (atomic, one shared domain; the kernel sets no_new_privs on the other
 * threads too). Otherwise the @exile/threads broadcast: the calling thread first, then every other
 * thread, each getting its own domain. Never the calling thread alone: async fs on the libuv pool
 * would escape. `after`: a caller's own per-thread ops (a capability drop), run on every thread
 * after the restrict — in the same broadcast, so the threads are signalled once; a layer-limit
 * failure on the calling thread then runs none of them.
 */
export function prepareEnforce(rulesetFd: number, mechanism: 'tsync' | 'broadcast', logFlags: number, after: readonly ThreadOp[] = []): () => Enforced {
  if (mechanism === 'tsync') {
    const rest = after.length === 0 ? undefined : prepareBroadcast(after);
    // In parentheses, V8 compiles these with this function, not at their first call at the point of no return.
    return (function enforceNow(): Enforced {
      callNative('landlock: no_new_privs', () => native.noNewPrivs());
      const threads = count();
      try {
        callNative('landlock: restrict every thread (TSYNC)', () => native.restrictSelf(rulesetFd, RESTRICT_SELF_TSYNC | logFlags));
      } catch (error) {
        throw errnoOf(error) === 'E2BIG' ? layerLimit(error) : error;
      }
      return rest === undefined ? { count: threads } : { count: threads, threads: rest.run() };
    });
  }
  const all = prepareBroadcast([{ op: 'no-new-privs' }, { op: 'landlock-restrict', rulesetFd, flags: logFlags }, ...after]);
  return (function enforceNow(): Enforced {
    let report: BroadcastReport;
    try {
      report = all.run();
    } catch (error) {
      const full = callerHitLayerLimit(error);
      throw full === undefined ? error : layerLimit(error, full);
    }
    return { count: report.reached, threads: report };
  });
}
