import type { Cap } from '@exile/caps';
import type { FsAccess, Scope } from '@exile/landlock';
import type { Vow } from '@exile/vows';
import type { SeccompPolicy } from '@exile/seccomp';
import type { PolicyMount, Rule } from '../policy/types.js';

/** One line of a `Report`: something the policy asked for, how it is (or is not) enforced. */
export interface ReportItem {
  what: string;
  mechanism: string;
  enforced: boolean;
  detail?: string;
}

/** What `enable` / `spawn` / `launch` enforced. Every requested item is listed, enforced or not. */
export interface Report {
  mode: 'strict' | 'best-effort';
  items: ReportItem[];
  /** Threads restricted (in-process), or 0 for a child (all its threads inherit the restrictions). */
  threads: number;
  /** Time spent applying the policy. */
  ms: number;
}

/** A planned item; `required` ones make strict mode fail when they cannot be enforced. */
export interface PlannedItem extends ReportItem {
  required: boolean;
}

/** Landlock rules in @exile/landlock's precise vocabulary (the shape of its `LandlockSpec`). */
export interface LandlockStepSpec {
  /** `rules`: exile's own grants with exact rights (the device set, the program being started). */
  fs?: { read: string[]; write: string[]; exec: string[]; rules?: { path: string; access: FsAccess[] }[]; makeDevices?: string[]; sockets?: string[] };
  net?: { bindTcp: number[]; connectTcp: number[] };
  /** IPC scopes (ABI ≥ 6): no signals or abstract-socket connections out of the sandbox. */
  scope?: Scope[];
  /** Audit logging of the domain's denials (exile run reads them back to name a denial). */
  log?: { sameExec?: boolean; newExec?: boolean };
  compat: 'hard' | 'best-effort';
}

/** One restriction step, as plain data; executed in this order. */
export type Step =
  | { step: 'namespaces'; user: boolean; mount: boolean; net: boolean; pid: boolean; ipc: boolean; uts: boolean; cgroup: boolean; view?: View }
  | { step: 'mounts'; read: string[]; write: string[]; exec: string[]; devices: boolean; files?: { source: string; target: string }[] }
  | { step: 'caps'; keep: Cap[] }
  | { step: 'no-new-privs' }
  | { step: 'landlock'; spec: LandlockStepSpec }
  | { step: 'seccomp'; rules: Rule[]; vows: Vow[] | undefined; penalty: 'kill' | 'errno'; errno: 'EPERM' | 'ENOSYS'; profile?: SeccompPolicy };

/** Who the program is and what it sees inside its namespaces: the policy's uid, gid, hostname and mounts. */
export interface View {
  uid?: number;
  gid?: number;
  hostname?: string;
  mounts?: PolicyMount[];
}

/**
 * Where a policy is applied: this running process (`enable`), a new program before it execs
 * (`spawn`, `exile run`), or a Node child started for `launch`: namespaces, Landlock, caps and
 * no_new_privs before exec, seccomp in the child once its target is loaded.
 */
export type Target = 'process' | 'child' | 'launch';

/** The step of one kind in a plan's steps, if there is one. */
export function findStep<K extends Step['step']>(steps: readonly Step[], kind: K): Extract<Step, { step: K }> | undefined {
  return steps.find((s): s is Extract<Step, { step: K }> => s.step === kind);
}

/** Namespaces, mount views and pre-exec Landlock are set up by exile-launch for these targets. */
export function startsChild(target: Target): boolean {
  return target !== 'process';
}

/** The seccomp filter is installed by a running Node process (TSYNC, with the violation reporter). */
export function seccompInProcess(target: Target): boolean {
  return target !== 'child';
}

/** The decisions for one policy on one kernel: ordered steps and the report items they give. */
export interface Plan {
  target: Target;
  mode: 'strict' | 'best-effort';
  steps: Step[];
  items: ReportItem[];
}
