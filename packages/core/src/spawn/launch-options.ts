import { CAP_NAMES } from '@exile/caps';
import type { LaunchOptions, Mount, PreExecStep } from '@exile/namespaces';
import { findStep, type Plan, type Step } from '../plan/types.js';

type Of<K extends Step['step']> = Extract<Step, { step: K }>;

/** The file-system view of the mount fallback: an empty root with only the policy's paths. */
export function mountView(step: Of<'mounts'>, pid: boolean): Mount[] {
  const bind = (source: string, readOnly: boolean, noexec: boolean): Mount => ({ type: 'bind', source, readOnly, noexec });
  return [
    ...step.read.filter((p) => !step.exec.includes(p) && !step.write.includes(p)).map((p) => bind(p, true, true)),
    ...step.exec.map((p) => bind(p, true, false)),
    // Writable paths never execute: write-then-exec is the classic hole.
    ...step.write.map((p) => bind(p, false, true)),
    { type: 'dev' },
    ...(pid ? [{ type: 'proc' } as const] : []),
  ];
}

/**
 * The `@exile/namespaces` launch options for a child plan: namespaces, the mount view, and
 * the pre-exec steps (caps → no_new_privs → Landlock → seccomp; the launcher orders them the
 * same way). `landlock` and `filter` are the plan's Landlock and seccomp steps, compiled.
 */
export function launchOptions(plan: Plan, filter: Uint8Array | undefined, landlock?: PreExecStep): Pick<LaunchOptions, 'namespaces' | 'fs' | 'preExec'> {
  const options: Pick<LaunchOptions, 'namespaces' | 'fs' | 'preExec'> = {};
  // A pid namespace gets a fresh /proc: in the mount view, or over the host's tree.
  const pid = findStep(plan.steps, 'namespaces')?.pid === true;
  const preExec: PreExecStep[] = [];
  for (const step of plan.steps) {
    switch (step.step) {
      case 'namespaces': {
        const { step: _step, ...namespaces } = step;
        options.namespaces = namespaces;
        break;
      }
      case 'mounts':
        options.fs = { root: 'empty', mounts: mountView(step, pid) };
        break;
      case 'caps':
        preExec.push({ type: 'caps', keep: step.keep.map((cap) => CAP_NAMES.indexOf(cap)) });
        break;
      case 'no-new-privs':
        preExec.push({ type: 'no-new-privs' });
        break;
      case 'seccomp':
        if (filter === undefined) throw new Error('internal: seccomp step without a compiled filter');
        preExec.push({ type: 'seccomp', filter });
        break;
      case 'landlock':
        // Nothing to add when this kernel's ABI handles none of the rights (best-effort reported it).
        if (landlock !== undefined) preExec.push(landlock);
        break;
    }
  }
  // A pid namespace on the host's tree: a fresh /proc over the host's one.
  if (options.fs === undefined && pid) options.fs = { root: 'host', mounts: [{ type: 'proc' }] };
  if (preExec.length > 0) options.preExec = preExec;
  return options;
}
