import { install } from '@exile/seccomp';
import { broadcast } from '@exile/threads';
import type { ReportItem, Step } from '../plan/types.js';
import type { PreparedSteps } from './prepare.js';

/**
 * Set once no_new_privs is on every thread (new threads inherit it, it cannot be unset): a later
 * enable() must not broadcast again, since its own earlier vows may refuse the signals that takes.
 */
let noNewPrivsEverywhere = false;

/** Runs one step; returns report items learned while applying it (e.g. what Landlock dropped). */
export function applyStep(step: Step, prepared: PreparedSteps): ReportItem[] {
  switch (step.step) {
    case 'caps': {
      if (prepared.caps === undefined) throw new Error('internal: caps step without a prepared drop');
      // With Landlock to apply too, both go in one round over the threads, the restrict first (a
      // layer-limit refusal then changes no thread); the landlock step then only reports.
      const done = prepared.landlock?.enforceWith(prepared.caps.ops);
      if (done !== undefined) prepared.landlockDone = done.status;
      const threads = done === undefined ? broadcast(prepared.caps.ops) : done.threads;
      if (threads === undefined) throw new Error('internal: caps ops without a broadcast report');
      const report = prepared.caps.finish(threads);
      // The drop sets no_new_privs on every thread first: the no-new-privs step has nothing left to do.
      noNewPrivsEverywhere = true;
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
      if (prepared.landlock === undefined) throw new Error('internal: landlock step without a prepared ruleset');
      const status = prepared.landlockDone ?? prepared.landlock.enforce();
      // The rights left out are in the plan's items already; only notes on single rules are new.
      return status.notEnforced.filter((n) => n.required === undefined)
        .map((n) => ({ what: `landlock right ${n.what}`, mechanism: `landlock ABI ${status.abi}`, enforced: false, detail: n.reason }));
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
