import { statSync } from 'node:fs';
import { ErrorCodes, ExileError } from '@exile/common';
import { compile, type BpfProgram } from '@exile/seccomp';
import { compile as compileVows } from '@exile/vows';
import type { NormalizedPolicy } from '../policy/types.js';
import type { Plan, Step } from '../plan/types.js';

/** Everything checked and built before the point of no return. */
export interface Prepared {
  /** The deny rules (network + the policy's own) as one filter, default allow; undefined when there are none. */
  rules?: BpfProgram;
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
  const seccomp = plan.steps.find((s): s is Extract<Step, { step: 'seccomp' }> => s.step === 'seccomp');
  if (seccomp === undefined) return {};
  if (seccomp.vows !== undefined) compileVows(seccomp.vows, { penalty: seccomp.penalty, errno: seccomp.errno });
  if (seccomp.rules.length === 0) return {};
  return { rules: compile({ defaultAction: 'allow', rules: seccomp.rules }), socketFilter: seccomp.rules.some((r) => r.syscall === 'socket') };
}
