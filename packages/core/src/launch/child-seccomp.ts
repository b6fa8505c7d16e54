import { NO_PID, type CompiledVows } from '@exile/vows';
import type { Step } from '../plan/types.js';
import { prepareProcessFilter } from '../filters/process-filter.js';

/**
 * The filter a launched child installs on itself: the one `enable()` would install, as plain
 * data, so the child loads no compiler. Compiled for `NO_PID`, with the slots where each child
 * puts its own pid (instructions and the reporter's table), so every launch() and pool worker
 * with the same policy shares one compilation (prepareProcessFilter() keeps it): compiling takes
 * tens of milliseconds on this process's main thread, filling the slots microseconds in the child.
 */
export function childSeccomp(step: Extract<Step, { step: 'seccomp' }>): CompiledVows {
  const filter = prepareProcessFilter(step, NO_PID);
  return 'vows' in filter ? filter.vows.compiled : { instructions: filter.rules.instructions, pid: NO_PID, pidSlots: { instructions: [], table: [] } };
}
