import { statSync } from 'node:fs';
import { ErrorCodes, ExileError } from '@exile/common';
import type { BpfProgram } from '@exile/seccomp';
import type { PreparedVows } from '@exile/vows';
import type { NormalizedPolicy } from '../policy/types.js';
import { findStep, type Plan } from '../plan/types.js';
import { prepareProcessFilter } from './process-filter.js';

/** Everything checked and built before the point of no return. */
export interface Prepared {
  /** The rules-only filter (no vows: network + the policy's own rules, default allow). */
  rules?: BpfProgram;
  /** With vows: the one filter (rules first, then the vows), compiled once, installed by `vow`'s second half. */
  vows?: PreparedVows;
  /** The filter refuses new non-AF_UNIX (or non-TCP) sockets. */
  socketFilter?: boolean;
}

/** Every fs path must exist: Landlock opens them after caps are dropped, when failing is too late. */
export function checkPaths(fs: NormalizedPolicy['fs']): void {
  if (!fs) return;
  for (const key of ['read', 'write', 'exec'] as const) {
    fs[key].forEach((path, i) => {
      try {
        statSync(path);
      } catch (error) {
        throw new ExileError(ErrorCodes.INVALID_POLICY, `invalid policy: $.fs.${key}[${i}]: ${path} cannot be used (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
          { path: `$.fs.${key}[${i}]`, file: path }, { cause: error });
      }
    });
  }
}

/**
 * Validates and builds everything the steps need — compiled BPF, vows checked, paths present —
 * so that nothing after the point of no return can fail for a reason known in advance.
 */
export function prepare(plan: Plan, policy: NormalizedPolicy): Prepared {
  if (plan.steps.some((s) => s.step === 'landlock')) checkPaths(policy.fs);
  const seccomp = findStep(plan.steps, 'seccomp');
  if (seccomp === undefined) return {};
  const socketFilter = seccomp.rules.some((r) => r.syscall === 'socket');
  return { ...prepareProcessFilter(seccomp), socketFilter };
}
