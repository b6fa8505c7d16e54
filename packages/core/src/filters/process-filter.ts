import { compile, type BpfProgram, type SeccompPolicy } from '@exile/seccomp';
import { seccompPolicy, prepareVow, type PreparedVows, type VowOptions } from '@exile/vows';
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
  return seccompPolicy(step.vows, vowOptions(step));
}

type PreparedFilter = { rules: BpfProgram } | { vows: PreparedVows };

/**
 * Filters compiled in this process, by what decides their instructions (the arch is this
 * process's): compiling the vows is most of a warm `enable()`, and a server that sandboxes the
 * same way again, or a `launch()` per request, would otherwise pay it every time. Bounded, since
 * a filter for another process names that pid.
 */
const compiled = new Map<string, PreparedFilter>();
const CACHED_FILTERS = 16;

const bigintAsText = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? `${value}n` : value);

/**
 * That filter compiled and checked, ready to install in the Node process `pid` (this one for
 * `enable()`, a launched child for `launch()`): the rules alone, or the vows with their reporter.
 */
export function prepareProcessFilter(step: SeccompStep, pid = process.pid): PreparedFilter {
  const key = JSON.stringify([pid, step.vows, step.penalty, step.errno, step.rules], bigintAsText);
  let filter = compiled.get(key);
  if (filter === undefined) {
    filter = step.vows === undefined ? { rules: compile(processFilter(step)) } : { vows: prepareVow(step.vows, { ...vowOptions(step), pid }) };
    if (compiled.size >= CACHED_FILTERS) compiled.delete(compiled.keys().next().value!);
  }
  // Most recently used last, so the bound drops the filter unused the longest.
  compiled.delete(key);
  compiled.set(key, filter);
  return filter;
}
