import { describe, expect, it } from 'vitest';
import { buildPlan, CloneFlags, ExileError, STEP_ORDER } from '../src/index.js';
import { mountOps } from '../src/mounts.js';

const uid = process.geteuid?.() ?? 0;
const gid = process.getegid?.() ?? 0;

function rejects(fn: () => unknown, path: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ExileError);
    expect(error).toMatchObject({ code: 'ERR_EXILE_INVALID_POLICY', details: { path } });
    return;
  }
  throw new Error(`accepted, expected a rejection at ${path}`);
}

describe('buildPlan: namespaces', () => {
  it('creates none by default and runs the program as is', () => {
    const plan = buildPlan('true', []);
    expect(plan).toMatchObject({ cloneFlags: 0, uidMap: [], gidMap: [], mounts: [], steps: [], setgroupsDeny: false, loopback: false });
  });

  it("'all' is every namespace, with loopback up and private propagation", () => {
    const plan = buildPlan('true', [], { namespaces: 'all' });
    expect(plan.cloneFlags).toBe(Object.values(CloneFlags).reduce<number>((a, b) => a | b, 0));
    expect(plan).toMatchObject({ loopback: true, mountPrivate: true, setgroupsDeny: true });
  });

  it('any namespace implies a user namespace mapping the caller to itself', () => {
    const plan = buildPlan('true', [], { namespaces: { net: true } });
    expect(plan.cloneFlags).toBe(CloneFlags.net | CloneFlags.user);
    expect(plan.uidMap).toEqual([{ inside: uid, outside: uid, count: 1 }]);
    expect(plan.gidMap).toEqual([{ inside: gid, outside: gid, count: 1 }]);
  });

  it('user: false keeps the namespaces without a user namespace (for root)', () => {
    expect(buildPlan('true', [], { namespaces: { net: true, user: false } }).cloneFlags).toBe(CloneFlags.net);
  });

  it('fs implies mount, hostname implies uts', () => {
    expect(buildPlan('true', [], { fs: {} }).cloneFlags).toBe(CloneFlags.mount | CloneFlags.user);
    expect(buildPlan('true', [], { hostname: 'h' })).toMatchObject({ cloneFlags: CloneFlags.uts | CloneFlags.user, hostname: 'h' });
    rejects(() => buildPlan('true', [], { fs: {}, namespaces: { mount: false } }), '$.fs');
  });

  it('uid/gid choose the inside ids', () => {
    expect(buildPlan('true', [], { namespaces: { user: true }, uid: 0, gid: 7 })).toMatchObject({
      uidMap: [{ inside: 0, outside: uid, count: 1 }], gidMap: [{ inside: 7, outside: gid, count: 1 }],
    });
    rejects(() => buildPlan('true', [], { uid: 0, namespaces: { user: false, net: true } }), '$.uid');
    rejects(() => buildPlan('true', [], { namespaces: 'all', uid: 2 ** 32 - 1 }), '$.uid');
    rejects(() => buildPlan('true', [], { namespaces: 'all', gid: -1 }), '$.gid');
  });
});

describe('buildPlan: file system', () => {
  it('an empty root is staged, created and entered at /', () => {
    const plan = buildPlan('true', [], { fs: { root: 'empty', mounts: [{ type: 'bind', source: '/usr', readOnly: true }] } });
    expect(plan).toMatchObject({ staging: '/tmp', createTargets: true, cwd: '/' });
    expect(plan.mounts).toEqual([{ op: 'bind', source: '/usr', target: '/usr', readOnly: true, recursive: true, optional: false, nosuid: true, nodev: true, noexec: false }]);
  });

  it('binds are nosuid and nodev unless devices is set', () => {
    const [op] = buildPlan('true', [], { fs: { mounts: [{ type: 'bind', source: '/dev/null', devices: true }] } }).mounts;
    expect(op).toMatchObject({ nosuid: true, nodev: false });
  });

  it('dev expands to a tmpfs, the basic devices, devpts and links', () => {
    const ops = buildPlan('true', [], { fs: { root: 'empty', mounts: [{ type: 'dev' }] } }).mounts;
    expect(ops.map((o) => `${o.op} ${o.target}`)).toEqual([
      'tmpfs /dev', 'bind /dev/null', 'bind /dev/zero', 'bind /dev/full', 'bind /dev/random', 'bind /dev/urandom', 'bind /dev/tty',
      'mkdir /dev/shm', 'devpts /dev/pts', 'symlink /dev/ptmx', 'symlink /dev/fd', 'symlink /dev/stdin', 'symlink /dev/stdout', 'symlink /dev/stderr',
    ]);
  });

  it('a pid namespace on the host tree gets its own /proc', () => {
    // The caller here is root, so the host-wide corners of /proc are covered (mountOps tests nobody's case).
    expect(buildPlan('true', [], { namespaces: { pid: true, mount: true } }).mounts.map((o) => `${o.op} ${o.target}`)).toEqual([
      'proc /proc', 'remount-ro /proc/sys', 'remount-ro /proc/sysrq-trigger', 'remount-ro /proc/irq', 'remount-ro /proc/bus',
    ]);
    expect(mountOps({ type: 'proc' }, 'm', { emptyRoot: true, hostRoot: false })).toEqual([{ op: 'proc', target: '/proc' }]);
    expect(buildPlan('true', [], { namespaces: { pid: true } }).mounts).toEqual([]);
    expect(buildPlan('true', [], { namespaces: 'all', fs: { root: 'empty' } }).mounts).toEqual([]);
  });

  it('rejects bad mounts with their JSON path', () => {
    const fsWith = (m: unknown): unknown => buildPlan('true', [], { fs: { root: 'empty', mounts: [{ type: 'proc' }, m as never] } });
    rejects(() => fsWith({ type: 'bind', source: 'usr' }), '$.fs.mounts[1].source');
    rejects(() => fsWith({ type: 'bind', source: '/usr/../etc' }), '$.fs.mounts[1].source');
    rejects(() => fsWith({ type: 'tmpfs', target: '/' }), '$.fs.mounts[1].target');
    rejects(() => fsWith({ type: 'tmpfs', target: '/t', mode: 0o10000 }), '$.fs.mounts[1].mode');
    rejects(() => fsWith({ type: 'nfs', target: '/t' }), '$.fs.mounts[1].type');
    rejects(() => fsWith({ type: 'bind', source: '/usr', readonly: true }), '$.fs.mounts[1].readonly');
    rejects(() => fsWith({ type: 'file', target: '/f', content: 'x'.repeat(65537) }), '$.fs.mounts[1].content');
    rejects(() => buildPlan('true', [], { fs: { mounts: [{ type: 'dir', target: '/x' }] } }), '$.fs.mounts[0].type');
    rejects(() => buildPlan('true', [], { fs: { root: 'none' as never } }), '$.fs.root');
  });
});

describe('buildPlan: pre-exec steps', () => {
  const filter = new Uint8Array(8);

  it('orders steps caps → no-new-privs → landlock → seccomp, stable within a kind', () => {
    const plan = buildPlan('true', [], { preExec: [
      { type: 'seccomp', filter }, { type: 'landlock', ruleset: new Uint8Array([1]) }, { type: 'no-new-privs' }, { type: 'seccomp', filter: new Uint8Array(16) },
      { type: 'caps', ops: new Uint8Array(40) }, { type: 'landlock', ruleset: new Uint8Array([2]) },
    ] });
    expect(plan.steps.map((s) => s.step)).toEqual(['caps', 'no-new-privs', 'landlock', 'landlock', 'seccomp', 'seccomp']);
    expect(plan.steps.slice(2, 4).map((s) => s.step === 'landlock' && s.ruleset[0])).toEqual([1, 2]);
    expect(plan.steps.slice(4).map((s) => s.step === 'seccomp' && s.filter.length)).toEqual([8, 16]);
    expect(STEP_ORDER).toEqual(['caps', 'no-new-privs', 'landlock', 'seccomp']);
  });

  it('carries a Landlock ruleset as given: a copy, opaque', () => {
    const ruleset = new Uint8Array([1, 2, 3]);
    const step = buildPlan('true', [], { preExec: [{ type: 'landlock', ruleset }] }).steps[0];
    expect(step).toEqual({ step: 'landlock', ruleset });
    expect(step?.step === 'landlock' && step.ruleset).not.toBe(ruleset);
  });

  it('carries the caps ops as given: a copy, opaque', () => {
    const ops = new Uint8Array(40).fill(7);
    expect(buildPlan('true', [], { preExec: [{ type: 'caps', ops }] }).steps[0]).toEqual({ step: 'caps', ops });
    rejects(() => buildPlan('true', [], { preExec: [{ type: 'caps', keep: [1] } as never] }), '$.preExec[0].keep');
    rejects(() => buildPlan('true', [], { preExec: [{ type: 'caps', ops: new Uint8Array(0) }] }), '$.preExec[0].ops');
  });

  it('rejects malformed steps with their JSON path', () => {
    rejects(() => buildPlan('true', [], { preExec: [{ type: 'seccomp', filter: new Uint8Array(7) }] }), '$.preExec[0].filter');
    rejects(() => buildPlan('true', [], { preExec: [{ type: 'seccomp', filter, flags: 8 }] }), '$.preExec[0].flags');
    rejects(() => buildPlan('true', [], { preExec: [{ type: 'seccomp', filter, pidSlots: [filter.length / 8] }] }), '$.preExec[0].pidSlots[0]');
    rejects(() => buildPlan('true', [], { preExec: [{ type: 'seccomp', filter, pidSlots: 3 as never }] }), '$.preExec[0].pidSlots');
    rejects(() => buildPlan('true', [], { preExec: [{ type: 'landlock', ruleset: [1] as never }] }), '$.preExec[0].ruleset');
    rejects(() => buildPlan('true', [], { preExec: [{ type: 'landlock', ruleset: new Uint8Array(0) }] }), '$.preExec[0].ruleset');
    rejects(() => buildPlan('true', [], { preExec: [{ type: 'landlock', ruleset: new Uint8Array(1), abi: 6 } as never] }), '$.preExec[0].abi');
    rejects(() => buildPlan('true', [], { preExec: [{ type: 'pledge' } as never] }), '$.preExec[0].type');
  });
});

describe('buildPlan: program, environment, fds', () => {
  it('searches PATH of the target environment, like execvp', () => {
    expect(buildPlan('ls', [], { env: { PATH: '/a:/b/:' } }).exec).toEqual(['/a/ls', '/b/ls', './ls']);
    expect(buildPlan('ls', [], { clearEnv: true }).exec).toEqual(['/usr/local/bin/ls', '/usr/bin/ls', '/bin/ls']);
    expect(buildPlan('./x', []).exec).toEqual(['./x']);
  });

  it('clearEnv passes only env; without it the parent environment is inherited', () => {
    expect(buildPlan('true', [], { clearEnv: true }).env).toEqual([]);
    expect(buildPlan('true', [], { clearEnv: true, env: { A: '1', B: undefined } }).env).toEqual(['A=1']);
    expect(buildPlan('true', []).env).toContain(`PATH=${process.env.PATH}`);
    rejects(() => buildPlan('true', [], { env: { 'A=B': 'x' } }), '$.env["A=B"]');
  });

  it('argv0 replaces argv[0]', () => {
    expect(buildPlan('sh', ['-c', 'x'], { argv0: 'shell' }).argv).toEqual(['shell', '-c', 'x']);
  });

  it('keeps the stdio fds and puts the plan fd right after them', () => {
    expect(buildPlan('true', [])).toMatchObject({ keepFds: 3, planFd: 3 });
    expect(buildPlan('true', [], { stdio: ['pipe', 'pipe', 'pipe', 'ignore', 'pipe'] })).toMatchObject({ keepFds: 5, planFd: 5 });
    rejects(() => buildPlan('true', [], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] }), '$.stdio[3]');
  });

  it('rejects unknown options, bad commands and arguments', () => {
    rejects(() => buildPlan('true', [], { namespace: 'all' } as never), '$.namespace');
    rejects(() => buildPlan('true', [], { shell: true } as never), '$.shell');
    rejects(() => buildPlan('', []), 'command');
    rejects(() => buildPlan('true', ['a\0b']), 'args[0]');
    rejects(() => buildPlan('true', [], { namespaces: { users: true } as never }), '$.namespaces.users');
    rejects(() => buildPlan('true', [], { hostname: 'x'.repeat(65) }), '$.hostname');
    rejects(() => buildPlan('true', [], { fs: { root: 'empty' }, cwd: 'relative' }), '$.cwd');
  });
});
