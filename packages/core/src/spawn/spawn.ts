import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { spawn as launch, type LaunchOptions } from '@exile/namespaces';
import { plan } from '../plan/plan.js';
import type { Report, ReportItem, Step } from '../plan/types.js';
import type { Policy } from '../policy/types.js';
import { validatePolicy } from '../policy/validate.js';
import { checkPaths } from '../enable/prepare.js';
import { probe } from '../probe.js';
import { childFilter, STARTUP_VOWS } from './child-filter.js';
import { landlockPreExec } from './landlock-step.js';
import { launchOptions } from './launch-options.js';

/** Node's spawn options for the program, minus what the policy decides. */
export type SpawnOptions = Omit<LaunchOptions, 'namespaces' | 'fs' | 'preExec'>;

/** The child process, with what its sandbox enforces. */
export type SandboxedChild = ChildProcess & { report: Report };

const startupItems: Record<(typeof STARTUP_VOWS)[number], ReportItem> = {
  exec: { what: 'vows: no exec after start', mechanism: 'seccomp', enforced: false,
    detail: 'the filter is installed before the launcher execs the command, so exec stays allowed' },
  prot_exec: { what: 'vows: no executable memory after start', mechanism: 'seccomp', enforced: false,
    detail: 'the dynamic loader maps libraries executable under the filter, so PROT_EXEC stays allowed' },
};

/**
 * Starts `command` in a sandbox made from `policy`, through `exile-launch`: namespaces, the
 * file-system view, then Landlock → caps → no_new_privs → seccomp before execve, so every thread of the
 * program inherits them. Validation, planning (strict mode refuses what this kernel cannot
 * enforce) and BPF compilation happen here and throw synchronously; a failure while the
 * launcher sets up the sandbox is emitted as 'error' (`ERR_EXILE_LAUNCH`) before 'exit'.
 * Returns Node's `ChildProcess` with `report` added.
 */
export function spawn(policy: Policy, command: string, args: string[] = [], options: SpawnOptions = {}): SandboxedChild {
  const start = performance.now();
  const normalized = validatePolicy(policy);
  const planned = plan(normalized, probe(), 'child');
  checkPaths(normalized.fs);
  const landlockStep = planned.steps.find((s): s is Extract<Step, { step: 'landlock' }> => s.step === 'landlock');
  const landlock = landlockStep === undefined ? { items: [] } : landlockPreExec(landlockStep.spec);
  const seccomp = planned.steps.find((s): s is Extract<Step, { step: 'seccomp' }> => s.step === 'seccomp');
  const filter = seccomp && childFilter(seccomp.rules, seccomp.vows, seccomp.penalty, seccomp.errno).instructions;
  const extra = STARTUP_VOWS.filter((v) => seccomp?.vows !== undefined && !seccomp.vows.includes(v)).map((v) => startupItems[v]);
  const child = launch(command, args, { ...options, ...launchOptions(planned, filter, landlock.step) }) as SandboxedChild;
  child.report = { mode: planned.mode, items: [...planned.items, ...landlock.items, ...extra], threads: 0, ms: performance.now() - start };
  return child;
}
