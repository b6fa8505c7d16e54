import { describe, expect, it } from 'vitest';
import { thrown } from '@exile/test-utils';
import { ErrorCodes, ExileError, type Policy, type Step } from '../src/index.js';
import { plan } from '../src/plan/plan.js';
import { noNetworkRules, tcpOnlyRules } from '../src/plan/net-rules.js';
import { validatePolicy } from '../src/policy/validate.js';
import type { Target } from '../src/plan/types.js';
import { fakeFeatures } from './fake-features.js';

type Overrides = Parameters<typeof fakeFeatures>[0];
const planFor = (policy: Policy, target: Target = 'process', features: Overrides = {}) => plan(validatePolicy(policy), fakeFeatures(features), target);
const stepNames = (steps: Step[]) => steps.map((s) => s.step);
const step = <K extends Step['step']>(steps: Step[], name: K) => steps.find((s): s is Extract<Step, { step: K }> => s.step === name);

const full: Policy = {
  fs: { read: ['/usr'], write: ['/tmp/out'], exec: ['/bin'] },
  net: { connect: [443] },
  vows: 'stdio rpath inet',
  syscalls: [{ syscall: 'ptrace', action: { errno: 'EPERM' } }],
  capabilities: 'drop-all',
};

describe('plan: in-process on Landlock ABI 7', () => {
  const p = planFor(full);

  it('orders caps → no_new_privs → Landlock → seccomp', () => {
    expect(stepNames(p.steps)).toEqual(['caps', 'no-new-privs', 'landlock', 'seccomp']);
  });

  it('maps the everyday fs vocabulary: write paths are readable, exec stays exec', () => {
    expect(step(p.steps, 'landlock')!.spec).toEqual({
      fs: { read: ['/usr', '/tmp/out'], write: ['/tmp/out'], exec: ['/bin'] },
      net: { bindTcp: [], connectTcp: [443] },
      compat: 'hard',
    });
  });

  it('puts the deny-only network rules before the policy rules, then the vows', () => {
    expect(step(p.steps, 'seccomp')).toEqual({ step: 'seccomp', rules: [...tcpOnlyRules, ...full.syscalls!], vows: ['stdio', 'rpath', 'inet'], penalty: 'kill', errno: 'EPERM' });
  });

  it('reports every item enforced, each with what and mechanism', () => {
    expect(p.items.map((i) => [i.what, i.mechanism, i.enforced])).toEqual([
      ['file system', 'landlock ABI 7', true],
      ['network: TCP connect to port 443, bind to no port', 'landlock ABI 7', true],
      ['network: sockets other than TCP and AF_UNIX', 'seccomp', true],
      ['vows: stdio rpath inet', 'seccomp (TSYNC: every thread)', true],
      ['syscall rules: 1', 'seccomp (TSYNC: every thread)', true],
      ['capabilities: drop all', 'capset, bounding and ambient sets', true],
      ['no new privileges (setuid/file capabilities ignored on exec)', 'prctl(PR_SET_NO_NEW_PRIVS)', true],
    ]);
    expect(p.items[0]!.detail).toBe('read /usr; write /tmp/out; exec /bin; everything else denied, every thread via the @exile/threads broadcast');
  });

  it('uses Landlock TSYNC from ABI 8', () => {
    expect(planFor({ fs: false }, 'process', { landlockAbi: 8 }).items[0]!.detail).toContain('LANDLOCK_RESTRICT_SELF_TSYNC');
  });

  it('an empty policy still sets no_new_privs and nothing else', () => {
    expect(stepNames(planFor({}).steps)).toEqual(['no-new-privs']);
  });

  it('fs: false is a Landlock ruleset with no rules', () => {
    expect(step(planFor({ fs: false }).steps, 'landlock')!.spec.fs).toEqual({ read: [], write: [], exec: [] });
  });

  it('net: false is seccomp (AF_UNIX only) plus Landlock TCP with no ports', () => {
    const q = planFor({ net: false });
    expect(step(q.steps, 'seccomp')!.rules).toEqual(noNetworkRules);
    expect(step(q.steps, 'landlock')!.spec.net).toEqual({ bindTcp: [], connectTcp: [] });
  });

  it('best-effort asks Landlock for best-effort compat', () => {
    expect(step(planFor({ ...full, mode: 'best-effort' }).steps, 'landlock')!.spec.compat).toBe('best-effort');
  });
});

describe('plan: fallbacks and strict vs best-effort', () => {
  it('no Landlock: strict names the file system and says how to go on', () => {
    const e = thrown(() => planFor(full, 'process', { landlockAbi: 0 }));
    expect(e.code).toBe(ErrorCodes.UNSUPPORTED);
    expect(e.message).toContain('file system');
    expect(e.message).toContain('Landlock is not-implemented');
    expect(e.message).toContain('best-effort');
    expect((e.details.items as { what: string }[]).map((i) => i.what)).toEqual(['file system', 'network: TCP connect to port 443, bind to no port']);
  });

  it('no Landlock: best-effort applies the rest and reports the gaps', () => {
    const p = planFor({ ...full, mode: 'best-effort' }, 'process', { landlockAbi: 0 });
    expect(stepNames(p.steps)).toEqual(['caps', 'no-new-privs', 'seccomp']);
    expect(p.items.filter((i) => !i.enforced).map((i) => i.what)).toEqual(['file system', 'network: TCP connect to port 443, bind to no port']);
    expect(p.items.every((i) => i.enforced || (i.detail ?? '') !== '')).toBe(true);
  });

  it('Landlock ABI 2 (capped): truncate cannot be restricted — strict fails, best-effort reports it', () => {
    expect(thrown(() => planFor({ fs: { write: ['/tmp'] } }, 'process', { landlockAbi: 2 })).message).toContain('truncate');
    const p = planFor({ fs: { write: ['/tmp'] }, mode: 'best-effort' }, 'process', { landlockAbi: 2 });
    expect(step(p.steps, 'landlock')).toBeDefined();
    expect(p.items.find((i) => i.what === 'file system: truncate')).toMatchObject({ enforced: false, detail: expect.stringContaining('ABI 3') });
  });

  it('Landlock ABI 3 (capped): plain fs works in strict mode; TCP ports do not', () => {
    expect(stepNames(planFor({ fs: { read: ['/usr'] } }, 'process', { landlockAbi: 3 }).steps)).toContain('landlock');
    expect(thrown(() => planFor({ net: { bind: [8080] } }, 'process', { landlockAbi: 3 })).message).toContain('needs Landlock ABI 4');
  });

  it('Landlock ABI 3: net false still holds in strict mode (seccomp), the Landlock part is reported', () => {
    const p = planFor({ net: false }, 'process', { landlockAbi: 3 });
    expect(stepNames(p.steps)).toEqual(['no-new-privs', 'seccomp']);
    expect(p.items.find((i) => i.mechanism === 'landlock')).toMatchObject({ enforced: false });
  });

  it('seccomp without TSYNC cannot cover every thread in-process, but is fine before a child execs', () => {
    expect(thrown(() => planFor({ vows: 'stdio' }, 'process', { tsync: false })).message).toContain('TSYNC');
    expect(stepNames(planFor({ vows: 'stdio' }, 'child', { tsync: false }).steps)).toContain('seccomp');
  });

  it('no seccomp at all: best-effort drops the filter and says so', () => {
    const p = planFor({ vows: 'stdio', mode: 'best-effort' }, 'process', { seccomp: false });
    expect(stepNames(p.steps)).toEqual(['no-new-privs']);
    expect(p.items[0]).toMatchObject({ what: 'vows: stdio', enforced: false, detail: 'seccomp filters are not available on this kernel' });
  });

  it('namespaces in-process are refused in any mode, pointing at spawn/launch', () => {
    for (const mode of ['strict', 'best-effort'] as const) {
      const e = thrown(() => planFor({ namespaces: { net: true }, mode }));
      expect(e.code).toBe(ErrorCodes.UNSUPPORTED);
      expect(e.message).toMatch(/spawn\(\) or launch\(\)/);
    }
  });

  it('an SQPOLL io_uring ring refuses Landlock in-process (it would bypass it), not a vows-only policy', () => {
    expect(thrown(() => planFor({ fs: false, mode: 'best-effort' }, 'process', { sqpoll: 1 })).code).toBe(ErrorCodes.IO_URING);
    expect(stepNames(planFor({ vows: 'stdio' }, 'process', { sqpoll: 1 }).steps)).toEqual(['no-new-privs', 'seccomp']);
  });
});

describe('plan: a child', () => {
  it('net false → network namespace (plus user namespace when unprivileged), no socket filter', () => {
    const p = planFor({ net: false }, 'child');
    expect(p.steps[0]).toEqual({ step: 'namespaces', user: true, mount: false, net: true, pid: false, ipc: false, uts: false, cgroup: false });
    expect(step(p.steps, 'seccomp')).toBeUndefined();
    expect(p.items[0]).toMatchObject({ what: 'network: none', mechanism: 'network namespace', enforced: true });
  });

  it('net false as root without user namespaces → network namespace alone', () => {
    expect(planFor({ net: false }, 'child', { userNamespaces: false, root: true }).steps[0]).toMatchObject({ user: false, net: true });
  });

  it('net false without any namespaces → the seccomp socket filter + Landlock TCP rules before exec, after no_new_privs (no privilege needed)', () => {
    const user = planFor({ net: false }, 'child', { userNamespaces: false });
    expect(stepNames(user.steps)).toEqual(['no-new-privs', 'landlock', 'seccomp']);
    expect(step(user.steps, 'seccomp')!.rules).toEqual(noNetworkRules);
    expect(user.items[0]).toMatchObject({ what: 'network: TCP bind/connect, also on inherited sockets', enforced: true });
  });

  it('fs with Landlock → Landlock before exec, no user namespace needed (the launcher sets no_new_privs first)', () => {
    const p = planFor({ fs: { read: ['/usr'] } }, 'child');
    expect(stepNames(p.steps)).toEqual(['no-new-privs', 'landlock']);
    expect(stepNames(planFor({ fs: { read: ['/usr'] } }, 'child', { userNamespaces: false }).steps)).toEqual(['no-new-privs', 'landlock']);
    expect(p.items[0]!.detail).toContain('applied before exec');
    expect(stepNames(planFor({ fs: { read: ['/usr'] } }, 'child', { root: true }).steps)).toEqual(['no-new-privs', 'landlock']);
  });

  it('fs without Landlock → mount namespace view', () => {
    const p = planFor({ fs: { read: ['/usr'], write: ['/tmp/w'] } }, 'child', { landlockAbi: 0 });
    expect(stepNames(p.steps)).toEqual(['namespaces', 'mounts', 'no-new-privs']);
    expect(p.steps[0]).toMatchObject({ user: true, mount: true, net: false });
    expect(p.steps[1]).toEqual({ step: 'mounts', read: ['/usr'], write: ['/tmp/w'], exec: [] });
    expect(p.items[0]).toMatchObject({ mechanism: 'mount namespace + bind mounts + pivot_root', enforced: true });
  });

  it('with Landlock, a child gets it before exec: fs and TCP port rules, no mount view', () => {
    const p = planFor({ fs: { read: ['/usr'] }, net: { connect: [443] } }, 'child', { root: true });
    expect(stepNames(p.steps)).toEqual(['no-new-privs', 'landlock', 'seccomp']);
    expect(step(p.steps, 'landlock')).toEqual({ step: 'landlock', spec: { fs: { read: ['/usr'], write: [], exec: [] }, net: { bindTcp: [], connectTcp: [443] }, compat: 'hard' } });
    expect(p.items[0]).toMatchObject({ what: 'file system', enforced: true, detail: expect.stringContaining('applied before exec') });
  });

  it('fs without Landlock and without namespaces: strict fails naming both', () => {
    const e = thrown(() => planFor({ fs: false }, 'child', { landlockAbi: 0, userNamespaces: false }));
    expect(e.message).toContain('not-implemented');
    expect(e.message).toContain('user namespaces are unavailable');
  });

  it('asked namespaces without user namespaces: strict fails, best-effort reports each one', () => {
    expect(thrown(() => planFor({ namespaces: 'all' }, 'child', { userNamespaces: false })).message).toContain('namespace: user');
    const p = planFor({ namespaces: { pid: true, uts: true }, mode: 'best-effort' }, 'child', { userNamespaces: false });
    expect(p.items.filter((i) => !i.enforced).map((i) => i.what)).toEqual(['namespace: pid', 'namespace: uts']);
    expect(step(p.steps, 'namespaces')).toBeUndefined();
  });
});

describe('plan: invariants over many policies and kernels', () => {
  const order = ['namespaces', 'mounts', 'caps', 'no-new-privs', 'landlock', 'seccomp'];
  const choices: Record<string, readonly unknown[]> = {
    fs: [undefined, false, { read: ['/usr'] }, { write: ['/tmp'], exec: ['/bin'] }],
    net: [undefined, true, false, { connect: [443] }, { bind: [0, 8080] }],
    vows: [undefined, 'stdio', 'stdio rpath inet'],
    capabilities: [undefined, 'drop-all', { keep: ['net_bind_service'] }],
    namespaces: [undefined, { pid: true }],
    mode: ['strict', 'best-effort'],
  };
  const kernels: Overrides[] = [{}, { landlockAbi: 0 }, { landlockAbi: 1 }, { landlockAbi: 3 }, { landlockAbi: 4 }, { landlockAbi: 10 },
    { userNamespaces: false }, { userNamespaces: false, root: true }, { tsync: false }, { seccomp: false }];
  let seed = 42;
  const pick = <T>(list: readonly T[]): T => list[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % list.length]!;

  it('steps keep the fixed order; strict never returns an unenforced item; nothing is silently dropped', () => {
    let planned = 0;
    for (let n = 0; n < 3000; n++) {
      const policy = Object.fromEntries(Object.entries(choices).map(([k, v]) => [k, pick(v)])) as Policy;
      const target = pick(['process', 'child'] as const);
      if (target === 'process') delete policy.namespaces;
      const kernel = pick(kernels);
      let p;
      try {
        p = planFor(policy, target, kernel);
      } catch (e) {
        expect((e as ExileError).code).toBe(ErrorCodes.UNSUPPORTED);
        expect(policy.mode).toBe('strict');
        continue;
      }
      planned++;
      const indexes = p.steps.map((s) => order.indexOf(s.step));
      expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
      if (policy.mode === 'strict') expect(p.items.filter((i) => !i.enforced && i.mechanism !== 'landlock')).toEqual([]);
      for (const item of p.items) {
        expect(item.what).not.toBe('');
        expect(item.mechanism).not.toBe('');
        if (!item.enforced) expect(item.detail).toBeTruthy();
      }
      if (policy.fs !== undefined) expect(p.items.some((i) => i.what === 'file system')).toBe(true);
      if (policy.vows !== undefined) expect(p.items.some((i) => i.what.startsWith('vows:'))).toBe(true);
      if (policy.net === false || typeof policy.net === 'object') expect(p.items.some((i) => i.what.startsWith('network'))).toBe(true);
    }
    expect(planned).toBeGreaterThan(1000);
  });
});
