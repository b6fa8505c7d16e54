import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { errnoName } from '@exile/common';
import { decide, nativeArch, openListener, threadGroup, type Listener, type Notification, type SeccompPolicy } from '@exile/seccomp';
import type { RulesetModel } from '@exile/landlock';
import { landlockObserver, type Diagnosis } from '../diagnose/observer.js';
import { callText } from './call-text.js';
import { explainViolation, SIGNAL_CALLS, signalsItself, type ViolationContext } from './explain-violation.js';
import type { Violation } from './violation.js';

/** Task `tid`'s process id as the process sees it: the last of NStgid, its own pid namespace's. */
function ownPid(tid: number): number | undefined {
  try {
    const found = /^NStgid:\s+([\d\s]+?)\s*$/m.exec(readFileSync(`/proc/${tid}/status`, 'utf8'));
    return found === null ? undefined : Number(found[1]!.split(/\s+/).at(-1));
  } catch {
    return undefined; // the task is gone
  }
}

function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/** Where a supervisor's findings go once the child is started. */
export interface Reports<C extends ChildProcess> {
  violation(v: Violation, child: C): void;
  denial(d: Diagnosis, child: C): void;
}

/** A running supervisor: the listener, and the child it reports to once started. */
export interface Supervisor {
  listener: Listener;
  /** The started child and how to report on it: from now on (and what came before). */
  attach<C extends ChildProcess>(child: C, reports: Reports<C>): void;
}

type Finding = { violation: Violation } | { denial: Diagnosis };

/**
 * Serves the listener of a child's supervised filter: each notified call is decoded, explained
 * and reported, then refused exactly as the unsupervised filter (`policy`) would: the errno it
 * names, or the process killed. It never lets a refused call through: enforcement does not depend
 * on the supervisor, whose death fails the call (ENOSYS). With `diagnose` (`--diagnose`), the calls
 * that take a path or a port are notified too: those `policy` allows are checked against the
 * Landlock ruleset `model` and then continue, for Landlock to decide; those it refuses by a rule
 * the filter `supervised` answers itself (the vows' own errno answers) are answered the same, unreported.
 */
export function startSupervisor(policy: SeccompPolicy, context: ViolationContext,
  diagnose?: { model: RulesetModel; supervised: SeccompPolicy }): Supervisor {
  const arch = nativeArch() ?? 'x86_64';
  let deliver: ((finding: Finding) => void) | undefined;
  const queued: Finding[] = [];
  const report = (finding: Finding): void => {
    if (deliver === undefined) queued.push(finding);
    else deliver(finding);
  };
  const observer = diagnose === undefined ? undefined : landlockObserver(diagnose.model, () => listener);
  const listener = openListener((n: Notification) => {
    let action: ReturnType<typeof decide> = 'kill-process';
    try {
      action = n.syscall === undefined ? 'kill-process' : decide(policy, arch, n.nr, n.args);
      const pid = threadGroup(n.pid) ?? n.pid;
      if (action === 'allow') {
        const syscall = n.syscall;
        // Only a call the filter notifies for --diagnose may go on: anything else is refused, as the filter meant.
        if (observer !== undefined && syscall !== undefined && observer.watches(syscall)) {
          for (const denial of observer.observe({ ...n, syscall }, pid, commandName(pid))) report({ denial });
          return;
        }
        action = { errno: constants.errno.ENOSYS };
      } else if (diagnose !== undefined && n.syscall !== undefined && observer?.watches(n.syscall) === true
        && decide(diagnose.supervised, arch, n.nr, n.args) !== 'notify') return;
      // A task gone (another thread's exit_group) has nothing left to refuse, nor anyone to tell.
      if (!existsSync(`/proc/${n.pid}`)) return;
      if (n.syscall !== undefined && SIGNAL_CALLS.has(n.syscall) && signalsItself(context, n.syscall, n.args, ownPid(n.pid))) {
        // Its pid cannot change while it waits here: the vows' own answer, for the process that asked.
        action = 'allow';
        return;
      }
      const { text, args } = callText(n.syscall ?? `syscall ${n.nr}`, n.args, { string: (address) => listener.readString(n, address) });
      const decided = typeof action === 'object' && 'errno' in action ? { errno: errnoName(Number(action.errno)) } : { kill: true as const };
      report({ violation: explainViolation(context, { pid, command: commandName(pid), syscall: n.syscall ?? `syscall ${n.nr}`, args: n.args, shown: args, text }, decided) });
    } finally {
      // Answered whatever happened above: what the policy allows goes on (Landlock still decides);
      // otherwise an errno exactly as the filter without a supervisor, else a kill.
      if (action === 'allow') listener.continue(n.id);
      else if (typeof action === 'object' && 'errno' in action) listener.deny(n.id, Number(action.errno));
      else listener.kill(n);
    }
  });
  return {
    listener,
    attach(child, reports) {
      deliver = (finding) => ('violation' in finding ? reports.violation(finding.violation, child) : reports.denial(finding.denial, child));
      for (const finding of queued.splice(0)) deliver(finding);
    },
  };
}
