import { describe, expect, it } from 'vitest';
import { planRuleset, planSpec, targetAbi, type KernelView } from '../src/plan.js';
import { normalizeSpec, type LandlockSpec } from '../src/spec.js';
import { FS_ACCESS_NAMES, FS_RIGHTS, NET_ACCESS_NAMES, NET_RIGHTS } from '../src/rights.js';

const kernel = (abi: number, errata = 7): KernelView => ({ abi, errata, status: 'available' });
const plan = (spec: LandlockSpec, view: KernelView) => planRuleset(normalizeSpec(spec), view);

function unsupported(fn: () => unknown): { what: string[]; message: string } {
  try {
    fn();
  } catch (error) {
    const e = error as { code: string; message: string; details: { unsupported: { what: string }[] } };
    expect(e.code).toBe('ERR_EXILE_UNSUPPORTED');
    return { what: e.details.unsupported.map((item) => item.what), message: e.message };
  }
  throw new Error('did not throw');
}

describe('targetAbi', () => {
  it.each<[LandlockSpec, number]>([
    [{ fs: { read: ['/'] } }, 3],
    [{ fs: {} }, 3],
    [{ fs: { rules: [{ path: '/dev', access: ['ioctl-dev'] }] } }, 5],
    [{ fs: { rules: [{ path: '/run', access: ['resolve-unix'] }] } }, 9],
    [{ fs: { sockets: ['/run'] } }, 3],
    [{ net: {} }, 4],
    [{ net: { connectTcp: [443] } }, 4],
    [{ net: { bindUdp: [53] } }, 10],
    [{ scope: ['signal'] }, 6],
    [{ fs: { read: ['/'] }, net: { connectTcp: [1] }, scope: ['abstract-unix-socket'] }, 6],
  ])('%j → %i', (spec, abi) => {
    expect(targetAbi(normalizeSpec(spec))).toBe(abi);
  });
});

describe('planRuleset: downgrade for every ABI', () => {
  const fsSpec: LandlockSpec = { fs: { read: ['/'] }, compat: 'best-effort' };

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('ABI %i handles exactly the file-system rights it knows', (abi) => {
    const result = plan(fsSpec, kernel(abi));
    expect(result.abi).toBe(abi);
    expect(result.handled.fs).toEqual(FS_ACCESS_NAMES.filter((name) => FS_RIGHTS[name].abi <= abi));
    // Newer rights are reported; refer on ABI 1 is not (reparenting is always denied there).
    const reported = result.notEnforced.map((item) => item.what);
    expect(reported).toEqual(FS_ACCESS_NAMES.filter((name) => FS_RIGHTS[name].abi > abi && !(name === 'refer' && abi === 1)).map((name) => `fs:${name}`));
    // The plain fs spec needs ABI 3: only below it is the result partial.
    expect(result.partial).toBe(abi < 3);
    expect(result.mechanism).toBe(abi >= 8 ? 'tsync' : 'broadcast');
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('ABI %i handles the net rights it knows', (abi) => {
    const result = plan({ net: { connectTcp: [443] }, compat: 'best-effort' }, kernel(abi));
    expect(result.handled.net).toEqual(NET_ACCESS_NAMES.filter((name) => NET_RIGHTS[name].abi <= abi));
    expect(result.partial).toBe(abi < 4);
  });

  it.each([1, 5, 6, 7, 10])('ABI %i handles scopes from 6', (abi) => {
    const result = plan({ scope: ['abstract-unix-socket', 'signal'], compat: 'best-effort' }, kernel(abi));
    expect(result.handled.scope).toEqual(abi >= 6 ? ['abstract-unix-socket', 'signal'] : []);
    expect(result.partial).toBe(abi < 6);
  });

  it('marks requested and merely newer rights differently', () => {
    const result = plan({ fs: { read: ['/'] }, compat: 'best-effort' }, kernel(2));
    expect(result.notEnforced).toContainEqual({ what: 'fs:truncate', reason: 'requested; needs Landlock ABI 3, this kernel has 2', required: true });
    expect(result.notEnforced).toContainEqual({ what: 'fs:ioctl-dev', reason: 'not named by the spec; needs Landlock ABI 5, this kernel has 2', required: false });
  });

  it('treats a kernel newer than the package as the newest ABI it knows', () => {
    expect(plan({ fs: {} }, kernel(42)).abi).toBe(10);
  });
});

describe('planRuleset: hard mode', () => {
  it.each([3, 4, 7, 8, 10])('a plain fs spec works on ABI %i', (abi) => {
    const result = plan({ fs: { read: ['/'], write: ['/tmp'] } }, kernel(abi));
    expect(result.partial).toBe(false);
    expect(result.notEnforced.every((item) => item.reason.startsWith('not named'))).toBe(true);
  });

  it.each([1, 2])('a plain fs spec fails on ABI %i naming what is missing', (abi) => {
    const { what, message } = unsupported(() => plan({ fs: { read: ['/'] } }, kernel(abi)));
    expect(what).toEqual(['fs:truncate']);
    expect(message).toContain('nothing was applied');
  });

  it('UDP on ABI 7 fails and names both UDP rights', () => {
    expect(unsupported(() => plan({ net: { bindUdp: [53] } }, kernel(7))).what).toEqual(['net:bind-udp', 'net:connect-send-udp']);
  });

  it('TCP without UDP works on ABI 7 and reports UDP as not named', () => {
    const result = plan({ net: { connectTcp: [443] } }, kernel(7));
    expect(result.handled.net).toEqual(['bind-tcp', 'connect-tcp']);
    expect(result.notEnforced.map((item) => item.what)).toEqual(['net:bind-udp', 'net:connect-send-udp']);
  });

  it('ioctl-dev named on ABI 4 fails', () => {
    expect(unsupported(() => plan({ fs: { rules: [{ path: '/dev/null', access: ['ioctl-dev'] }] } }, kernel(4))).what).toEqual(['fs:ioctl-dev']);
  });

  it('resolve-unix named on ABI 7 fails, with everything else up to ABI 9 present', () => {
    expect(unsupported(() => plan({ fs: { rules: [{ path: '/run', access: ['resolve-unix'] }] } }, kernel(7))).what).toEqual(['fs:resolve-unix']);
  });

  it('sockets on ABI 7 apply in hard mode: nothing restricts pathname sockets there, so nothing is missing to grant them', () => {
    const result = plan({ fs: { sockets: ['/run'] } }, kernel(7));
    expect(result.handled.fs).not.toContain('resolve-unix');
    expect(result.notEnforced.map((n) => [n.what, n.required])).toEqual([['fs:resolve-unix', false]]);
    expect(plan({ fs: { sockets: ['/run'] } }, kernel(9)).handled.fs).toContain('resolve-unix');
  });

  it('scopes on ABI 5 fail', () => {
    expect(unsupported(() => plan({ scope: ['signal'] }, kernel(5))).what).toEqual(['scope:signal']);
  });

  it('no Landlock: hard fails naming the status, best-effort applies nothing and lists everything', () => {
    const absent: KernelView = { abi: 0, errata: 0, status: 'not-implemented' };
    expect(unsupported(() => plan({ fs: {} }, absent)).message).toContain('not-implemented');
    const result = plan({ fs: {}, net: {}, scope: ['signal'], compat: 'best-effort' }, absent);
    expect(result.abi).toBe(0);
    expect(result.handled).toEqual({ fs: [], net: [], scope: [] });
    expect(result.partial).toBe(true);
    expect(result.notEnforced).toHaveLength(17 + 4 + 1);
    expect(result.notEnforced[0]!.reason).toBe('Landlock is not-implemented on this kernel');
  });

  it('capped to 0 says so', () => {
    const result = plan({ fs: {}, compat: 'best-effort' }, { abi: 0, errata: 0, status: 'disabled' });
    expect(result.notEnforced[0]!.reason).toBe('Landlock is disabled on this kernel');
  });
});

describe('planRuleset: signal scope and per-thread domains', () => {
  it('needs erratum 2 when the broadcast gives each thread its own domain', () => {
    expect(unsupported(() => plan({ scope: ['signal'] }, kernel(7, 0b101))).what).toEqual(['scope:signal']);
    const result = plan({ scope: ['signal', 'abstract-unix-socket'], compat: 'best-effort' }, kernel(6, 0));
    expect(result.handled.scope).toEqual(['abstract-unix-socket']);
    expect(result.notEnforced[0]!.what).toBe('scope:signal');
  });

  it('does not need it with TSYNC (one shared domain)', () => {
    expect(plan({ scope: ['signal'] }, kernel(8, 0)).handled.scope).toEqual(['signal']);
  });

  it('works with erratum 2 fixed', () => {
    expect(plan({ scope: ['signal'] }, kernel(7, 2)).handled.scope).toEqual(['signal']);
  });

  it('does not need it when the launcher restricts one thread before exec (one domain for the whole program)', () => {
    const launcher = planRuleset(normalizeSpec({ scope: ['signal', 'abstract-unix-socket'] }), kernel(6, 0), 'launcher');
    expect(launcher.handled.scope).toEqual(['abstract-unix-socket', 'signal']);
    expect(launcher.notEnforced).toEqual([]);
    expect(planSpec({ scope: ['signal'] }, kernel(7, 0b101), 'launcher').handled.scope).toEqual(['signal']);
    expect(planSpec({ scope: ['signal'] }, kernel(7, 0b101)).handled.scope).toEqual([]);
  });
});

describe('planSpec: the planner for callers that report before applying', () => {
  it('never refuses: a hard spec the kernel cannot enforce comes back with its required items', () => {
    const hard = planSpec({ fs: { write: ['/tmp'] } }, kernel(2));
    expect(hard).toMatchObject({ abi: 2, partial: true, mechanism: 'broadcast' });
    expect(hard.notEnforced.filter((n) => n.required).map((n) => n.what)).toEqual(['fs:truncate']);
    expect(planSpec({ fs: {} }, kernel(8)).mechanism).toBe('tsync');
  });

  it('still validates the spec', () => {
    expect(() => planSpec({ fs: { read: [''] } }, kernel(7))).toThrow(expect.objectContaining({ code: 'ERR_EXILE_INVALID_POLICY' }));
  });
});
