import { describe, expect, it } from 'vitest';
import { ACTION_VALUES, availableActions } from '../src/index.js';

describe('seccomp actions', () => {
  it('has the kernel values of SECCOMP_RET_*', () => {
    expect(ACTION_VALUES.allow).toBe(0x7fff0000);
    expect(ACTION_VALUES['kill-process']).toBe(0x80000000);
    expect(ACTION_VALUES.errno).toBe(0x00050000);
  });

  it('asks the kernel which actions exist (every kernel >= 4.14 has allow and kill-process)', () => {
    const actions = availableActions();
    expect(actions).toContain('allow');
    expect(actions).toContain('kill-process');
    expect(actions).toContain('errno');
  });
});
