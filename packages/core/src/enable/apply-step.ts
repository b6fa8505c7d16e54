import { install } from '@exile/seccomp';
import { count } from '@exile/threads';
import type { ReportItem, Step } from '../plan/types.js';
import type { PreparedSteps } from './prepare.js';

/**
 * Set once no_new_privs is on every thread (new threads inherit it, it cannot be unset): a later
 * enable() must not broadcast again, since its own earlier vows may refuse the signals that takes.
 */
let noNewPrivsEverywhere = false;

/** Whether an earlier enable() left no_new_privs on every thread: then nothing is prepared for it. */
export function noNewPrivsOnEveryThread(): boolean {
  return noNewPrivsEverywhere;
}

/**
 * Runs one step; returns report items learned while applying it (e.g. what Landlock dropped).
 * In parentheses, V8 compiles it when this module loads (an eager-compile hint), not at its first
 * call, inside apply().
 */
export const applyStep = (function applyStep(step: Step, prepared: PreparedSteps): ReportItem[] {
  switch (step.step) {
    case 'caps': {
      if (prepared.caps === undefined) throw new Error('internal: caps step without a prepared drop');
      // With Landlock to apply too, both go in one round over the threads, the restrict first (a
      // layer-limit refusal then changes no thread); the landlock step then only reports.
      const done = prepared.landlock?.enforceWithReport();
      if (done !== undefined) prepared.landlockDone = done.status;
      if (done !== undefined && done.threads === undefined) throw new Error('internal: caps ops without a broadcast report');
      const report = done?.threads === undefined ? prepared.caps.apply() : prepared.caps.finish(done.threads);
      prepared.threads ??= report.threads.reached;
      // The drop sets no_new_privs on every thread first: the no-new-privs step has nothing left to do.
      noNewPrivsEverywhere = true;
      // What an unprivileged process cannot drop is reported by @exile/caps with the reason.
      return report.bounding.requested && !report.bounding.enforced
        ? [{ what: 'capabilities: bounding set', mechanism: 'prctl(PR_CAPBSET_DROP)', enforced: false, detail: report.bounding.reason ?? 'not dropped' }]
        : [];
    }
    case 'no-new-privs':
      // Without a prepared broadcast a later step sets it on every thread (see prepareSteps).
      if (prepared.noNewPrivs !== undefined && !noNewPrivsEverywhere) {
        prepared.threads ??= prepared.noNewPrivs.run().reached;
        noNewPrivsEverywhere = true;
      }
      return [];
    case 'landlock': {
      if (prepared.landlock === undefined) throw new Error('internal: landlock step without a prepared ruleset');
      let status = prepared.landlockDone;
      if (status === undefined) {
        const done = prepared.landlock.enforceWithReport();
        status = done.status;
        if (status.threads > 0) prepared.threads ??= status.threads;
      }
      if (prepared.landlock.restricts) noNewPrivsEverywhere = true;
      // The rights left out are in the plan's items already; only notes on single rules are new.
      return status.notEnforced.filter((n) => n.required === undefined)
        .map((n) => ({ what: `landlock right ${n.what}`, mechanism: `landlock ABI ${status.abi}`, enforced: false, detail: n.reason }));
    }
    case 'seccomp':
      // Counted before the filter, which may refuse reading /proc.
      prepared.threads ??= count();
      if (prepared.rules) install(prepared.rules, { tsync: true });
      prepared.vows?.install();
      // TSYNC sets the calling thread's no_new_privs on every thread it gives the filter.
      noNewPrivsEverywhere = true;
      return [];
    case 'namespaces':
    case 'mounts':
      // The planner never gives these for the process target.
      throw new Error(`internal: ${step.step} step in-process`);
  }
});
