import { compile, type BpfProgram } from '@exile/seccomp';
import { processFilter } from '../filters/process-filter.js';
import { findStep, type Plan } from '../plan/types.js';
import { childFilter } from '../filters/child-filter.js';

/** The seccomp filter a plan installs, labelled, for `exile explain --bpf` (one filter on either side). */
export function planFilters(plan: Plan): { label: string; program: BpfProgram }[] {
  const step = findStep(plan.steps, 'seccomp');
  if (step === undefined) return [];
  if (plan.target === 'child') {
    return [
      { label: 'filter installed before exec', program: childFilter(step.rules, step.vows, step.penalty, step.errno).program },
      ...(step.profile ? [{ label: 'seccomp profile, installed after it', program: compile(step.profile) }] : []),
    ];
  }
  const label = step.vows === undefined ? 'network and policy rules (default allow)'
    : `${step.rules.length > 0 ? 'network and policy rules, then ' : ''}vows "${step.vows.join(' ')}" (Node runtime baseline)`;
  return [{ label, program: compile(processFilter(step)) }];
}

/** Disassembly of every filter, each under a heading with its length. */
export function renderFilters(plan: Plan): string {
  const filters = planFilters(plan);
  if (filters.length === 0) return '\nno seccomp filter\n';
  return filters.map((f) => `\nseccomp: ${f.label}, ${f.program.length} instructions\n${f.program.disassemble()}\n`).join('');
}
