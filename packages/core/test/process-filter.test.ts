import { prepareVow } from '@exile/vows';
import { describe, expect, it, vi } from 'vitest';
import type { Step } from '../src/plan/types.js';
import { prepareProcessFilter } from '../src/filters/process-filter.js';

// prepareVow() itself, counted: every prepare of a vow filter must reach it (see the last test).
vi.mock('@exile/vows', async (importOriginal) => {
  const vows = await importOriginal<typeof import('@exile/vows')>();
  return { ...vows, prepareVow: vi.fn(vows.prepareVow) };
});

type SeccompStep = Extract<Step, { step: 'seccomp' }>;
const step = (over: Partial<SeccompStep> = {}): SeccompStep => ({ step: 'seccomp', rules: [], vows: ['stdio'], penalty: 'kill', errno: 'EPERM', ...over });

/** The compiled instructions a prepared filter installs: what reuse must not compile again. */
const instructions = (filter: ReturnType<typeof prepareProcessFilter>): Uint8Array =>
  ('vows' in filter ? filter.vows.compiled.instructions : filter.rules.instructions);

describe('prepareProcessFilter(): compiled filters are reused within a process', () => {
  it('the same vows, rules and pid reuse the compiled instructions; any difference compiles another', () => {
    const first = instructions(prepareProcessFilter(step()));
    expect(instructions(prepareProcessFilter(step()))).toBe(first);
    expect(instructions(prepareProcessFilter(step({ vows: ['stdio', 'rpath'] })))).not.toBe(first);
    expect(instructions(prepareProcessFilter(step({ penalty: 'errno' })))).not.toBe(first);
    expect(instructions(prepareProcessFilter(step(), process.pid + 1))).not.toBe(first);
    const personality = (value: bigint): SeccompStep['rules'] => [{ syscall: 'personality', action: { errno: 'EPERM' }, args: [{ index: 0, op: 'eq', value }] }];
    const rules = instructions(prepareProcessFilter(step({ vows: undefined, rules: personality(0xffffffffn) })));
    expect(instructions(prepareProcessFilter(step({ vows: undefined, rules: personality(0xffffffffn) })))).toBe(rules);
    expect(instructions(prepareProcessFilter(step({ vows: undefined, rules: personality(1n) })))).not.toBe(rules);
  });

  it('a vow filter prepared again is prepared by @exile/vows again, which stages its reporter table for this process', () => {
    // A cache in front of prepareVow() skipped its staging of the table, so an apply() after another
    // filter's prepare copied the table at its point of no return.
    vi.mocked(prepareVow).mockClear();
    const first = prepareProcessFilter(step({ vows: ['stdio'] }));
    prepareProcessFilter(step({ vows: ['stdio', 'rpath'] }));
    const again = prepareProcessFilter(step({ vows: ['stdio'] }));
    expect(vi.mocked(prepareVow)).toHaveBeenCalledTimes(3);
    expect(instructions(again)).toBe(instructions(first));
  });
});
