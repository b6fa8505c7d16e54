import { compile, type BpfProgram, type SeccompPolicy } from '@exile/seccomp';
import { compile as compileVows, prepareVow, type PreparedVows, type VowOptions } from '@exile/vows';
import type { Step } from '../plan/types.js';

type SeccompStep = Extract<Step, { step: 'seccomp' }>;

/** The vow options of the in-process filter: the network and policy rules are tried first, so a policy `allow` rule widens the vows. */
export function vowOptions(step: SeccompStep): VowOptions {
  return { penalty: step.penalty, errno: step.errno, rules: step.rules };
}

/**
 * The one seccomp filter `enable()` installs: with vows, the vows (Node runtime baseline) after
 * the rules; without vows, the rules alone over a default allow.
 */
export function processFilter(step: SeccompStep): SeccompPolicy {
  if (step.vows === undefined) return { defaultAction: 'allow', rules: step.rules };
  return compileVows(step.vows, vowOptions(step));
}

/**
 * That filter compiled and checked, ready to install in the Node process `pid` (this one for
 * `enable()`, a launched child for `launch()`): the rules alone, or the vows with their reporter.
 */
export function prepareProcessFilter(step: SeccompStep, pid = process.pid): { rules: BpfProgram } | { vows: PreparedVows } {
  if (step.vows === undefined) return { rules: compile(processFilter(step)) };
  return { vows: prepareVow(step.vows, { ...vowOptions(step), pid }) };
}
