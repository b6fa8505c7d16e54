import { describe, expect, it } from 'vitest';
import { planRuleset } from '../src/plan.js';
import { normalizeSpec } from '../src/spec.js';
import { statusOf } from '../src/status.js';

const kernel = (abi: number) => ({ abi, errata: 7, status: 'available' as const });

describe('statusOf', () => {
  it('full: everything required is enforced; notes and newer rights do not downgrade it', () => {
    const plan = planRuleset(normalizeSpec({ fs: { read: ['/'] } }), kernel(7));
    const note = { what: 'rule $.fs.read[1] (/gone)', reason: 'skipped' };
    expect(statusOf(plan, 12, [note])).toEqual({
      abi: 7, enforced: 'full', mechanism: 'broadcast', threads: 12,
      handled: { fs: plan.handled.fs, net: [], scope: [] }, log: [], quiet: { fs: [], net: [], scope: [] },
      notEnforced: [{ what: 'fs:resolve-unix', reason: expect.stringContaining('not named'), required: false }, note],
    });
  });

  it('partial: best-effort dropped something required', () => {
    const plan = planRuleset(normalizeSpec({ fs: {}, scope: ['signal'], compat: 'best-effort' }), kernel(5));
    expect(statusOf(plan, 7, [])).toMatchObject({ enforced: 'partial', notEnforced: expect.arrayContaining([{ what: 'scope:signal', reason: expect.any(String), required: true }]) });
  });

  it('none: nothing applied, nothing claimed as handled', () => {
    const plan = planRuleset(normalizeSpec({ net: {}, compat: 'best-effort' }), kernel(3));
    expect(statusOf(plan, 0, [])).toMatchObject({ enforced: 'none', threads: 0, handled: { fs: [], net: [], scope: [] } });
  });

  it('reports tsync from ABI 8', () => {
    expect(statusOf(planRuleset(normalizeSpec({ fs: {} }), kernel(8)), 11, []).mechanism).toBe('tsync');
  });
});
