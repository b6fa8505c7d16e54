import { describe, expect, it } from 'vitest';
import { ExileError, LOCKED_SECUREBITS, planDrop } from '../src/index.js';
import type { RawCapState } from '../src/state.js';

const ALL = (1n << 41n) - 1n;
const bit = (n: number): bigint => 1n << BigInt(n);
const root: RawCapState = { effective: ALL, permitted: ALL, inheritable: 0n, ambient: 0n, bounding: ALL, securebits: 0, noNewPrivs: false, lastCap: 40 };
const nobody: RawCapState = { ...root, effective: 0n, permitted: 0n };

function error(fn: () => unknown): { code: string; path?: unknown } | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ExileError) return { code: e.code, ...(e.details.path === undefined ? {} : { path: e.details.path }) };
    throw e;
  }
  return undefined;
}

describe('planDrop', () => {
  it('as root: no_new_privs, ambient, the whole bounding set, then capset to nothing', () => {
    const plan = planDrop(root);
    expect(plan.ops).toEqual([
      { op: 'no-new-privs' },
      { op: 'clear-ambient' },
      { op: 'drop-bounding', caps: Array.from({ length: 41 }, (_, i) => i) },
      { op: 'capset', effective: 0n, permitted: 0n, inheritable: 0n },
    ]);
    expect(plan.bounding).toEqual({ requested: true, allowed: true, drop: ALL });
  });

  it('keeps what it is told to in every set, the bounding set included', () => {
    const keep = bit(10) | bit(7);
    const plan = planDrop(root, { keep: ['net_bind_service', 'CAP_SETUID'] });
    expect(plan.keep).toBe(keep);
    expect(plan.target).toEqual({ effective: keep, permitted: keep, inheritable: 0n });
    expect(plan.bounding.drop).toBe(ALL & ~keep);
  });

  it('reports kept capabilities the process does not hold', () => {
    expect(planDrop(nobody, { keep: ['chown'] })).toMatchObject({ notHeld: 1n, target: { effective: 0n, permitted: 0n } });
  });

  it('raises CAP_SETPCAP from permitted into effective before dropping the bounding set', () => {
    const ops = planDrop({ ...root, effective: 0n }).ops;
    expect(ops[2]).toEqual({ op: 'capset', effective: bit(8), permitted: ALL, inheritable: 0n });
    expect(ops[3]).toMatchObject({ op: 'drop-bounding' });
  });

  it('without CAP_SETPCAP leaves the bounding set alone (reported, not skipped silently)', () => {
    const plan = planDrop(nobody);
    expect(plan.ops).toEqual([{ op: 'no-new-privs' }, { op: 'clear-ambient' }, { op: 'capset', effective: 0n, permitted: 0n, inheritable: 0n }]);
    expect(plan.bounding).toEqual({ requested: true, allowed: false, drop: 0n });
  });

  it('bounding: false and ambient: false leave those sets (and kept ambient capabilities) alone', () => {
    const state = { ...root, inheritable: bit(10) | bit(12), ambient: bit(10) };
    const plan = planDrop(state, { keep: ['net_bind_service'], bounding: false, ambient: false });
    expect(plan.ops).toEqual([{ op: 'no-new-privs' }, { op: 'capset', effective: bit(10), permitted: bit(10), inheritable: bit(10) }]);
  });

  it('locks securebits with KEEP_CAPS and NO_SETUID_FIXUP locked off', () => {
    const plan = planDrop({ ...root, securebits: 0x10 /* KEEP_CAPS */ }, { lockSecurebits: true, bounding: false });
    expect(plan.securebits).toBe(LOCKED_SECUREBITS);
    expect(LOCKED_SECUREBITS).toBe(0xeb);
    expect(plan.ops).toContainEqual({ op: 'securebits', bits: 0xeb });
  });

  it('refuses lockSecurebits without CAP_SETPCAP, before anything happens', () => {
    expect(error(() => planDrop(nobody, { lockSecurebits: true }))).toEqual({ code: 'ERR_EXILE_UNSUPPORTED' });
  });

  it.each([
    [{ keep: ['chown', 'cap_root'] }, '$.keep[1]'],
    [{ keep: 'chown' }, '$.keep'],
    [{ keep: [7] }, '$.keep[0]'],
    [{ bounding: 'yes' }, '$.bounding'],
    [{ ambient: 1 }, '$.ambient'],
    [{ lockSecurebits: null }, '$.lockSecurebits'],
  ])('rejects %j naming %s', (opts, path) => {
    expect(error(() => planDrop(root, opts as never))).toEqual({ code: 'ERR_EXILE_INVALID_POLICY', path });
  });
});
