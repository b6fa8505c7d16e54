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
 * Rules-only filters compiled in this process, by the rules (the arch is this process's): a server
 * that sandboxes the same way again would otherwise compile them every time. Bounded. Vow filters
 * are not kept here: `prepareVow()` keeps its own (by vows, options, pid and arch) and must see
 * every prepare, since a prepare of a cached filter also stages its reporter table again.
 */
const compiledRules = new Map<string, BpfProgram>();
const CACHED_FILTERS = 16;

const bigintAsText = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? `${value}n` : value);

/**
 * That filter compiled and checked, ready to install in the Node process `pid` (this one for
 * `enable()`, a launched child for `launch()`): the rules alone, or the vows with their reporter.
 * Compiled once per process for the same vows, rules and pid.
 */
export function prepareProcessFilter(step: SeccompStep, pid = process.pid): PreparedFilter {
  if (step.vows !== undefined) return { vows: prepareVow(step.vows, { ...vowOptions(step), pid }) };
  const key = JSON.stringify(step.rules, bigintAsText);
  const rules = compiledRules.get(key) ?? compile(processFilter(step));
  // Most recently used last, so the bound drops the filter unused the longest.
  compiledRules.delete(key);
  if (compiledRules.size >= CACHED_FILTERS) compiledRules.delete(compiledRules.keys().next().value!);
  compiledRules.set(key, rules);
  return { rules };
}
