import type { SeccompPolicy } from '@exile/seccomp';
import { compile as compileVows } from '@exile/vows';
import type { Step } from '../plan/types.js';

/**
 * The one seccomp filter `enable()` installs: with vows, the vows (Node runtime baseline) with
 * the network and policy rules tried first, so a policy `allow` rule widens the vows; without
 * vows, the rules alone over a default allow.
 */
export function processFilter(step: Extract<Step, { step: 'seccomp' }>): SeccompPolicy {
  if (step.vows === undefined) return { defaultAction: 'allow', rules: step.rules };
  return compileVows(step.vows, { penalty: step.penalty, errno: step.errno, rules: step.rules });
}
