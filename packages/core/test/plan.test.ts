import { describe, expect, it } from 'vitest';
import { thrown } from '@exile/test-utils';
import { ErrorCodes, ExileError, type Policy, type Step } from '../src/index.js';
import { plan } from '../src/plan/plan.js';
import { noNetworkRules, tcpOnlyRules } from '../src/plan/net-rules.js';
import { execRules, terminalRules } from '../src/plan/guard-rules.js';
import { validatePolicy } from '../src/policy/validate.js';
import type { Target } from '../src/plan/types.js';
import { fakeFeatures } from './fake-features.js';
import { DEVICE_RULES } from '../src/plan/devices.js';

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

  it('maps the everyday fs vocabulary: write and exec paths are readable (and listable) too', () => {
    expect(step(p.steps, 'landlock')!.spec).toEqual({
      fs: { read: ['/usr', '/tmp/out', '/bin'], write: ['/tmp/out'], exec: ['/bin'] },
      net: { bindTcp: [], connectTcp: [443] },
      compat: 'hard',
    });
  });

  it('puts the deny-only network rules before the policy rules, then the vows', () => {
    expect(step(p.steps, 'seccomp')).toEqual({ step: 'seccomp', rules: [...terminalRules, ...execRules, ...tcpOnlyRules, ...full.syscalls!], vows: ['stdio', 'rpath', 'inet'], penalty: 'kill', errno: 'EPERM' });
  });

  it('reports every item enforced, each with what and mechanism', () => {
    expect(p.items.map((i) => [i.what, i.mechanism, i.enforced])).toEqual([
      ['file system', 'landlock ABI 7', true],
      // Rights newer than ABI 7, which the policy does not need: listed, not required.
      ['landlock right fs:resolve-unix', 'landlock ABI 7', false],
      ['network: TCP connect to port 443, bind to no port', 'landlock ABI 7', true],
      ...['net:bind-udp', 'net:connect-send-udp'].map((right) => [`landlock right ${right}`, 'landlock ABI 7', false]),
      ['network: sockets other than TCP and AF_UNIX', 'seccomp', true],
      // One filter, installed on every thread, carries these.
      ...[
        'terminal input injection (ioctl TIOCSTI, TIOCLINUX)',
        'exec of unnamed files (memfd_create without MFD_NOEXEC_SEAL, execveat AT_EMPTY_PATH)',
        'exec: code mapped from readable files (ld.so DIR/prog, dlopen)',
        'vows: stdio rpath inet',
        'syscall rules: 1',
      ].map((what) => [what, 'seccomp (TSYNC: every thread)', true]),
      ['capabilities: drop all', 'capset, bounding and ambient sets', true],
      ['no new privileges (setuid/file capabilities ignored on exec)', 'prctl(PR_SET_NO_NEW_PRIVS)', true],
    ]);
    expect(p.items[0]!.detail).toBe('read /usr; write /tmp/out; exec /bin; everything else denied, every thread via the @exile/threads broadcast');
  });

  it('uses Landlock TSYNC from ABI 8', () => {
    expect(planFor({ fs: false }, 'process', { landlockAbi: 8 }).items[0]!.detail).toContain('every thread at once via Landlock TSYNC');
  });

  it('an empty policy still sets no_new_privs and nothing else', () => {
    expect(stepNames(planFor({}).steps)).toEqual(['no-new-privs']);
  });

  it('fs: false is a Landlock ruleset with no rules', () => {
    expect(step(planFor({ fs: false }).steps, 'landlock')!.spec.fs).toEqual({ read: [], write: [], exec: [] });
  });

  it('net: false is seccomp (AF_UNIX only) plus Landlock TCP with no ports', () => {
    const q = planFor({ net: false });
    expect(step(q.steps, 'seccomp')!.rules).toEqual([...terminalRules, ...noNetworkRules]);
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
    // Once, from @exile/landlock's planner.
    expect(p.items.filter((i) => i.what.includes('truncate'))).toEqual([
      { what: 'landlock right fs:truncate', mechanism: 'landlock ABI 2', enforced: false, detail: 'requested; needs Landlock ABI 3, this kernel has 2' },
    ]);
  });

  it('Landlock ABI 3 (capped): plain fs works in strict mode; TCP ports do not', () => {
    expect(stepNames(planFor({ fs: { read: ['/usr'] } }, 'process', { landlockAbi: 3 }).steps)).toContain('landlock');
    expect(thrown(() => planFor({ net: { bind: [8080] } }, 'process', { landlockAbi: 3 })).message).toContain('needs Landlock ABI 4');
  });

  it('Landlock ABI 3: net false in-process lacks the abstract-socket scope — strict refuses; best-effort keeps seccomp and reports Landlock', () => {
    expect(thrown(() => planFor({ net: false }, 'process', { landlockAbi: 3 })).message).toContain('scope: abstract Unix sockets only within the sandbox (needs Landlock ABI 6');
    const p = planFor({ net: false, mode: 'best-effort' }, 'process', { landlockAbi: 3 });
    expect(stepNames(p.steps)).toEqual(['no-new-privs', 'seccomp']);
    expect(p.items.filter((i) => i.mechanism === 'landlock').map((i) => i.enforced)).toEqual([false, false]);
  });

  it('scopes: a started program gets signal and abstract-unix-socket from ABI 6; enable() the abstract one with net false', () => {
    expect(step(planFor({}, 'child').steps, 'landlock')!.spec).toEqual({ scope: ['signal', 'abstract-unix-socket'], compat: 'hard' });
    expect(step(planFor({}, 'launch').steps, 'landlock')!.spec.scope).toEqual(['signal', 'abstract-unix-socket']);
    expect(step(planFor({ net: false }).steps, 'landlock')!.spec.scope).toEqual(['abstract-unix-socket']);
    expect(step(planFor({ fs: false }).steps, 'landlock')!.spec.scope).toBeUndefined();
    expect(planFor({}, 'child').items.filter((i) => i.what.startsWith('scope:')).map((i) => [i.what, i.mechanism, i.enforced])).toEqual([
      ['scope: signals and ptrace (pidfd_getfd, /proc/PID/ns) only within the sandbox', 'landlock ABI 7', true],
      ['scope: abstract Unix sockets only within the sandbox', 'landlock ABI 7', true],
    ]);
  });

  it('scopes below ABI 6: a pid namespace stands in for signal, the network namespace for abstract sockets; else strict refuses', () => {
    const p = planFor({ net: false }, 'child', { landlockAbi: 5 });
    expect(step(p.steps, 'namespaces')).toMatchObject({ user: true, pid: true, mount: true, net: true });
    expect(p.items.filter((i) => i.what.startsWith('scope:')).map((i) => i.mechanism)).toEqual(['pid namespace', 'network namespace']);
    expect(step(p.steps, 'landlock')).toBeUndefined();
    // Network allowed: abstract sockets are reported, not required.
    expect(planFor({}, 'child', { landlockAbi: 5 }).items.find((i) => i.what.startsWith('scope: abstract'))).toMatchObject({ enforced: false });
    expect(thrown(() => planFor({ net: { connect: [443] } }, 'child', { landlockAbi: 5 })).message).toContain('scope: abstract Unix sockets');
    expect(thrown(() => planFor({}, 'child', { landlockAbi: 5, userNamespaces: false })).message).toContain('scope: signals');
  });

  it('scopes without Landlock erratum 2: a started program still gets the signal scope (one domain, set before exec), no pid namespace', () => {
    const p = planFor({}, 'child', { landlockAbi: 6, errata: 0b101 });
    expect(step(p.steps, 'landlock')!.spec.scope).toEqual(['signal', 'abstract-unix-socket']);
    expect(step(p.steps, 'namespaces')).toBeUndefined();
    expect(p.items.find((i) => i.what.startsWith('scope: signals'))).toMatchObject({ mechanism: 'landlock ABI 6', enforced: true });
  });

  it('seccomp without TSYNC cannot cover every thread in-process, but is fine before a child execs', () => {
    expect(thrown(() => planFor({ vows: 'stdio' }, 'process', { tsync: false })).message).toContain('TSYNC');
    expect(stepNames(planFor({ vows: 'stdio' }, 'child', { tsync: false }).steps)).toContain('seccomp');
  });

  it('no seccomp at all: best-effort drops the filter and says so', () => {
    const p = planFor({ vows: 'stdio', mode: 'best-effort' }, 'process', { seccomp: false });
    expect(stepNames(p.steps)).toEqual(['no-new-privs']);
    expect(p.items).toContainEqual(expect.objectContaining({ what: 'vows: stdio', enforced: false, detail: 'seccomp filters are not available on this kernel' }));
    expect(p.items.some((i) => i.what.startsWith('terminal'))).toBe(false);
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
  it('net false → network namespace in a user namespace (root too), plus the AF_UNIX-only socket filter (vsock is not namespaced)', () => {
    for (const root of [false, true]) {
      const p = planFor({ net: false }, 'child', { root });
      expect(p.steps[0]).toEqual({ step: 'namespaces', user: true, mount: false, net: true, pid: false, ipc: false, uts: false, cgroup: false });
      expect(step(p.steps, 'seccomp')!.rules).toEqual([...terminalRules, ...noNetworkRules]);
      expect(p.items[0]).toMatchObject({ what: 'network: none', mechanism: 'network namespace', enforced: true });
      expect(p.items[1]).toMatchObject({ what: expect.stringContaining('new sockets other than AF_UNIX (vsock'), mechanism: 'seccomp', enforced: true });
    }
  });

  it('root without user namespaces gets no namespaces: the socket filter and Landlock instead', () => {
    const p = planFor({ net: false }, 'child', { userNamespaces: false, root: true });
    expect(step(p.steps, 'namespaces')).toBeUndefined();
    expect(step(p.steps, 'seccomp')!.rules).toEqual([...terminalRules, ...noNetworkRules]);
  });

  it('a started program drops every capability unless the policy keeps some, and says so', () => {
    const p = planFor({}, 'child', { root: true });
    expect(step(p.steps, 'caps')).toEqual({ step: 'caps', keep: [] });
    expect(p.items).toContainEqual(expect.objectContaining({ what: 'capabilities: drop all', enforced: true, detail: expect.stringContaining('default for a started program') }));
    const kept = planFor({ capabilities: { keep: ['net_raw'] } }, 'launch', { root: true });
    expect(step(kept.steps, 'caps')).toEqual({ step: 'caps', keep: ['CAP_NET_RAW'] });
    expect(kept.items).toContainEqual(expect.objectContaining({ what: 'capabilities: keep only CAP_NET_RAW', enforced: true }));
    expect(step(planFor({}, 'process', { root: true }).steps, 'caps')).toBeUndefined();
    // Unprivileged without namespaces there is nothing to drop; in a user namespace there is.
    expect(step(planFor({}, 'child').steps, 'caps')).toBeUndefined();
    expect(step(planFor({ net: false }, 'child').steps, 'caps')).toEqual({ step: 'caps', keep: [] });
    // Keeping what this process lacks gives nothing: the report says so.
    expect(planFor({ capabilities: { keep: ['mknod'] } }, 'child').items).toContainEqual(expect.objectContaining({
      what: 'capabilities: keep only CAP_MKNOD', detail: 'this process holds none of them, so the program starts with none' }));
    expect(kept.items.find((i) => i.what.startsWith('capabilities:'))!.detail).toBeUndefined();
  });

  it('a started program always gets the terminal rules and reports its session; this process only with a filter', () => {
    const p = planFor({}, 'child');
    expect(step(p.steps, 'seccomp')).toEqual({ step: 'seccomp', rules: terminalRules, vows: undefined, penalty: 'kill', errno: 'EPERM' });
    expect(p.items).toContainEqual(expect.objectContaining({ what: 'session: a new one, no controlling terminal', mechanism: 'setsid() before exec', enforced: true }));
    const shared = plan(validatePolicy({}), fakeFeatures(), 'launch', { newSession: false });
    expect(shared.items).toContainEqual(expect.objectContaining({ what: 'session: the caller\'s (job control)', enforced: false }));
    expect(planFor({}, 'process').items.some((i) => i.what.startsWith('session') || i.what.startsWith('terminal'))).toBe(false);
    expect(step(planFor({ vows: 'stdio' }).steps, 'seccomp')!.rules).toEqual(terminalRules);
  });

  it('exec rules and the ld.so line come with fs; vows without prot_exec close ld.so in-process only', () => {
    const child = planFor({ fs: { read: ['/usr'] }, vows: 'stdio rpath' }, 'child');
    expect(step(child.steps, 'seccomp')!.rules).toEqual([...terminalRules, ...execRules]);
    expect(child.items).toContainEqual(expect.objectContaining({ what: expect.stringContaining('ld.so'), enforced: false, detail: expect.stringContaining('keeps prot_exec') }));
    expect(planFor({ fs: { read: ['/usr'] } }).items).toContainEqual(expect.objectContaining({ what: expect.stringContaining('ld.so'), enforced: false, detail: expect.stringContaining('without "prot_exec"') }));
    expect(planFor({ fs: { read: ['/usr'] }, vows: 'stdio rpath' }).items).toContainEqual(expect.objectContaining({ what: expect.stringContaining('ld.so'), enforced: true }));
    expect(step(planFor({ vows: 'stdio' }, 'child').steps, 'seccomp')!.rules).toEqual(terminalRules);
  });

  it('net false without any namespaces → the seccomp socket filter + Landlock TCP rules before exec, after no_new_privs (no privilege needed)', () => {
    const user = planFor({ net: false }, 'child', { userNamespaces: false });
    expect(stepNames(user.steps)).toEqual(['no-new-privs', 'landlock', 'seccomp']);
    expect(step(user.steps, 'seccomp')!.rules).toEqual([...terminalRules, ...noNetworkRules]);
    expect(user.items[0]).toMatchObject({ what: 'network: TCP bind/connect, also on inherited sockets', enforced: true });
  });

  it('fs with Landlock → Landlock before exec, no user namespace needed (the launcher sets no_new_privs first)', () => {
    const p = planFor({ fs: { read: ['/usr'] } }, 'child');
    expect(stepNames(p.steps)).toEqual(['no-new-privs', 'landlock', 'seccomp']);
    expect(stepNames(planFor({ fs: { read: ['/usr'] } }, 'child', { userNamespaces: false }).steps)).toEqual(['no-new-privs', 'landlock', 'seccomp']);
    expect(p.items[0]!.detail).toContain('applied before exec');
    expect(stepNames(planFor({ fs: { read: ['/usr'] } }, 'child', { root: true }).steps)).toEqual(['caps', 'no-new-privs', 'landlock', 'seccomp']);
  });

  it('fs without Landlock → mount namespace view', () => {
    const p = planFor({ fs: { read: ['/usr'], write: ['/tmp/w'] } }, 'child', { landlockAbi: 0 });
    expect(stepNames(p.steps)).toEqual(['namespaces', 'mounts', 'caps', 'no-new-privs', 'seccomp']);
    expect(p.steps[0]).toMatchObject({ user: true, mount: true, net: false });
    expect(p.steps[1]).toEqual({ step: 'mounts', read: ['/usr'], write: ['/tmp/w'], exec: [], devices: true });
    expect(p.items[0]).toMatchObject({ mechanism: 'mount namespace + bind mounts + pivot_root', enforced: true });
  });

  it('with Landlock, a child gets it before exec: fs and TCP port rules, no mount view', () => {
    const p = planFor({ fs: { read: ['/usr'] }, net: { connect: [443] } }, 'child', { root: true });
    expect(stepNames(p.steps)).toEqual(['caps', 'no-new-privs', 'landlock', 'seccomp']);
    expect(step(p.steps, 'landlock')).toEqual({ step: 'landlock', spec: { fs: { read: ['/usr'], write: [], exec: [], rules: [...DEVICE_RULES] }, net: { bindTcp: [], connectTcp: [443] }, scope: ['signal', 'abstract-unix-socket'], compat: 'hard' } });
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
      // Strict keeps only what it need not enforce: Landlock's TCP rules under "no network" and
      // rights newer than the policy needs.
      if (policy.mode === 'strict') expect(p.items.filter((i) => !i.enforced && !i.mechanism.startsWith('landlock'))).toEqual([]);
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

describe('plan: defaults for started programs', () => {
  const devices = (p: ReturnType<typeof planFor>) => step(p.steps, 'landlock')?.spec.fs?.rules;
  it('the harmless device set: for spawn and launch, listed in the report; not for enable(), not with devices: false or fs: false', () => {
    for (const target of ['child', 'launch'] as const) {
      const p = planFor({ fs: { write: ['/tmp/out'] } }, target);
      expect(devices(p)).toEqual(DEVICE_RULES);
      expect(DEVICE_RULES.find((r) => r.path === '/dev/null')?.access).toEqual(['read-file', 'write-file', 'truncate']);
      expect(DEVICE_RULES.find((r) => r.path === '/dev/urandom')?.access).toEqual(['read-file']);
      expect(p.items.find((i) => i.what === 'file system: harmless devices')?.detail).toContain('/dev/null');
      expect(devices(planFor({ fs: { write: ['/tmp/out'], devices: false } }, target))).toBeUndefined();
      expect(devices(planFor({ fs: false }, target))).toBeUndefined();
    }
    expect(devices(planFor({ fs: { write: ['/tmp/out'] } }, 'process'))).toBeUndefined();
    // The mount fallback: a minimal /dev, or none.
    expect(step(planFor({ fs: { read: ['/usr'], devices: false } }, 'child', { landlockAbi: 0 }).steps, 'mounts')?.devices).toBe(false);
  });

  it('a write path inside an exec path (or the reverse): strict refuses naming both, best-effort warns, allowWriteExec accepts', () => {
    const e = thrown(() => planFor({ fs: { exec: ['/usr'], write: ['/tmp', '/usr/local/out'] } }, 'child'));
    expect(e).toBeInstanceOf(ExileError);
    expect((e as ExileError).code).toBe(ErrorCodes.INVALID_POLICY);
    expect(e.message).toContain('$.fs.write[1]: overlaps $.fs.exec[0]: /usr/local/out is writable inside the executable tree /usr');
    expect(e.message).toContain('"allowWriteExec": true');
    expect((e as ExileError).details).toMatchObject({ path: '$.fs.write[1]', write: '/usr/local/out', exec: '/usr' });
    expect(thrown(() => planFor({ fs: { exec: ['/home/me/bin'], write: ['/home'] } }, 'process')).message)
      .toContain('the executable /home/me/bin is inside the writable tree /home');
    const loose = planFor({ fs: { exec: ['/usr'], write: ['/usr/local/out'] }, mode: 'best-effort' }, 'child');
    expect(loose.items.find((i) => i.what === 'file system: no executing what was written')).toMatchObject({
      enforced: false, detail: expect.stringContaining('warning: /usr/local/out is writable inside the executable tree /usr'),
    });
    const accepted = planFor({ fs: { exec: ['/usr'], write: ['/usr/local/out'], allowWriteExec: true } }, 'child');
    expect(accepted.items.some((i) => i.what.includes('executing what was written'))).toBe(false);
    // Siblings and prefixes that are not parents do not overlap.
    expect(() => planFor({ fs: { exec: ['/usr'], write: ['/usrx', '/tmp'] } }, 'child')).not.toThrow();
  });
});
