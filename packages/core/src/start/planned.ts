import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { now } from '../clock.js';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, ExileError } from '@exile/common';
import { spawn as spawnLauncher, type LaunchOptions, type PreExecStep } from '@exile/namespaces';
import { notifyAvailable, type SeccompPolicy } from '@exile/seccomp';
import { openAuditReader, type AuditReader } from '@exile/landlock';
import { findStep, type LandlockStepSpec, type Plan, type Report, type ReportItem } from '../plan/types.js';
import type { NormalizedPolicy } from '../policy/types.js';
import { checkPaths } from '../policy/check-paths.js';
import { childFilterOf, childSeccompPolicy, STARTUP_VOWS } from '../filters/child-filter.js';
import { reportsRefusals, supervisedPolicy } from '../violations/supervised-filter.js';
import { diagnoseRules } from '../diagnose/observer.js';
import { handoverRules } from '../filters/listener-handover.js';
import { startSupervisor, type Supervisor } from '../violations/supervisor.js';
import { lineReporter, stderrOf } from '../violations/reporting.js';
import { sigsysLine } from '../violations/sigsys.js';
import { kernelLogFromNow, type KernelLogFromNow } from '../violations/kernel-log.js';
import { landlockDenialLines } from '../violations/landlock-denials.js';
import { denialsUnreadable, denialsUnrecorded, unseenDenialsLine } from '../violations/unseen-denials.js';
import { landlockPreExec } from './landlock-step.js';
import { launchOptions, viewCwd } from './launch-options.js';
import { describeGrants, programGrants } from '../program/grants.js';
import { terminalRules } from './terminal.js';
import { devicesFor } from '../plan/fs.js';
import type { PathRule } from '../plan/devices.js';

/** Node's spawn options for the program, minus what the policy decides. */
export type SpawnOptions = Omit<LaunchOptions, 'namespaces' | 'fs' | 'preExec'> & {
  /**
   * Write one line per distinct violation to the child's stderr (default true). The child emits
   * `'violation'` events either way.
   */
  reportViolations?: boolean;
  /**
   * Predict and report Landlock denials (`exile run --diagnose`): the calls that take a path or a
   * port are notified to this process, read, and checked against the program's Landlock ruleset
   * before they go on; each predicted denial is emitted as `'denial'` and written like a violation,
   * e.g. `exile: cat[1234]: read /etc/hostname denied by the file-system policy; add --ro /etc/hostname`.
   * An observer only (Landlock still decides), for fitting a policy: every such call gets slower.
   * Throws ERR_EXILE_UNSUPPORTED where seccomp user notification is unavailable.
   */
  diagnose?: boolean;
};

/** The child process, with what its sandbox enforces. */
export type SandboxedChild = ChildProcess & { report: Report };

const startupItems: Record<(typeof STARTUP_VOWS)[number], ReportItem> = {
  exec: { what: 'vows: no exec after start', mechanism: 'seccomp', enforced: false,
    detail: 'the filter is installed before the launcher execs the command, so exec stays allowed' },
  prot_exec: { what: 'vows: no executable memory after start', mechanism: 'seccomp', enforced: false,
    detail: 'the dynamic loader maps libraries executable under the filter, so PROT_EXEC stays allowed' },
};

type LandlockFs = NonNullable<LandlockStepSpec['fs']>;

/** What a launched Node reads on top of its policy's paths: whole paths, single rules (a module's code, file by file), and the report's lines on them. */
export type RuntimeGrants = Pick<LandlockFs, 'read' | 'exec'> & { rules?: PathRule[]; items?: ReportItem[] };

/** What a started program may use besides its policy's paths: what it needs to start, and the terminal it inherits. */
interface Extra {
  read: string[];
  exec: string[];
  rules: PathRule[];
  /** The program's files at the other paths it opens them by (`/lib64/ld-linux…`): only a mount view lacks those. */
  aliases: { source: string; target: string }[];
}

/**
 * The Landlock spec with `extra` granted too. Exact rules (devices, terminal) name paths that
 * some hosts lack (a container's /dev): those are left out rather than failing the start.
 */
function widened(spec: LandlockStepSpec, extra: Extra): LandlockStepSpec {
  if (spec.fs === undefined) return spec;
  const rules = [...(spec.fs.rules ?? []), ...extra.rules].filter((rule) => existsSync(rule.path));
  return { ...spec, fs: { ...spec.fs, read: [...spec.fs.read, ...extra.read], exec: [...spec.fs.exec, ...extra.exec],
    ...(rules.length > 0 ? { rules } : {}) } };
}

/** The steps with the mount view widened by `extra` (the mount fallback binds the files read-only). */
function withExtraMounts(steps: Plan['steps'], extra: Extra): Plan['steps'] {
  return steps.map((s) => (s.step === 'mounts' ? { ...s, read: [...s.read, ...extra.read], exec: [...s.exec, ...extra.exec], files: extra.aliases } : s));
}

/** A sandboxed child planned and compiled but not started yet: what it will enforce, and how to start it. */
export interface PendingChild {
  report: Report;
  start(): SandboxedChild;
  /**
   * A `launch` plan only (its start is exactly one launcher call: no supervisor, no exit hooks):
   * that call's arguments, for a caller that starts the launcher from another process (the pool's spawner).
   */
  launcher?: { command: string; args: string[]; options: LaunchOptions };
}

/**
 * Prepares `command` under a planned `child` or `launch` policy, to start through `exile-launch`.
 * A `child` plan gets every step before exec; a `launch` plan all but seccomp, which the launched
 * Node installs itself. `runtime`: paths a launched Node reads on top of the policy's.
 * `extraSteps`: pre-exec steps beyond the policy's (the recording filter of `learn()`).
 */
export function preparePlanned(planned: Plan, policy: NormalizedPolicy, command: string, args: string[], options: SpawnOptions,
  start: number, runtime?: RuntimeGrants, extraSteps: PreExecStep[] = []): PendingChild {
  checkPaths(policy.fs);
  const landlockStep = findStep(planned.steps, 'landlock');
  const restricted = landlockStep?.spec.fs !== undefined || findStep(planned.steps, 'mounts') !== undefined;
  const env = options.env ?? (options.clearEnv === true ? {} : process.env);
  const cwd = options.cwd instanceof URL ? fileURLToPath(options.cwd) : options.cwd ?? process.cwd();
  // A launched Node's needs are `runtime`; any other program's are read from its files.
  const program = restricted && planned.target === 'child' ? programGrants(command, env, cwd) : undefined;
  const extra: Extra = {
    read: [...(runtime?.read ?? []), ...(program?.read ?? [])],
    exec: [...(runtime?.exec ?? []), ...(program?.exec ?? [])],
    rules: [...(runtime?.rules ?? []), ...(policy.fs !== undefined && devicesFor(policy.fs, planned.target) ? terminalRules(options.stdio) : [])],
    aliases: program?.aliases ?? [],
  };
  // A pid namespace gets a fresh /proc from the launcher, and the policy's mounts are made there: their inodes exist only there.
  const namespaces = findStep(planned.steps, 'namespaces');
  const fresh = [...namespaces?.pid === true ? ['/proc'] : [], ...(namespaces?.view?.mounts ?? []).map((m) => m.target)];
  // Where this process can read the audit records (root: the audit netlink group, else the kernel
  // log), the program's Landlock denials are logged after its execve (not the launcher's before it)
  // and named from those records on exit; the kernel writes them only while its audit is on, so
  // elsewhere nothing changes.
  // (--diagnose reports the same denials, predicted: not twice.)
  const landlocked = landlockStep !== undefined && planned.target === 'child' && options.reportViolations !== false && options.diagnose !== true;
  const unreadable = landlocked ? denialsUnreadable() : undefined;
  const auditing = landlocked && unreadable === undefined;
  // Where files or ports are limited, a failure may be a refusal (scopes alone rarely explain one).
  const limitsAccess = landlockStep?.spec.fs !== undefined || landlockStep?.spec.net !== undefined;
  const landlockSpec = landlockStep && (auditing ? { ...landlockStep.spec, log: { sameExec: false, newExec: true } } : landlockStep.spec);
  const landlock = landlockSpec === undefined ? { items: [] } : landlockPreExec(widened(landlockSpec, extra), fresh);
  const programItems: ReportItem[] = program === undefined || program.files.length === 0 ? [] : [{
    what: 'file system: the program itself', mechanism: landlockStep === undefined ? 'mount namespace' : 'landlock', enforced: true, detail: describeGrants(program),
  }];
  // A launched Node installs its seccomp filter itself: only a `child` plan's goes before exec.
  const steps = withExtraMounts(planned.steps, extra);
  const preExec = { ...planned, steps: planned.target === 'child' ? steps : steps.filter((s) => s.step !== 'seccomp') };
  const seccomp = findStep(preExec.steps, 'seccomp');
  const { reportViolations, diagnose, ...nodeOptions } = options;
  if (diagnose === true && !notifyAvailable()) {
    throw new ExileError(ErrorCodes.UNSUPPORTED, 'diagnose needs seccomp user notification (Linux ≥ 5.5, and this process not already under a seccomp filter)', { what: 'user notification' });
  }
  // One listener per task: none of ours when an extra step brings its own (learn's recorder).
  const mayListen = planned.target === 'child' && !extraSteps.some((s) => s.type === 'seccomp' && s.listener !== undefined);
  // --diagnose watches the calls Landlock checks, against the ruleset the program really gets.
  const model = diagnose === true && mayListen ? landlock.model : undefined;
  const watched = model === undefined ? [] : diagnoseRules();
  // Violations of a started program are reported by a supervisor holding the filter's listener,
  // when the filter has any to report.
  // EXILE_NO_SUPERVISOR=1 (benchmarks, debugging): the program meets the plain filter, as before.
  const supervised = seccomp !== undefined && mayListen
    && (model !== undefined || (reportsRefusals(seccomp) && process.env.EXILE_NO_SUPERVISOR !== '1' && notifyAvailable()));
  const filterPolicy = seccomp && childSeccompPolicy(seccomp.rules, seccomp.vows, seccomp.penalty, seccomp.errno);
  const filter = filterPolicy && childFilterOf(supervised ? supervisedPolicy(filterPolicy, seccomp.rules.length, options.stdio, watched) : filterPolicy);
  // Without a seccomp policy, --diagnose brings a filter of its own that only watches.
  const observing = model !== undefined && filterPolicy === undefined ? childFilterOf({ defaultAction: 'allow', rules: [...handoverRules(options.stdio), ...watched] }) : undefined;
  const startup = STARTUP_VOWS.filter((v) => seccomp?.vows !== undefined && !seccomp.vows.includes(v)).map((v) => startupItems[v]);
  // A new session unless the caller asked to share its own (job control): see sessionItem().
  const launchWith = { ...nodeOptions, newSession: options.newSession ?? true, ...launchOptions(preExec, filter, landlock.step) };
  const view = findStep(preExec.steps, 'mounts');
  if (view !== undefined && options.cwd === undefined) launchWith.cwd = viewCwd(view, cwd);
  // First within their kind: a policy's vows would refuse installing a filter with a listener after them.
  if (extraSteps.length > 0) launchWith.preExec = [...extraSteps, ...(launchWith.preExec ?? [])];
  if (observing !== undefined) launchWith.preExec = [...(launchWith.preExec ?? []), { type: 'seccomp', filter: observing.program.instructions }];
  const diagnoseItems = diagnose === true ? [diagnoseItem(model !== undefined)] : [];
  // A runtime item is the planned one of the same name made specific (the launched module's code).
  const runtimeItems = runtime?.items ?? [];
  const plannedItems = planned.items.map((item) => {
    const specific = runtimeItems.find((r) => r.what === item.what);
    return specific === undefined ? item : { ...specific, mechanism: item.mechanism };
  });
  const extraItems = runtimeItems.filter((r) => !planned.items.some((item) => item.what === r.what));
  const report: Report = { mode: planned.mode, items: [...plannedItems, ...programItems, ...extraItems, ...landlock.items, ...startup, ...diagnoseItems], threads: 0, ms: now() - start };
  return {
    report,
    ...(planned.target === 'launch' ? { launcher: { command, args, options: launchWith } } : {}),
    start: () => {
      let supervisor: Supervisor | undefined;
      if (supervised && filterPolicy !== undefined) {
        supervisor = startSupervisor(filterPolicy, { granted: seccomp.vows && [...seccomp.vows, ...STARTUP_VOWS], rules: seccomp.rules,
          netRules: seccomp.rules.length - policy.syscalls.length }, model && { model, supervised: supervisedPolicy(filterPolicy, seccomp.rules.length, options.stdio) });
      } else if (observing !== undefined && model !== undefined) supervisor = startSupervisor(ALLOW_ALL, { granted: undefined, rules: [], netRules: 0 }, { model, supervised: ALLOW_ALL });
      // The audit records from before the program starts (not rate-limited as the kernel log is).
      const reader = auditing ? openAuditReader() : undefined;
      const records = reader === undefined || 'error' in reader ? undefined : reader;
      const log = auditing ? kernelLogFromNow() : undefined;
      let child: SandboxedChild;
      try {
        child = Object.assign(spawnLauncher(command, args, supervisor === undefined ? launchWith : { ...launchWith, preExec: withListener(launchWith.preExec, supervisor.listener.socket) }), { report });
      } catch (error) {
        supervisor?.listener.close();
        records?.close();
        log?.close();
        throw error;
      }
      supervisor?.listener.releaseSocket();
      const write = reportViolations === false ? undefined : stderrOf(options.stdio, child);
      const lines = lineReporter(write);
      supervisor?.attach(child, lines);
      // Only where stderr is not a pipe the caller reads: by the exit, that pipe may have ended.
      if (landlocked && child.stderr === null) {
        child.on('exit', (code, signal) => reportLandlockDenials(child.pid, command, write, auditing ? { records, log } : { unreadable: unreadable! },
          limitsAccess && !lines.killed() ? exitOf(code, signal) : undefined));
      } else {
        records?.close();
        log?.close();
      }
      // Without a supervisor a violation kills silently: say so, with the syscall where the kernel log tells it.
      if (supervisor === undefined && seccomp?.vows !== undefined && write !== undefined) {
        const killLog = kernelLogFromNow();
        child.on('exit', (_code, signal) => {
          if (signal === 'SIGSYS') write(sigsysLine(command, child.pid, killLog));
          killLog?.close();
        });
      }
      return child;
    },
  };
}

/** What --diagnose's own filter answers for the policy: everything is allowed. */
const ALLOW_ALL: SeccompPolicy = { defaultAction: 'allow', rules: [] };

/** The report's line for `diagnose`: whether there is a Landlock ruleset to predict. */
function diagnoseItem(active: boolean): ReportItem {
  return active
    ? { what: 'diagnose: predicted Landlock denials reported', mechanism: 'seccomp user notification', enforced: true,
      detail: 'an observer: calls taking a path or a port are read and checked before they go on; Landlock decides' }
    : { what: 'diagnose: predicted Landlock denials reported', mechanism: 'seccomp user notification', enforced: false,
      detail: 'nothing to predict: no Landlock ruleset limits files or ports here' };
}

/** How a program ended, said when it failed ("exited with status 1"); undefined on success, and on
 *  SIGSYS, whose line the seccomp side writes. */
function exitOf(code: number | null, signal: NodeJS.Signals | null): string | undefined {
  if (signal !== null) return signal === 'SIGSYS' ? undefined : `was killed by ${signal}`;
  return code === 0 ? undefined : `exited with status ${code ?? '?'}`;
}

/** Writes a line per Landlock denial of the sandbox started as `pid`, from the audit records and the
 *  kernel log's records since it started (the same record in both makes one line). A failed program
 *  with none named, where they cannot be seen, gets a line saying so and what names them. */
function reportLandlockDenials(pid: number | undefined, command: string, write: ((line: string) => void) | undefined,
  seen: { records: AuditReader | undefined; log: KernelLogFromNow | undefined } | { unreadable: string }, failed: string | undefined): void {
  const readable = 'unreadable' in seen ? undefined : seen;
  const read = [...readable?.records?.read() ?? [], ...readable?.log?.read() ?? []];
  readable?.records?.close();
  readable?.log?.close();
  if (pid === undefined || write === undefined) return;
  const lines = readable === undefined ? [] : landlockDenialLines(read, { pid, command });
  for (const line of lines) write(line);
  const why = lines.length === 0 && failed !== undefined ? ('unreadable' in seen ? seen.unreadable : denialsUnrecorded()) : undefined;
  if (why !== undefined) write(unseenDenialsLine(command, failed!, why));
}

/** The pre-exec steps with the supervisor's socket on the policy's seccomp step (the first one). */
function withListener(steps: PreExecStep[] | undefined, socket: number): PreExecStep[] | undefined {
  const at = steps?.findIndex((step) => step.type === 'seccomp') ?? -1;
  return steps?.map((step, i) => (i === at ? { ...step, listener: socket } : step));
}

/** `preparePlanned()`, started at once. */
export function startPlanned(planned: Plan, policy: NormalizedPolicy, command: string, args: string[], options: SpawnOptions,
  start: number, runtime?: RuntimeGrants, extraSteps: PreExecStep[] = []): SandboxedChild {
  return preparePlanned(planned, policy, command, args, options, start, runtime, extraSteps).start();
}
