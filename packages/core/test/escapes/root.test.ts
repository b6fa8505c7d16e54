// #17 escape 2 (root children) and 3 (vsock and other families under --no-net): each attack as
// the issue describes it, through `exile run` / spawn(), as root and as nobody, with the same
// attack unsandboxed first where it works here (so the test can fail), and the allowed side.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastJson, runScript, sharedTempDir } from '@exile/test-utils';
import { attacks, CLI, lastObject, runAs, workTree, type User } from './run.js';

const PY = '/usr/bin/python3';
const files = attacks('attack.py');
const script = files['attack.py']!;
const SYSTEM = ['/usr', '/lib', '/bin', '/lib64', dirname(script)];
const ro = SYSTEM.flatMap((p) => ['--rox', p]);
const isRoot = process.geteuid?.() === 0;

type Result = Record<string, string>;
const exile = (user: User, flags: string[], attack: string[], env: NodeJS.ProcessEnv = {}): Result => {
  const r = runAs(user, [process.execPath, CLI, 'run', ...flags, '--', PY, script, ...attack], env);
  return lastObject<Result>(r.stdout + r.stderr);
};
const bare = (user: User, attack: string[]): Result => lastObject<Result>(runAs(user, [PY, script, ...attack]).stdout);
const workDir = () => workTree('ro', 'rw');

describe.each<User>(['current', 'nobody'])('root escapes are closed, as %s', (user) => {
  it('the mount fallback (Landlock ABI < 3): no procfs, no read-write remount of --ro; --rw still writes', () => {
    const dir = workDir();
    const flags = [...ro, '--ro', join(dir, 'ro'), '--rw', join(dir, 'rw')];
    const view = { EXILE_LANDLOCK_ABI_MAX: '2' };
    if (isRoot && user === 'current') {
      const control = spawnSync('unshare', ['--mount', PY, script, 'mount-proc', join(dir, 'control')], { encoding: 'utf8' });
      expect(lastObject<Result>(control.stdout)).toEqual({ 'mount-proc': 'ok' });
    }
    expect(exile(user, flags, ['mount-proc', join(dir, 'rw')], view)).toEqual({ 'mount-proc': 'EPERM' });
    expect(exile(user, flags, ['remount-rw', join(dir, 'ro')], view)).toEqual({ 'remount-rw': 'EPERM' });
    const write = runAs(user, [process.execPath, CLI, 'run', ...flags, '--', '/bin/sh', '-c', `echo w > ${dir}/rw/f && cat ${dir}/rw/f`], view);
    expect(write.stdout).toBe('w\n');
  });

  it('--no-net: setns() back into the caller\'s network namespace is refused', () => {
    const control = bare(user, ['setns', String(process.pid)]);
    if (isRoot && user === 'current') expect(control).toEqual({ setns: 'ok' });
    const r = exile(user, ['--no-net'], ['setns', String(process.pid)]);
    expect(['EPERM', 'EACCES']).toContain(r.setns);
  });

  it('--no-net: only AF_UNIX sockets — netlink, packet, vsock refused (vsock is not namespaced); unix works', () => {
    expect(bare(user, ['socket', '16', '3'])).toEqual({ socket: 'ok' }); // AF_NETLINK works unsandboxed
    expect(exile(user, ['--no-net'], ['socket', '16', '3'])).toEqual({ socket: 'EAFNOSUPPORT' });
    expect(exile(user, ['--no-net'], ['socket', '17', '3'])).toEqual({ socket: 'EAFNOSUPPORT' }); // AF_PACKET
    expect(exile(user, ['--no-net'], ['socket', '40', '1'])).toEqual({ socket: 'EAFNOSUPPORT' }); // AF_VSOCK
    expect(exile(user, ['--no-net'], ['socket', '2', '1'])).toEqual({ socket: 'EAFNOSUPPORT' }); // AF_INET
    expect(exile(user, ['--no-net'], ['socket', '1', '1'])).toEqual({ socket: 'ok' }); // AF_UNIX
  });

  it('spawn({ net: false }): pidfd_getfd() of the caller\'s connected TCP socket is refused; unsandboxed it works', () => {
    const steal = (sandboxed: boolean) => {
      const r = runScript(`
        import net from 'node:net';
        import { spawn as nodeSpawn } from 'node:child_process';
        import { spawn } from '@exile/core';
        let got = '';
        const server = net.createServer((s) => s.on('data', (d) => (got += d)));
        await new Promise((res) => server.listen(0, '127.0.0.1', res));
        const client = net.connect(server.address().port, '127.0.0.1');
        await new Promise((res) => client.on('connect', res));
        const argv = [${JSON.stringify(script)}, 'pidfd-getfd', String(process.pid), String(client._handle.fd)];
        const child = ${sandboxed ? "spawn({ net: false }, '/usr/bin/python3', argv, { stdio: ['ignore', 'pipe', 'inherit'] })" : "nodeSpawn('/usr/bin/python3', argv, { stdio: ['ignore', 'pipe', 'inherit'] })"};
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        await new Promise((res) => child.on('close', res));
        await new Promise((res) => setImmediate(res));
        client.end();
        await new Promise((res) => server.close(res));
        console.log(JSON.stringify({ child: JSON.parse(out), got }));`, { from: import.meta.url, user });
      return lastJson<{ child: Result; got: string }>(r.stdout);
    };
    expect(steal(false)).toEqual({ child: { 'pidfd-getfd': 'ok' }, got: 'stolen\n' });
    const blocked = steal(true);
    expect(['EPERM', 'EACCES']).toContain(blocked.child['pidfd-getfd']);
    expect(blocked.got).toBe('');
  });

  it('--rw DIR: mknod of a block device in DIR is refused (Landlock write has no make-block any more)', () => {
    const dir = workDir();
    const r = exile(user, [...ro, '--rw', join(dir, 'rw'), '--no-net'], ['mknod', join(dir, 'rw', 'disk'), 'b', '7', '0']);
    expect(['EACCES', 'EPERM']).toContain(r.mknod);
    expect(existsSync(join(dir, 'rw', 'disk'))).toBe(false);
  });

  it('--make-dev DIR (fs.makeDevices): refused without it; with it and --cap-keep mknod, root creates a device and nobody (no CAP_MKNOD to keep) still cannot', () => {
    const dir = workDir();
    const rw = join(dir, 'rw');
    const mknod = (flags: string[], name: string) => exile(user, [...ro, '--rw', rw, ...flags], ['mknod', join(rw, name), 'c', '1', '3']);
    expect(mknod([], 'a')).toEqual({ mknod: 'EACCES' });
    expect(mknod(['--make-dev', rw], 'b')).toEqual({ mknod: 'EPERM' });
    const both = mknod(['--make-dev', rw, '--cap-keep', 'mknod'], 'c');
    expect(both).toEqual({ mknod: isRoot && user === 'current' ? 'ok' : 'EPERM' });
    expect(existsSync(join(rw, 'c'))).toBe(isRoot && user === 'current');
    expect(existsSync(join(rw, 'a')) || existsSync(join(rw, 'b'))).toBe(false);
  });
});

describe.runIf(isRoot)('a root caller keeps nothing by accident', () => {
  const policyFile = (policy: object) => {
    const file = join(sharedTempDir('exile-policy-'), 'policy.json');
    writeFileSync(file, JSON.stringify(policy));
    return file;
  };

  it('every capability is dropped by default (sethostname refused); capabilities.keep keeps exactly those, reported', () => {
    expect(bare('current', ['sethostname'])).toEqual({ sethostname: 'ok' }); // sets the name it already has
    expect(exile('current', [], ['sethostname'])).toEqual({ sethostname: 'EPERM' });
    expect(exile('current', [], ['capeff'])).toEqual({ capeff: '0000000000000000' });
    const keep = policyFile({ capabilities: { keep: ['net_bind_service'] } });
    expect(exile('current', ['--policy', keep], ['capeff'])).toEqual({ capeff: '0000000000000400' });
    const report = runAs('current', [process.execPath, CLI, 'run', '--policy', keep, '--report', '--', '/bin/true']);
    expect(report.stderr).toContain('exile: enforced: capabilities: keep only CAP_NET_BIND_SERVICE');
  });

  it('device nodes need fs.makeDevices and CAP_MKNOD kept: without either, refused; with both, created', () => {
    const dir = workDir();
    const rw = join(dir, 'rw');
    const control = join(dir, 'control-null');
    expect(bare('current', ['mknod', control, 'c', '1', '3'])).toEqual({ mknod: 'ok' });
    rmSync(control);
    const fs = { read: SYSTEM, exec: SYSTEM, write: [rw] };
    const mknod = (policy: object, name: string) => exile('current', ['--policy', policyFile(policy)], ['mknod', join(rw, name), 'c', '1', '3']);
    expect(mknod({ fs, capabilities: { keep: ['mknod'] } }, 'a')).toEqual({ mknod: 'EACCES' });
    expect(mknod({ fs: { ...fs, makeDevices: [rw] } }, 'b')).toEqual({ mknod: 'EPERM' });
    expect(mknod({ fs: { ...fs, makeDevices: [rw] }, capabilities: { keep: ['mknod'] } }, 'c')).toEqual({ mknod: 'ok' });
    expect(existsSync(join(rw, 'c'))).toBe(true);
    expect(existsSync(join(rw, 'a')) || existsSync(join(rw, 'b'))).toBe(false);
  });
});
