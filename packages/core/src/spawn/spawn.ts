import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { spawn as launch, type LaunchOptions } from '@exile/namespaces';
import { plan } from '../plan/plan.js';
import { findStep, type LandlockStepSpec, type Plan, type Report, type ReportItem } from '../plan/types.js';
import type { NormalizedPolicy, Policy } from '../policy/types.js';
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

type LandlockFs = NonNullable<LandlockStepSpec['fs']>;

/** The Landlock spec with `extra` paths readable and executable too (a launched Node's runtime). */
function widened(spec: LandlockStepSpec, extra: Pick<LandlockFs, 'read' | 'exec'> | undefined): LandlockStepSpec {
  if (extra === undefined || spec.fs === undefined) return spec;
  return { ...spec, fs: { read: [...spec.fs.read, ...extra.read], write: spec.fs.write, exec: [...spec.fs.exec, ...extra.exec] } };
}

/**
 * Starts `command` under a planned `child` or `launch` policy through `exile-launch`. A `child`
 * plan gets every step before exec; a `launch` plan all but seccomp, which the launched Node
 * installs itself. `runtime`: paths a launched Node reads on top of the policy's.
 */
export function startPlanned(planned: Plan, policy: NormalizedPolicy, command: string, args: string[], options: SpawnOptions,
  start: number, runtime?: Pick<LandlockFs, 'read' | 'exec'>): SandboxedChild {
  checkPaths(policy.fs);
  const landlockStep = findStep(planned.steps, 'landlock');
  const landlock = landlockStep === undefined ? { items: [] } : landlockPreExec(widened(landlockStep.spec, runtime));
  // A launched Node installs its seccomp filter itself: only a `child` plan's goes before exec.
  const preExec = planned.target === 'child' ? planned : { ...planned, steps: planned.steps.filter((s) => s.step !== 'seccomp') };
  const seccomp = findStep(preExec.steps, 'seccomp');
  const filter = seccomp && childFilter(seccomp.rules, seccomp.vows, seccomp.penalty, seccomp.errno).instructions;
  const extra = STARTUP_VOWS.filter((v) => seccomp?.vows !== undefined && !seccomp.vows.includes(v)).map((v) => startupItems[v]);
  const child = launch(command, args, { ...options, ...launchOptions(preExec, filter, landlock.step) }) as SandboxedChild;
  child.report = { mode: planned.mode, items: [...planned.items, ...landlock.items, ...extra], threads: 0, ms: performance.now() - start };
  return child;
}

/**
 * Starts `command` in a sandbox made from `policy`, through `exile-launch`: namespaces, the
 * file-system view, then caps → no_new_privs → Landlock → seccomp before execve, so every thread of the
 * program inherits them. Validation, planning (strict mode refuses what this kernel cannot
 * enforce) and BPF compilation happen here and throw synchronously; a failure while the
 * launcher sets up the sandbox is emitted as 'error' (`ERR_EXILE_LAUNCH`) before 'exit'.
 * Returns Node's `ChildProcess` with `report` added.
 */
export function spawn(policy: Policy, command: string, args: string[] = [], options: SpawnOptions = {}): SandboxedChild {
  const start = performance.now();
  const normalized = validatePolicy(policy);
  return startPlanned(plan(normalized, probe(), 'child'), normalized, command, args, options, start);
}
