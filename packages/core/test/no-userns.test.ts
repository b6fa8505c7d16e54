// spawn() and launch() on a system where user namespaces cannot be created: simulated for this
// process tree only, by a seccomp filter refusing CLONE_NEWUSER (what some distributions'
// policies do).
import { describe, expect, it } from 'vitest';
import { lastJson, runScript } from '@exile/test-utils';

const CLONE_NEWUSER = 0x10000000;
const NO_USER_NAMESPACES = `enable({ syscalls: [
  { syscall: 'unshare', action: { errno: 'EPERM' } },
  { syscall: 'clone', action: { errno: 'EPERM' }, args: [{ index: 0, op: 'masked-eq', mask: ${CLONE_NEWUSER}, value: ${CLONE_NEWUSER} }] },
  { syscall: 'clone3', action: { errno: 'ENOSYS' } },
] });`;

describe('Landlock for an unprivileged child without user namespaces', () => {
  it('spawn() and launch() get it before exec (exile-launch sets no_new_privs first): allowed reads work, others fail', () => {
    const r = runScript(`
      import { enable, launch, probe, spawn } from '@exile/core';
      ${NO_USER_NAMESPACES}
      const out = { userns: probe().userNamespaces.available };
      const cat = (file) => new Promise((res) => { const c = spawn({ fs: { read: ['/etc/passwd'], exec: ['/usr'] } }, '/usr/bin/cat', [file], { stdio: ['ignore', 'pipe', 'pipe'] }); let s = ''; c.stdout.on('data', (d) => (s += d)); c.stderr.on('data', (d) => (s += d)); c.on('error', (e) => res({ error: e.code })); c.on('close', (code) => res({ code, denied: /Permission denied/.test(s), items: c.report.items.filter((i) => i.what === 'file system').map((i) => [i.mechanism, i.enforced]) })); });
      out.allowed = await cat('/etc/passwd');
      out.denied = await cat('/etc/hostname');
      out.launched = await launch({ fs: { read: ['/etc/passwd'] } }, async (files) => { const fs = await import('node:fs'); return files.map((f) => { try { fs.readFileSync(f); return 'ok'; } catch (e) { return e.code; } }); }, ['/etc/passwd', '/etc/hostname']).catch((e) => e.code);
      console.log(JSON.stringify(out));`, { from: import.meta.url, user: 'nobody' });
    expect(r.stderr).toBe('');
    const out = lastJson<Record<string, unknown>>(r.stdout);
    expect(out.userns).toBe(false);
    expect(out.allowed).toEqual({ code: 0, denied: false, items: [[expect.stringMatching(/^landlock ABI \d+$/), true]] });
    expect(out.denied).toMatchObject({ code: 1, denied: true });
    expect(out.launched).toEqual(['ok', 'EACCES']);
  });
});

// On a kernel without Landlock (EXILE_LANDLOCK_ABI_MAX=0) the file system has no mechanism left.
describe('spawn() without user namespaces (unprivileged), strict vs best-effort', () => {
  it('falls back where it can, refuses in strict mode where it cannot, reports in best-effort', () => {
    const r = runScript(`
      import { enable, probe, spawn } from '@exile/core';
      ${NO_USER_NAMESPACES}
      const out = { userns: probe().userNamespaces.available };
      const run = (policy, cmd, args) => { try { const c = spawn(policy, cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }); return new Promise((res) => { let s = ''; c.stdout.on('data', (d) => (s += d)); c.on('error', (e) => res({ error: e.code })); c.on('close', (code) => res({ code, stdout: s, items: c.report.items.map((i) => [i.what, i.mechanism, i.enforced]) })); }); } catch (e) { return { thrown: e.code, message: e.message }; } };
      const connect = "require('net').connect(9, '127.0.0.1').on('error', (e) => { console.log(e.code); })";
      out.netStrict = await run({ net: false }, process.execPath, ['-e', connect]);
      out.netFallback = await run({ net: false, mode: 'best-effort' }, process.execPath, ['-e', connect]);
      out.fsStrict = await run({ fs: { read: ['/usr'] } }, '/bin/true', []);
      out.fsBestEffort = await run({ fs: { read: ['/usr'] }, mode: 'best-effort' }, '/bin/true', []);
      out.pidStrict = await run({ namespaces: { pid: true } }, '/bin/true', []);
      out.pidBestEffort = await run({ namespaces: { pid: true }, mode: 'best-effort' }, '/bin/sh', ['-c', 'echo $$']);
      console.log(JSON.stringify(out));`, { from: import.meta.url, user: 'nobody', env: { EXILE_LANDLOCK_ABI_MAX: '0' } });
    expect(r.stderr).toBe('');
    const out = lastJson<Record<string, { code?: number; stdout?: string; thrown?: string; message?: string; items?: [string, string, boolean][] } | boolean>>(r.stdout);
    expect(out.userns).toBe(false);
    // Neither Landlock scopes nor a pid/network namespace: strict refuses; best-effort reports them.
    expect(out.netStrict).toMatchObject({ thrown: 'ERR_EXILE_UNSUPPORTED', message: expect.stringContaining('scope: signals') });
    expect((out.netFallback as { items: unknown[] }).items).toContainEqual(['scope: signals and ptrace (pidfd_getfd, /proc/PID/ns) only within the sandbox', 'landlock', false]);
    // No network namespace: the seccomp socket filter takes over before exec, and holds.
    expect(out.netFallback).toMatchObject({ code: 0, stdout: 'EAFNOSUPPORT\n' });
    expect((out.netFallback as { items: unknown[] }).items).toContainEqual(['network: new sockets other than AF_UNIX (vsock, packet, raw, netlink, XDP, ALG, …)', 'seccomp', true]);
    expect(out.fsStrict).toMatchObject({ thrown: 'ERR_EXILE_UNSUPPORTED' });
    expect((out.fsStrict as { message: string }).message).toContain('user namespaces are unavailable');
    expect(out.fsBestEffort).toMatchObject({ code: 0 });
    expect((out.fsBestEffort as { items: unknown[] }).items).toContainEqual(['file system', 'landlock', false]);
    expect(out.pidStrict).toMatchObject({ thrown: 'ERR_EXILE_UNSUPPORTED' });
    const pid = out.pidBestEffort as { code: number; stdout: string; items: unknown[] };
    expect(pid.code).toBe(0);
    expect(Number(pid.stdout)).toBeGreaterThan(2);
    expect(pid.items).toContainEqual(['namespace: pid', 'exile-launch (unshare)', false]);
  });
});
