import { now } from '../clock.js';
import { ErrorCodes, ExileError } from '@exile/common';
import { count } from '@exile/threads';
import { plan } from '../plan/plan.js';
import type { Report, ReportItem } from '../plan/types.js';
import type { Policy } from '../policy/types.js';
import { validatePolicy } from '../policy/validate.js';
import { applyStep } from './apply-step.js';
import { enableFeatures } from './features.js';
import { prepareSteps } from './prepare.js';

/** A policy checked and compiled for this process but not applied yet: what `prepare()` returns. */
export interface PreparedPolicy {
  /** What `apply()` will enforce, item by item; `threads` is 0 and `ms` the time `prepare()` took. */
  readonly report: Report;
  /**
   * Applies the policy to this process, every thread: caps → no_new_privs → Landlock → seccomp,
   * signalling the threads at most once (seccomp's TSYNC and, on ABI ≥ 8, Landlock's need no signal).
   * The point of no return; it does only what cannot be done in advance. Returns what is
   * enforced, with the thread count and the time `apply()` itself took. Once per prepared policy.
   *
   * @throws ExileError ERR_EXILE_THREADS (a thread was not reached: treat the process as lost),
   *   ERR_EXILE_IO_URING, ERR_EXILE_INVALID_POLICY (already applied).
   */
  apply(): Report;
}

/**
 * The first half of `enable()`: validates `policy`, plans it against this kernel, compiles the
 * seccomp filter (reused from an earlier `prepare()` of the same vows and rules in this process),
 * opens every path into the Landlock ruleset and prepares the one broadcast that reaches every
 * thread — all that can fail for a reason known in advance — and changes nothing.
 * A server can prepare at start-up and `apply()` at the moment it must be sandboxed.
 *
 * @example
 * const prepared = prepare({ fs: { read: ['/srv/app'] }, net: false, vows: 'stdio rpath' });
 * // … load what the sandbox would forbid …
 * prepared.apply();
 *
 * @throws ExileError ERR_EXILE_INVALID_POLICY / ERR_EXILE_UNKNOWN_VOW / ERR_EXILE_UNKNOWN_SYSCALL
 *   (with the JSON path), ERR_EXILE_UNSUPPORTED.
 */
export function prepare(policy: Policy): PreparedPolicy {
  const start = now();
  const normalized = validatePolicy(policy);
  const features = enableFeatures();
  const planned = plan(normalized, features, 'process');
  const steps = prepareSteps(planned, normalized, features.ioUring);
  // Node creates stdout/stderr lazily, with syscalls (getsockname, ioctl) that vows may not grant:
  // create them now, or the first error message after apply() would die instead of printing.
  for (const stream of [process.stdout, process.stderr]) void stream.fd;
  let applied = false;
  return {
    report: { mode: planned.mode, items: planned.items, threads: 0, ms: now() - start },
    // In parentheses, V8 compiles apply() with prepare() (an eager-compile hint), not at its first
    // call: it is the point of no return, and compiling it there took longer than running it.
    apply: (function apply(): Report {
      if (applied) throw new ExileError(ErrorCodes.INVALID_POLICY, 'this prepared policy was applied already; prepare() it again to apply another layer', {});
      applied = true;
      const begin = now();
      const learned: ReportItem[] = [];
      for (const step of planned.steps) learned.push(...applyStep(step, steps));
      // The threads the broadcast reached, or counted before seccomp's TSYNC reached them all.
      const threads = steps.threads ?? count();
      return { mode: planned.mode, items: [...planned.items, ...learned], threads, ms: now() - begin };
    }),
  };
}

/**
 * Restricts this running process — every thread — to `policy`: `prepare(policy).apply()`.
 * A policy that is invalid or (in strict mode) not enforceable here throws before anything
 * changes. Returns what is enforced, item by item, `ms` being the whole call. Namespaces need a
 * child: use `spawn`/`launch`.
 *
 * @throws ExileError ERR_EXILE_INVALID_POLICY / ERR_EXILE_UNKNOWN_VOW / ERR_EXILE_UNKNOWN_SYSCALL
 *   (with the JSON path), ERR_EXILE_UNSUPPORTED, ERR_EXILE_IO_URING, ERR_EXILE_THREADS.
 */
export function enable(policy: Policy): Report {
  const prepared = prepare(policy);
  const report = prepared.apply();
  return { ...report, ms: prepared.report.ms + report.ms };
}
