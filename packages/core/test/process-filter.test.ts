import { describe, expect, it } from 'vitest';
import type { Step } from '../src/plan/types.js';
import { prepareProcessFilter } from '../src/filters/process-filter.js';

type SeccompStep = Extract<Step, { step: 'seccomp' }>;
const step = (over: Partial<SeccompStep> = {}): SeccompStep => ({ step: 'seccomp', rules: [], vows: ['stdio'], penalty: 'kill', errno: 'EPERM', ...over });

describe('prepareProcessFilter(): compiled filters are reused within a process', () => {
  it('the same vows, rules and pid give the same compiled filter; any difference compiles another', () => {
    const first = prepareProcessFilter(step());
    expect(prepareProcessFilter(step())).toBe(first);
    expect(prepareProcessFilter(step({ vows: ['stdio', 'rpath'] }))).not.toBe(first);
    expect(prepareProcessFilter(step({ penalty: 'errno' }))).not.toBe(first);
    expect(prepareProcessFilter(step(), process.pid + 1)).not.toBe(first);
    const personality = (value: bigint): SeccompStep['rules'] => [{ syscall: 'personality', action: { errno: 'EPERM' }, args: [{ index: 0, op: 'eq', value }] }];
    const rules = prepareProcessFilter(step({ vows: undefined, rules: personality(0xffffffffn) }));
    expect(prepareProcessFilter(step({ vows: undefined, rules: personality(0xffffffffn) }))).toBe(rules);
    expect(prepareProcessFilter(step({ vows: undefined, rules: personality(1n) }))).not.toBe(rules);
  });
});
