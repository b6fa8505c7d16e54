import { now } from '../clock.js';
import { ErrorCodes, ExileError, ownData } from '@exile/common';
import type { Policy } from '../policy/types.js';
import { LaunchedChild, planLaunch } from './child.js';
import type { Setup } from './protocol.js';
import { moduleUrl, sourceOf } from './target.js';

/** `launch()`'s policy: a Policy plus how long the child may run and what cancels it. */
export interface LaunchPolicy extends Policy {
  /** Kill the child and reject with ERR_EXILE_TIMEOUT after this many milliseconds. */
  timeoutMs?: number;
  /** Kill the child and reject with ERR_EXILE_ABORTED when this aborts. */
  signal?: AbortSignal;
  /** `false`: the child shares the caller's session (default: a new one, `setsid()`, so it cannot push input into the caller's terminal). */
  newSession?: boolean;
}

/** A module function to run: `{ module: './worker.js', export: 'parse' }` (default export `default`). */
export interface LaunchTarget {
  module: string | URL;
  export?: string;
}

/** A LaunchPolicy split into the sandbox and the limits on running it. */
export function splitLimits(policy: LaunchPolicy): { sandbox: Policy; timeoutMs: number | undefined; signal: AbortSignal | undefined; newSession: boolean | undefined } {
  // Own data only: an inherited timeoutMs or newSession is no one's choice.
  const { timeoutMs, signal, newSession, ...sandbox } = ownData(policy);
  return { sandbox, timeoutMs, signal, newSession };
}

/** Rejects with `error` once `ms` pass or `signal` aborts, after calling `stop(error)`; `clear()` disarms both. */
export function limits(api: string, timeoutMs: number | undefined, signal: AbortSignal | undefined, stop: (error: ExileError) => void): { clear: () => void } {
  const timer = timeoutMs === undefined ? undefined
    : setTimeout(() => stop(new ExileError(ErrorCodes.TIMEOUT, `${api}: no result within ${timeoutMs} ms; the child was killed`, { timeoutMs })), timeoutMs);
  const onAbort = () => stop(new ExileError(ErrorCodes.ABORTED, `${api}: aborted; the child was killed`, { reason: signal?.reason as unknown }));
  signal?.addEventListener('abort', onAbort, { once: true });
  return { clear: () => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort); } };
}

/**
 * Runs a function in a fresh Node child restricted by `policy`, and resolves with its result.
 * The child starts through `exile-launch`: namespaces, caps, no_new_privs and Landlock are
 * applied before exec, so every thread Node starts is covered; besides the policy's paths the
 * child may read only what Node needs to start (its binary, libraries and start-up files,
 * exile's bootstrap) and, for `{ module }`, the package that holds the module. Then the target
 * loads (modules, the function's source), the child installs the seccomp filter on every thread
 * (compiled here while the child starts) and calls it. Arguments and the result cross by
 * structured clone. What the function throws rejects as an `ExileRemoteError` (the original
 * name, message, code and stack under `remote`), never as an `ExileError`. A vow violation
 * (penalty `kill`) rejects with `ERR_EXILE_VIOLATION` naming the syscall and the vows that would
 * allow it; anything else the child does to the protocol kills it and rejects with
 * `ERR_EXILE_LAUNCH`. The child's stdout and stderr are pipes forwarded to this process's.
 * A plain function is sent by source and must not close over anything (checked here, refused
 * with `ERR_EXILE_INVALID_POLICY`); `{ module, export }` has no such limit. `policy.timeoutMs`
 * and `policy.signal` kill the child. The policy is validated and planned here first, so a bad
 * or (in strict mode) unenforceable one rejects before any child starts.
 */
export function launch<T>(policy: LaunchPolicy, target: ((...args: never[]) => T | Promise<T>) | LaunchTarget, ...args: unknown[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const start = now();
    const { sandbox, timeoutMs, signal, newSession } = splitLimits(policy);
    const sent: Setup['target'] = typeof target === 'function' ? { source: sourceOf(target) } : { module: moduleUrl(target.module, 'launch()', 'target.module') };
    const planned = planLaunch(sandbox, sent, 'launch()', start, { newSession });
    if (signal?.aborted) throw new ExileError(ErrorCodes.ABORTED, 'launch(): aborted before start', { reason: signal.reason as unknown });
    const child = new LaunchedChild(planned);
    const limit = limits('launch()', timeoutMs, signal, (error) => child.kill(error));
    // Settles once the child is gone, so everything it wrote has been forwarded.
    child.call({ ...(typeof target === 'function' ? {} : { export: target.export ?? 'default' }), args }, true).then(
      (value) => child.exited.then(() => resolve(value as T)),
      (error: Error) => child.exited.then(() => reject(error)),
    ).finally(limit.clear);
  });
}
