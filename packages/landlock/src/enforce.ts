import * as threads from '@exile/threads';
import { ErrorCodes, ExileError } from '@exile/common';
import { errnoOf, native, sys } from './native.js';
import { MAX_LAYERS, RESTRICT_SELF_TSYNC } from './uapi.js';

/** The @exile/threads broadcast (issue 4's API), looked up at run time: see `broadcastFn`. */
type Broadcast = (ops: ({ op: 'no-new-privs' } | { op: 'landlock-restrict'; rulesetFd: number; flags?: number })[],
  opts?: { timeoutMs?: number }) => { threads: unknown[] };

function broadcastFn(): Broadcast {
  const fn = (threads as unknown as { broadcast?: Broadcast }).broadcast;
  if (typeof fn !== 'function') {
    // Never fall back to restricting the calling thread alone: async fs on the pool would escape.
    throw new ExileError(ErrorCodes.UNSUPPORTED,
      'landlock: this kernel has no TSYNC (Landlock ABI < 8) and this @exile/threads has no broadcast(), so not every thread could be restricted; nothing was applied',
      { what: 'all-threads' });
  }
  return fn;
}

/** Checks, before anything is prepared, that every thread can be reached: the broadcast exists
 *  when it is needed, and no io_uring SQPOLL ring exists (its submissions bypass Landlock). */
export function preflight(mechanism: 'tsync' | 'broadcast'): void {
  if (mechanism === 'broadcast') broadcastFn();
  const rings = threads.ioUring();
  if (rings.sqpoll > 0) {
    throw new ExileError(ErrorCodes.IO_URING,
      `landlock: ${rings.sqpoll} io_uring SQPOLL ring(s) exist in this process; their submissions would bypass Landlock (UV_USE_IO_URING=1?)`,
      { rings: rings.rings, sqpoll: rings.sqpoll });
  }
}

function layerLimit(cause: unknown): ExileError {
  return new ExileError(ErrorCodes.UNSUPPORTED,
    `landlock: this thread already has the maximum of ${MAX_LAYERS} stacked Landlock domains (E2BIG); nothing was applied. Restrict once with one combined spec`,
    { what: 'layers', limit: MAX_LAYERS, errnoName: 'E2BIG' }, { cause });
}

/**
 * Sets no_new_privs and applies the ruleset to every thread; returns how many threads that was.
 * ABI ≥ 8: one TSYNC restrict (atomic, one shared domain). Otherwise the @exile/threads broadcast
 * (calling thread first, then every other thread; each thread gets its own domain).
 */
export function enforce(rulesetFd: number, mechanism: 'tsync' | 'broadcast'): number {
  if (mechanism === 'tsync') {
    sys('landlock: no_new_privs', () => native.noNewPrivs());
    const count = threads.list().length;
    try {
      sys('landlock: restrict every thread (TSYNC)', () => native.restrictSelf(rulesetFd, RESTRICT_SELF_TSYNC));
    } catch (error) {
      throw errnoOf(error) === 'E2BIG' ? layerLimit(error) : error;
    }
    return count;
  }
  const broadcast = broadcastFn();
  const report = broadcast([{ op: 'no-new-privs' }, { op: 'landlock-restrict', rulesetFd, flags: 0 }]);
  return report.threads.length;
}
