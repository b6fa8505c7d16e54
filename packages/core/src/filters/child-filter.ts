import { compile, constantSlots, type BpfProgram, type SeccompPolicy } from '@exile/seccomp';
import { seccompPolicy, NO_PID, type Vow } from '@exile/vows';
import type { Rule } from '../policy/types.js';

/**
 * The seccomp filter a child gets right before exec: the network and policy rules first, then the vows with
 * what any started program needs (`runtime: 'program'`: threads and a few start-up queries, not
 * the Node runtime list, which is for exile's own Node process). The filter is in force from the program's
 * first instruction, so what starting it needs is always granted — `exec` (the launcher's own
 * execve) and `prot_exec` (the dynamic loader maps libraries executable); the caller reports both.
 */
export const STARTUP_VOWS = ['exec', 'prot_exec'] as const satisfies readonly Vow[];

/**
 * The child's filter as a policy (also what `exile learn --format oci` writes for a container).
 * "Signals to self only" in the vows needs the program's pid, unknown before it starts: the
 * filter names `NO_PID` and exile-launch puts the real one into those instructions (`pidSlots`)
 * right before installing it.
 */
export function childSeccompPolicy(rules: Rule[], vows: Vow[] | undefined, penalty: 'kill' | 'errno', errno: string): SeccompPolicy {
  if (vows === undefined) return { defaultAction: 'allow', rules };
  return seccompPolicy([...new Set<Vow>([...vows, ...STARTUP_VOWS])], { penalty, errno, runtime: 'program', report: false, pid: NO_PID, rules });
}

/** A child's compiled filter and the instructions whose constant the launcher sets to the program's pid. */
export interface ChildFilter {
  program: BpfProgram;
  pidSlots: number[];
}

/** Compiles a child's filter policy and finds its pid slots. */
export function childFilterOf(policy: SeccompPolicy): ChildFilter {
  const program = compile(policy);
  return { program, pidSlots: constantSlots(program.instructions, NO_PID) };
}

export function childFilter(rules: Rule[], vows: Vow[] | undefined, penalty: 'kill' | 'errno', errno: string): ChildFilter {
  return childFilterOf(childSeccompPolicy(rules, vows, penalty, errno));
}
