import { performance } from 'node:perf_hooks';
import { drop } from '@exile/caps';
import { restrict } from '@exile/landlock';
import { install } from '@exile/seccomp';
import { broadcast, list } from '@exile/threads';
import { plan } from '../plan/plan.js';
import type { Report, ReportItem, Step } from '../plan/types.js';
import type { Policy } from '../policy/types.js';
import { validatePolicy } from '../policy/validate.js';
import { enableFeatures } from './features.js';
import { prepare, type Prepared } from './prepare.js';

/**
 * Set once no_new_privs is on every thread (new threads inherit it, it cannot be unset): a later
 * enable() must not broadcast again, since its own earlier vows may refuse the signals that takes.
 */
let noNewPrivsEverywhere = false;

/** Runs one step; returns report items learned while applying it (e.g. what Landlock dropped). */
function apply(step: Step, prepared: Prepared): ReportItem[] {
  switch (step.step) {
    case 'caps': {
      const report = drop({ keep: step.keep });
      // What an unprivileged process cannot drop is reported by @exile/caps with the reason.
      return report.bounding.requested && !report.bounding.enforced
        ? [{ what: 'capabilities: bounding set', mechanism: 'prctl(PR_CAPBSET_DROP)', enforced: false, detail: report.bounding.reason ?? 'not dropped' }]
        : [];
    }
    case 'no-new-privs':
      if (!noNewPrivsEverywhere) broadcast([{ op: 'no-new-privs' }]);
      noNewPrivsEverywhere = true;
      return [];
    case 'landlock': {
      const status = restrict(step.spec);
      // With a socket filter in place, Landlock's missing UDP rights are covered by seccomp.
      const covered = prepared.socketFilter ? ' (new UDP sockets are refused by the seccomp socket filter)' : '';
      return status.notEnforced.map((n) => ({
        what: `landlock right ${n.what}`, mechanism: `landlock ABI ${status.abi}`, enforced: false,
        detail: `${n.reason}${n.what.startsWith('net:') ? covered : ''}`,
      }));
    }
    case 'seccomp':
      if (prepared.rules) install(prepared.rules, { tsync: true });
      prepared.vows?.install();
      return [];
    case 'namespaces':
    case 'mounts':
      // The planner never gives these for the process target.
      throw new Error(`internal: ${step.step} step in-process`);
  }
}

/**
 * Restricts this running process — every thread — to `policy`: validate → prepare (compile
 * BPF, check vows and paths) → point of no return → caps → no_new_privs → Landlock → seccomp.
 * A policy that is invalid or (in strict mode) not enforceable here throws before anything
 * changes. Returns what is enforced, item by item. Namespaces need a child: use `spawn`/`launch`.
 *
 * @throws ExileError ERR_EXILE_INVALID_POLICY / ERR_EXILE_UNKNOWN_VOW / ERR_EXILE_UNKNOWN_SYSCALL
 *   (with the JSON path), ERR_EXILE_UNSUPPORTED, ERR_EXILE_IO_URING, ERR_EXILE_THREADS.
 */
export function enable(policy: Policy): Report {
  const start = performance.now();
  const normalized = validatePolicy(policy);
  const planned = plan(normalized, enableFeatures(), 'process');
  const prepared = prepare(planned, normalized);
  // Node creates stdout/stderr lazily, with syscalls (getsockname, ioctl) that vows may not grant:
  // create them now, or the first error message after enable() would die instead of printing.
  for (const stream of [process.stdout, process.stderr]) void stream.fd;
  // Counted now: afterwards the policy may hide /proc. TSYNC and the broadcast reach every thread.
  const threads = list().length;
  // Point of no return.
  const learned = planned.steps.flatMap((step) => apply(step, prepared));
  return { mode: planned.mode, items: [...planned.items, ...learned], threads, ms: performance.now() - start };
}
