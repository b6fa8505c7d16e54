import type { CompiledVows } from '@exile/vows';
import type { Step } from '../plan/types.js';
import { prepareProcessFilter } from '../enable/process-filter.js';

/**
 * The filter a launched child installs on itself: the one `enable()` would install, compiled
 * here for the child's pid while the child starts, as plain data, so the child loads no compiler.
 */
export function childSeccomp(step: Extract<Step, { step: 'seccomp' }>, pid: number): CompiledVows {
  const filter = prepareProcessFilter(step, pid);
  return 'vows' in filter ? filter.vows.compiled : { instructions: filter.rules.instructions, pid };
}
