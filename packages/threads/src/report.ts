import { errnoName } from '@exile/common';
import { INT_FIELDS, nativeThreads, type NativeReport, type NativeThread } from './raw.js';
import type { ThreadOpName } from './ops.js';

/** What happened to one thread. */
export type ThreadStatus =
  /** The calling thread: ran the ops directly, first. */
  | 'self'
  /** Ran the signal handler; `ops` says how each op went. */
  | 'done'
  /** Exited before it could run the handler: nothing left to restrict. */
  | 'exited'
  /** Zombie (state Z/X): runs no more user code. */
  | 'zombie'
  /** Signalled but did not run the handler before the deadline (blocks signal 32, D state, ...). */
  | 'timeout'
  /** A kernel io_uring worker (PF_IO_WORKER): never runs signal handlers, cannot be restricted. */
  | 'io-worker'
  /** The signal could not be sent (`sendErrno`). */
  | 'send-failed'
  /** Found, but the broadcast stopped before signalling it. */
  | 'not-sent';

const STATUS: Record<number, ThreadStatus> = {
  1: 'self', 2: 'done', 3: 'exited', 4: 'timeout', 5: 'io-worker', 6: 'send-failed', 7: 'zombie', 8: 'not-sent',
};

/** Statuses of a thread the operations ran on. */
const REACHED: ReadonlySet<ThreadStatus> = new Set(['self', 'done']);

/** Statuses that leave no unrestricted code running on that thread. */
const HARMLESS: ReadonlySet<ThreadStatus> = new Set(['exited', 'zombie']);

/** How one op went on one thread. */
export interface OpResult {
  op: ThreadOpName;
  /** false when an earlier op on this thread failed (or the thread never ran the handler). */
  ran: boolean;
  /** 0 on success. */
  errno: number;
  /** `'EPERM'` etc., when errno is not 0. */
  error?: string;
}

/** One thread in a broadcast report. */
export interface ThreadResult {
  tid: number;
  /** Field 22 of /proc/self/task/<tid>/stat; 0n when stat was unreadable (`statErrno`). */
  starttime: bigint;
  status: ThreadStatus;
  /** Scan round that found it (1 = before the calling thread restricted itself). */
  round: number;
  /** One entry per requested op, in order. */
  ops: OpResult[];
  /** First non-zero errno of any op (or of sending the signal), 0 if none. */
  errno: number;
  /** true when this thread ran every op successfully (or can no longer run code). */
  ok: boolean;
  ioWorker: boolean;
  statErrno: number;
  sendErrno: number;
}

/** What `broadcast()` did, thread by thread (also `details.report` of its `ERR_EXILE_THREADS`). */
export interface BroadcastReport {
  /** Every thread ran every op with errno 0. */
  ok: boolean;
  /** Scans of /proc/self/task; the last one found no new thread. */
  rounds: number;
  callerTid: number;
  /** Threads that ran the ops: the calling thread and each that ran the handler. */
  reached: number;
  /** Every thread found. After a success it is decoded from the engine's report on first read. */
  threads: ThreadResult[];
  timedOut: boolean;
  /** A failure of the mechanism itself (not of a thread), e.g. another broadcast held the lock too long. */
  error?: { step: string; errno: number; name: string };
  /** The previous signal-32 action was put back (only after full success and only over our own). */
  handlerRestored: boolean;
  elapsedMs: number;
  /** The addon file whose engine ran: every copy of @exile/threads in a process shares the first one loaded. */
  engine: string;
}

const PF_IO_WORKER = 0x10;

// Plain loops, no per-element closures: this runs once per process, cold, inside the call.
function threadResult(t: NativeThread, opNames: readonly ThreadOpName[]): ThreadResult {
  const status = STATUS[t.status] ?? 'not-sent';
  const ops: OpResult[] = [];
  let errno = 0;
  for (let i = 0; i < opNames.length; i++) {
    const op = opNames[i]!;
    const e = t.errnos[i];
    if (e === undefined) ops.push({ op, ran: false, errno: 0 });
    else if (e === 0) ops.push({ op, ran: true, errno: 0 });
    else {
      ops.push({ op, ran: true, errno: e, error: errnoName(e) });
      if (errno === 0) errno = e;
    }
  }
  if (errno === 0) errno = t.sendErrno;
  const ranAll = t.errnos.length === opNames.length && errno === 0;
  const ok = HARMLESS.has(status) || ((status === 'self' || status === 'done') && ranAll);
  return {
    tid: t.tid, starttime: t.starttime, status, round: t.round, ops, errno, ok,
    ioWorker: (t.flags & PF_IO_WORKER) !== 0, statErrno: t.statErrno, sendErrno: t.sendErrno,
  };
}

function decode(raw: NativeReport, opNames: readonly ThreadOpName[]): ThreadResult[] {
  const threads: ThreadResult[] = [];
  for (const t of nativeThreads(raw)) threads.push(threadResult(t, opNames));
  return threads;
}

/** Threads whose status is `self` or `done`, read from the flat report without decoding it. */
function reachedCount(raw: NativeReport): number {
  let reached = 0;
  for (let at = 1; at < raw.ints.length; at += INT_FIELDS) if (REACHED.has(STATUS[raw.ints[at]!]!)) reached++;
  return reached;
}

/**
 * Turns the engine's raw report into the public one. The engine's result 0 means it checked every
 * thread (each ran every op with errno 0, or exited); the threads are then decoded only when read —
 * a broadcast is usually the point of no return of a sandbox, where every microsecond shows. Any
 * other result: `ok` is decided here, thread by thread, from the decoded report.
 */
export function interpret(raw: NativeReport, opNames: readonly ThreadOpName[]): BroadcastReport {
  const common = {
    rounds: raw.rounds, callerTid: raw.callerTid, reached: reachedCount(raw), timedOut: raw.timedOut,
    handlerRestored: raw.handlerRestored, elapsedMs: raw.elapsedNs / 1e6, engine: raw.engine,
  };
  if (raw.result === 0 && raw.error === 0 && !raw.timedOut) {
    let threads: ThreadResult[] | undefined;
    return { ok: true, ...common, get threads() { return (threads ??= decode(raw, opNames)); } };
  }
  const threads = decode(raw, opNames);
  const error = raw.error === 0 ? undefined : { step: raw.errorStep ?? '?', errno: raw.error, name: errnoName(raw.error) };
  const ok = error === undefined && !raw.timedOut && threads.some((t) => t.status === 'self') && threads.every((t) => t.ok);
  return { ok, ...common, threads, ...(error === undefined ? {} : { error }) };
}

/** One line per failed thread, for the error message. */
export function describeFailures(report: BroadcastReport): string {
  const parts: string[] = [];
  if (report.error) parts.push(`${report.error.step}: ${report.error.name}`);
  if (report.timedOut) parts.push('timed out');
  for (const t of report.threads) {
    if (t.ok) continue;
    const failed = t.ops.find((o) => o.errno !== 0);
    const why = failed ? `${failed.op} ${failed.error}` : t.status === 'send-failed' ? `signal ${t.sendErrno}` : t.status;
    parts.push(`tid ${t.tid}: ${why}`);
  }
  const reached = report.threads.filter((t) => t.ok).length;
  return `broadcast reached ${reached} of ${report.threads.length} threads (${parts.join('; ')})`;
}
