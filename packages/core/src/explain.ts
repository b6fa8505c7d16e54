import type { Features } from './features.js';
import { plan, type StartOptions } from './plan/plan.js';
import type { Plan, Target } from './plan/types.js';
import { validatePolicy } from './policy/validate.js';
import type { Policy } from './policy/types.js';
import { probe } from './probe.js';

/**
 * What `enable` (target `process`), `spawn` (`child`) or `launch` (`launch`) would do with `policy`
 * on this kernel: the ordered steps and the report items, without applying anything. Throws
 * like they would (invalid policy, strict-mode `ERR_EXILE_UNSUPPORTED`). `features` defaults
 * to `probe()`; `start.newSession: false` explains a started program that keeps the caller's session.
 */
export function explain(policy: Policy, target: Target = 'process', features: Features = probe(), start: StartOptions = {}): Plan {
  return plan(validatePolicy(policy), features, target, start);
}
