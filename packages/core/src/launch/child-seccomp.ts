import { compile } from '@exile/seccomp';
import { prepareVow, type CompiledVows } from '@exile/vows';
import type { Step } from '../plan/types.js';
import { processFilter, vowOptions } from '../enable/process-filter.js';

/**
 * The filter a launched child installs on itself: the same one `enable()` would install (rules,
 * then the vows with the Node runtime baseline), compiled here for the child's pid while the
 * child starts, so the child loads no compiler.
 */
export function childSeccomp(step: Extract<Step, { step: 'seccomp' }>, pid: number): CompiledVows {
  if (step.vows === undefined) return { instructions: compile(processFilter(step)).instructions, pid };
  return prepareVow(step.vows, { ...vowOptions(step), pid }).compiled;
}
