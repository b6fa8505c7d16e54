import type { Vow } from './names.js';
import type { ArgCheck } from './policy-types.js';

/** One allowed call shape: the syscall(s) with every argument check holding. */
export interface VowRule {
  readonly syscall: string | readonly string[];
  /** All must hold (AND). Several rules for one syscall are alternatives (OR). */
  readonly args?: readonly ArgCheck[];
  /** The rule applies only when these vows are granted as well (e.g. O_RDWR needs rpath and wpath). */
  readonly requires?: readonly Vow[];
  /** This argument must equal the pid of the process the filter is compiled for (signals to self only). */
  readonly selfPid?: 0;
}

/** What a vow grants: syscalls with any arguments, and syscalls with argument checks. */
export interface VowDefinition {
  readonly description: string;
  /** Allowed with any arguments. */
  readonly syscalls: readonly string[];
  /** Allowed only with the listed argument shapes. */
  readonly rules: readonly VowRule[];
}
