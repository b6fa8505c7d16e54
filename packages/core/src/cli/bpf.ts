import { compile, type BpfProgram } from '@exile/seccomp';
import { compile as compileVows } from '@exile/vows';
import type { Plan, Step } from '../plan/types.js';
import { childFilter } from '../spawn/child-filter.js';

/**
 * The seccomp programs a plan installs, labelled, for `exile explain --bpf`: in a process the
 * deny rules and the vows are two stacked filters; before a child's exec they are one.
 */
export function planFilters(plan: Plan): { label: string; program: BpfProgram }[] {
  const step = plan.steps.find((s): s is Extract<Step, { step: 'seccomp' }> => s.step === 'seccomp');
  if (step === undefined) return [];
  if (plan.target === 'child') return [{ label: 'filter installed before exec', program: childFilter(step.rules, step.vows, step.penalty, step.errno) }];
  const filters: { label: string; program: BpfProgram }[] = [];
  if (step.rules.length > 0) filters.push({ label: 'network and policy rules (default allow)', program: compile({ defaultAction: 'allow', rules: step.rules }) });
  if (step.vows !== undefined) {
    filters.push({ label: `vows "${step.vows.join(' ')}" (Node runtime baseline)`, program: compile(compileVows(step.vows, { penalty: step.penalty, errno: step.errno })) });
  }
  return filters;
}

/** Disassembly of every filter, each under a heading with its length. */
export function renderFilters(plan: Plan): string {
  const filters = planFilters(plan);
  if (filters.length === 0) return '\nno seccomp filter\n';
  return filters.map((f) => `\nseccomp: ${f.label}, ${f.program.length} instructions\n${f.program.disassemble()}\n`).join('');
}
