import { ErrorCodes, ExileError, invalid, ownData } from '@exile/common';
import type { ThreadOp } from '@exile/threads';
import { capBit, type CapName } from './names.js';
import { LOCKED_SECUREBITS, UNSET_BY_LOCK } from './securebits.js';
import type { RawCapState } from './state.js';

/** Options of `drop()`. */
export interface DropOptions {
  /** Capabilities to keep in the effective and permitted (and bounding) sets. Default none. */
  keep?: CapName[];
  /** Drop the bounding set (except `keep`) where the process may, i.e. holds CAP_SETPCAP. Default true. */
  bounding?: boolean;
  /** Clear the ambient set. Default true. With false, ambient capabilities in `keep` survive. */
  ambient?: boolean;
  /** Lock securebits: root gains nothing at execve, no ambient raise, KEEP_CAPS locked off.
   *  Needs CAP_SETPCAP; without it drop() throws before changing anything. Default false. */
  lockSecurebits?: boolean;
}

/** What drop() will do, computed from the current state: pure data. */
export interface DropPlan {
  ops: ThreadOp[];
  keep: bigint;
  /** Capabilities in `keep` that the process does not hold (it cannot keep them). */
  notHeld: bigint;
  target: { effective: bigint; permitted: bigint; inheritable: bigint };
  ambient: boolean;
  bounding: { requested: boolean; allowed: boolean; drop: bigint };
  securebits: number | undefined;
  /** The calling thread's state once every op ran with errno 0: what `drop()` expects to read back. */
  after: RawCapState;
}

const CAP_SETPCAP = 8n;
const bit = (n: number | bigint): bigint => 1n << BigInt(n);

function flag(value: unknown, path: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalid(path, `must be a boolean, got ${JSON.stringify(value)}`);
  return value;
}

/** `keep` names → mask; unknown names are an error naming the bad entry. */
export function keepMask(keep: unknown): bigint {
  if (keep === undefined) return 0n;
  if (!Array.isArray(keep)) throw invalid('$.keep', 'must be an array of capability names');
  let mask = 0n;
  keep.forEach((name: unknown, i) => {
    const n = typeof name === 'string' ? capBit(name) : undefined;
    if (n === undefined) {
      throw invalid(`$.keep[${i}]`, `unknown capability ${JSON.stringify(name)} (use e.g. 'CAP_NET_BIND_SERVICE' or 'net_bind_service')`, { name });
    }
    mask |= bit(n);
  });
  return mask;
}

/**
 * Plans drop(): the ops every thread runs, in order — no_new_privs first (it always succeeds, so
 * every thread reached has it even if a later op fails), ambient, bounding (needs CAP_SETPCAP in
 * the effective set, raised from permitted if necessary), securebits, then capset last (it gives
 * up CAP_SETPCAP).
 */
export function planDrop(state: RawCapState, opts: DropOptions = {}): DropPlan {
  if (typeof opts !== 'object' || opts === null) throw invalid('$', 'must be an object');
  opts = ownData(opts);
  const keep = keepMask(opts.keep);
  const ambient = flag(opts.ambient, '$.ambient', true);
  const boundingRequested = flag(opts.bounding, '$.bounding', true);
  const lock = flag(opts.lockSecurebits, '$.lockSecurebits', false);

  const all = bit(state.lastCap + 1) - 1n;
  const permitted = state.permitted & keep;
  const target = {
    effective: permitted,
    permitted,
    inheritable: ambient ? 0n : state.inheritable & state.ambient & keep,
  };
  const hasSetpcap = (state.permitted & bit(CAP_SETPCAP)) !== 0n;
  if (lock && !hasSetpcap) {
    throw new ExileError(ErrorCodes.UNSUPPORTED,
      'lockSecurebits needs CAP_SETPCAP, which this process does not hold; nothing was changed', { option: 'lockSecurebits' });
  }
  const boundingDrop = boundingRequested && hasSetpcap ? state.bounding & ~keep & all : 0n;
  const securebits = lock ? (state.securebits | LOCKED_SECUREBITS) & ~UNSET_BY_LOCK : undefined;

  const ops: ThreadOp[] = [{ op: 'no-new-privs' }];
  if (ambient) ops.push({ op: 'clear-ambient' });
  const needSetpcap = boundingDrop !== 0n || securebits !== undefined;
  if (needSetpcap && (state.effective & bit(CAP_SETPCAP)) === 0n) {
    ops.push({ op: 'capset', effective: state.effective | bit(CAP_SETPCAP), permitted: state.permitted, inheritable: state.inheritable });
  }
  if (boundingDrop !== 0n) {
    const caps: number[] = [];
    for (let n = 0; n <= state.lastCap; n++) if (boundingDrop & bit(n)) caps.push(n);
    ops.push({ op: 'drop-bounding', caps });
  }
  if (securebits !== undefined) ops.push({ op: 'securebits', bits: securebits });
  ops.push({ op: 'capset', ...target });

  return {
    ops, keep, notHeld: keep & ~state.permitted, target, ambient,
    bounding: { requested: boundingRequested, allowed: hasSetpcap, drop: boundingDrop },
    securebits,
    after: {
      ...target,
      // capset keeps in the ambient set only what is both permitted and inheritable.
      ambient: ambient ? 0n : state.ambient & target.permitted & target.inheritable,
      bounding: state.bounding & ~boundingDrop,
      securebits: securebits ?? state.securebits,
      noNewPrivs: true,
      lastCap: state.lastCap,
    },
  };
}
