import { dropOpsBeforeExec } from '@exile/caps';
import { compile } from '@exile/seccomp';
import type { LaunchOptions, Mount, PreExecStep } from '@exile/namespaces';
import { findStep, type Plan, type Step } from '../plan/types.js';

type Of<K extends Step['step']> = Extract<Step, { step: K }>;

/** The file-system view of the mount fallback: an empty root with only the policy's paths. */
export function mountView(step: Of<'mounts'>, pid: boolean): Mount[] {
  const bind = (source: string, readOnly: boolean, noexec: boolean): Mount => ({ type: 'bind', source, readOnly, noexec });
  const bound = [...step.read, ...step.write, ...step.exec];
  return [
    ...step.read.filter((p) => !step.exec.includes(p) && !step.write.includes(p)).map((p) => bind(p, true, true)),
    ...step.exec.map((p) => bind(p, true, false)),
    // Writable paths never execute: write-then-exec is the classic hole.
    ...step.write.map((p) => bind(p, false, true)),
    // The program's own files at the paths it opens them by, where no bind above already shows
    // the host's tree: PT_INTERP says /lib64/..., the loader's cache /lib/..., only the realpaths are bound.
    ...(step.files ?? []).filter((f) => !bound.some((p) => f.target === p || f.target.startsWith(`${p}/`)))
      .map((f): Mount => ({ type: 'bind', source: f.source, target: f.target, readOnly: true, noexec: false })),
    ...(step.devices ? [{ type: 'dev' } as const] : []),
    ...(pid ? [{ type: 'proc' } as const] : []),
  ];
}

/**
 * Where a program in the mount view starts: the caller's working directory when the view has it
 * (a bound path, below one, or above one: `--rw out` relative to it), as with Landlock; else the
 * view's root, as bubblewrap does.
 */
export function viewCwd(step: Of<'mounts'>, cwd: string): string | undefined {
  const has = [...step.read, ...step.write, ...step.exec].some((p) => cwd === p || cwd.startsWith(`${p}/`) || p.startsWith(`${cwd}/`));
  return has ? cwd : undefined;
}

/**
 * The `@exile/namespaces` launch options for a child plan: namespaces, the mount view, and
 * the pre-exec steps (caps → no_new_privs → Landlock → seccomp; the launcher orders them the
 * same way). `landlock` and `filter` are the plan's Landlock and seccomp steps, compiled (the
 * filter with the instructions the launcher sets to the program's pid).
 */
export function launchOptions(plan: Plan, filter: { program: { instructions: Uint8Array }; pidSlots: number[] } | undefined, landlock?: PreExecStep): Pick<LaunchOptions, 'namespaces' | 'fs' | 'preExec' | 'uid' | 'gid' | 'hostname'> {
  const options: Pick<LaunchOptions, 'namespaces' | 'fs' | 'preExec' | 'uid' | 'gid' | 'hostname'> = {};
  // A pid namespace gets a fresh /proc: in the mount view, or over the host's tree.
  const pid = findStep(plan.steps, 'namespaces')?.pid === true;
  const preExec: PreExecStep[] = [];
  for (const step of plan.steps) {
    switch (step.step) {
      case 'namespaces': {
        const { step: _step, view, ...namespaces } = step;
        options.namespaces = namespaces;
        if (view?.uid !== undefined) options.uid = view.uid;
        if (view?.gid !== undefined) options.gid = view.gid;
        if (view?.hostname !== undefined) options.hostname = view.hostname;
        break;
      }
      case 'mounts':
        options.fs = { root: 'empty', mounts: mountView(step, pid) };
        break;
      case 'caps':
        // @exile/caps' drop() recipe, for the launcher's capabilities right before exec.
        preExec.push({ type: 'caps', ops: dropOpsBeforeExec({ keep: step.keep }, { userNamespace: findStep(plan.steps, 'namespaces')?.user === true }) });
        break;
      case 'no-new-privs':
        preExec.push({ type: 'no-new-privs' });
        break;
      case 'seccomp':
        if (filter === undefined) throw new Error('internal: seccomp step without a compiled filter');
        preExec.push({ type: 'seccomp', filter: filter.program.instructions, ...(filter.pidSlots.length > 0 ? { pidSlots: filter.pidSlots } : {}) });
        // The profile after exile's own filter: the kernel runs both, the stricter answer wins.
        if (step.profile !== undefined) preExec.push({ type: 'seccomp', filter: compile(step.profile).instructions });
        break;
      case 'landlock':
        // Nothing to add when this kernel's ABI handles none of the rights (best-effort reported it).
        if (landlock !== undefined) preExec.push(landlock);
        break;
    }
  }
  // A pid namespace on the host's tree: a fresh /proc over the host's one.
  if (options.fs === undefined && pid) options.fs = { root: 'host', mounts: [{ type: 'proc' }] };
  // The policy's own mounts go on top of whichever view that is.
  const mounts = findStep(plan.steps, 'namespaces')?.view?.mounts;
  if (mounts !== undefined) options.fs = { root: options.fs?.root ?? 'host', mounts: [...options.fs?.mounts ?? [], ...mounts] };
  if (preExec.length > 0) options.preExec = preExec;
  return options;
}
