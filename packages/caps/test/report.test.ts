import { describe, expect, it } from 'vitest';
import type { BroadcastReport } from '@exile/threads';
import { BOUNDING_REASON, planDrop } from '../src/index.js';
import { buildReport } from '../src/report.js';
import type { RawCapState } from '../src/state.js';

const ALL = (1n << 41n) - 1n;
const threads = { ok: true, threads: [] } as unknown as BroadcastReport;
const root: RawCapState = { effective: ALL, permitted: ALL, inheritable: 0n, ambient: 0n, bounding: ALL, securebits: 0, noNewPrivs: false, lastCap: 40 };
const nobody: RawCapState = { ...root, effective: 0n, permitted: 0n };
const emptied = (s: RawCapState): RawCapState => ({ ...s, effective: 0n, permitted: 0n, inheritable: 0n, ambient: 0n, noNewPrivs: true });

describe('buildReport', () => {
  it('root: every set requested and enforced, what was dropped listed', () => {
    const report = buildReport(planDrop(root), root, { ...emptied(root), bounding: 0n }, threads);
    for (const set of ['effective', 'permitted', 'inheritable', 'ambient', 'bounding'] as const) {
      expect(report[set]).toMatchObject({ requested: true, enforced: true, after: [] });
    }
    expect(report.bounding.dropped).toHaveLength(41);
    expect(report.bounding.reason).toBeUndefined();
  });

  it('unprivileged: the bounding set is reported as not enforced, with the reason', () => {
    const report = buildReport(planDrop(nobody), nobody, emptied(nobody), threads);
    expect(report.bounding).toEqual({
      requested: true, enforced: false, before: report.bounding.before, after: report.bounding.before, dropped: [], reason: BOUNDING_REASON,
    });
    expect(report.bounding.after).toHaveLength(41);
    expect(report.effective).toMatchObject({ enforced: true, before: [], after: [], dropped: [] });
  });

  it('bounding: false is not requested, and leaving it is no failure', () => {
    const report = buildReport(planDrop(root, { bounding: false }), root, emptied(root), threads);
    expect(report.bounding).toMatchObject({ requested: false, enforced: true, dropped: [] });
  });

  it('a set the kernel still reports is not enforced; kept capabilities are fine', () => {
    const plan = planDrop(root, { keep: ['chown'] });
    const report = buildReport(plan, root, { ...emptied(root), effective: 3n, permitted: 1n, bounding: 1n }, threads);
    expect(report.permitted).toMatchObject({ enforced: true, after: ['CAP_CHOWN'] });
    expect(report.effective).toMatchObject({ enforced: false, after: ['CAP_CHOWN', 'CAP_DAC_OVERRIDE'] });
    expect(report.effective.reason).toBeUndefined();
    expect(report.bounding).toMatchObject({ enforced: true, after: ['CAP_CHOWN'] });
  });

  it('securebits: enforced only when the kernel shows the planned value', () => {
    const plan = planDrop(root, { lockSecurebits: true });
    expect(buildReport(plan, root, { ...emptied(root), bounding: 0n, securebits: 0xeb }, threads).securebits)
      .toMatchObject({ requested: true, enforced: true, after: { noRoot: true } });
    expect(buildReport(plan, root, { ...emptied(root), bounding: 0n, securebits: 0 }, threads).securebits.enforced).toBe(false);
  });

  it('lists kept capabilities the process did not hold', () => {
    expect(buildReport(planDrop(nobody, { keep: ['net_bind_service'] }), nobody, emptied(nobody), threads).notHeld).toEqual(['CAP_NET_BIND_SERVICE']);
  });
});
