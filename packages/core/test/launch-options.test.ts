import { describe, expect, it } from 'vitest';
import { dropOpsBeforeExec } from '@exile/caps';
import { launchOptions } from '../src/start/launch-options.js';
import type { Plan } from '../src/index.js';

const base: Plan = { target: 'child', mode: 'strict', items: [], steps: [] };

describe('launchOptions (plan → @exile/namespaces options)', () => {
  it('maps namespaces, the mount view and the pre-exec steps', () => {
    const instructions = new Uint8Array(8);
    const filter = { program: { instructions }, pidSlots: [0] };
    const options = launchOptions({ ...base, steps: [
      { step: 'namespaces', user: true, mount: true, net: true, pid: true, ipc: false, uts: false, cgroup: false },
      { step: 'mounts', read: ['/data', '/usr'], write: ['/out'], exec: ['/usr'], devices: true },
      { step: 'caps', keep: ['CAP_NET_BIND_SERVICE'] },
      { step: 'no-new-privs' },
      { step: 'seccomp', rules: [], vows: ['stdio'], penalty: 'kill', errno: 'EPERM' },
    ] }, filter);
    expect(options).toEqual({
      namespaces: { user: true, mount: true, net: true, pid: true, ipc: false, uts: false, cgroup: false },
      fs: { root: 'empty', mounts: [
        { type: 'bind', source: '/data', readOnly: true, noexec: true },
        { type: 'bind', source: '/usr', readOnly: true, noexec: false },
        { type: 'bind', source: '/out', readOnly: false, noexec: true },
        { type: 'dev' },
        { type: 'proc' },
      ] },
      // In a new user namespace the launcher holds every capability: @exile/caps' recipe for that.
      preExec: [{ type: 'caps', ops: dropOpsBeforeExec({ keep: ['CAP_NET_BIND_SERVICE'] }, { userNamespace: true }) }, { type: 'no-new-privs' }, { type: 'seccomp', filter: instructions, pidSlots: [0] }],
    });
  });

  it('a pid namespace on the host tree gets a fresh /proc', () => {
    expect(launchOptions({ ...base, steps: [{ step: 'namespaces', user: true, mount: true, net: false, pid: true, ipc: false, uts: false, cgroup: false }] }, undefined).fs)
      .toEqual({ root: 'host', mounts: [{ type: 'proc' }] });
  });

  it('no proc without a pid namespace; nothing extra for an empty plan', () => {
    expect(launchOptions({ ...base, steps: [{ step: 'mounts', read: [], write: [], exec: [], devices: true }] }, undefined).fs?.mounts).toEqual([{ type: 'dev' }]);
    expect(launchOptions({ ...base, steps: [{ step: 'mounts', read: [], write: [], exec: [], devices: false }] }, undefined).fs?.mounts).toEqual([]);
    expect(launchOptions(base, undefined)).toEqual({});
  });
});
