import { compile, type BpfProgram } from '@exile/seccomp';
import { compile as compileVows, type Vow } from '@exile/vows';
import type { Rule } from '../policy/types.js';

/**
 * "Signals to self only" in the vows needs the program's pid, unknown before it starts. An
 * impossible pid (above any pid_max) makes self-signals fail too, instead of letting the program
 * signal us.
 */
const NO_PID = 0x7fffffff;

/**
 * The seccomp filter a child gets right before exec: the network and policy rules first, then the vows with
 * pure pledge semantics (no Node runtime baseline). The filter is in force from the program's
 * first instruction, so what starting it needs is always granted — `exec` (the launcher's own
 * execve) and `prot_exec` (the dynamic loader maps libraries executable); the caller reports both.
 */
export const STARTUP_VOWS = ['exec', 'prot_exec'] as const satisfies readonly Vow[];

export function childFilter(rules: Rule[], vows: Vow[] | undefined, penalty: 'kill' | 'errno', errno: string): BpfProgram {
  if (vows === undefined) return compile({ defaultAction: 'allow', rules });
  return compile(compileVows([...new Set<Vow>([...vows, ...STARTUP_VOWS])], { penalty, errno, runtime: 'none', report: false, pid: NO_PID, rules }));
}
