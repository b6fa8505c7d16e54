import { describe, expect, it } from 'vitest';
import { plan } from '../../src/plan/plan.js';
import { findStep } from '../../src/plan/types.js';
import type { Policy } from '../../src/policy/types.js';
import { validatePolicy } from '../../src/policy/validate.js';
import { reportsRefusals } from '../../src/violations/supervised-filter.js';
import { fakeFeatures } from '../fake-features.js';

const step = (policy: Policy) => findStep(plan(validatePolicy(policy), fakeFeatures(), 'child').steps, 'seccomp')!;

describe('reportsRefusals: whether a started program needs a violation supervisor', () => {
  it('not for the always-on terminal guard alone, nor for rules that only allow', () => {
    expect(step({}).rules.length).toBeGreaterThan(0);
    expect(reportsRefusals(step({}))).toBe(false);
    expect(reportsRefusals(step({ syscalls: [{ syscall: 'getpid', action: 'allow' }] }))).toBe(false);
  });

  it('for vows, the network rules, the exec rules of fs paths, and a refusing policy rule', () => {
    expect(reportsRefusals(step({ vows: 'stdio' }))).toBe(true);
    expect(reportsRefusals(step({ net: false }))).toBe(true);
    expect(reportsRefusals(step({ fs: { read: ['/usr'] } }))).toBe(true);
    expect(reportsRefusals(step({ syscalls: [{ syscall: 'ptrace', action: { errno: 'EPERM' } }] }))).toBe(true);
  });
});
