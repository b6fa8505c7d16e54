import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedTempDir } from '@exile/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { capsStep } from './caps-step.js';
import { landlockStep } from './landlock-step.js';
import { runSandboxed, USERS } from './run-sandboxed.js';

/** A hand-made seccomp program: x86-64 only; getpriority(2) fails with EOPNOTSUPP; everything else is allowed. */
const FILTER = `new Uint8Array(new BigUint64Array([
  0x00000004_00000020n, // ld [4] (arch)
  0xc000003e_00010015n, // jeq AUDIT_ARCH_X86_64, +1, +0
  0x80000000_00000006n, // ret KILL_PROCESS
  0x00000000_00000020n, // ld [0] (nr)
  0x0000008c_01000015n, // jeq 140 (getpriority), +0, +1
  0x0005005f_00000006n, // ret ERRNO(EOPNOTSUPP), which libuv names ENOTSUP
  0x7fff0000_00000006n, // ret ALLOW
]).buffer)`;

/** Node program run inside: probes the restrictions from the main thread, a worker and the libuv pool. */
const PROBE = String.raw`
const fs = require('fs'); const os = require('os'); const { Worker } = require('worker_threads');
const [allowed, denied] = process.argv.slice(1);
function write(d) { try { require('fs').appendFileSync(d + '/f', 'x'); return 'ok'; } catch (e) { return e.code; } }
function prio() { try { require('os').getPriority(); return 'ok'; } catch (e) { return e.info ? e.info.code : e.code; } }
const worker = new Worker(write + prio + "require('worker_threads').parentPort.postMessage({ allowed: write(process.argv[2]), denied: write(process.argv[3]), prio: prio() });",
  { eval: true, argv: [allowed, denied] });
worker.once('message', async (inWorker) => {
  const pool = await fs.promises.appendFile(denied + '/f', 'x').then(() => 'ok', (e) => e.code);
  const tasks = fs.readdirSync('/proc/self/task').flatMap((t) => {
    let s;
    try { s = fs.readFileSync('/proc/self/task/' + t + '/status', 'utf8'); } catch { return []; } // the thread ended meanwhile
    return [{ seccomp: /^Seccomp:\s+(\d+)/m.exec(s)[1], filters: /^Seccomp_filters:\s+(\d+)/m.exec(s)[1], nnp: /^NoNewPrivs:\s+(\d+)/m.exec(s)[1] }];
  });
  console.log(JSON.stringify({ main: { allowed: write(allowed), denied: write(denied), prio: prio() }, worker: inWorker, pool, tasks }));
  process.exit(0);
});
`;

interface Probe {
  main: Record<string, string>;
  worker: Record<string, string>;
  pool: string;
  tasks: { seccomp: string; filters: string; nnp: string }[];
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function dirs(): [string, string] {
  const allowed = sharedTempDir('exile-ns-allowed-');
  const denied = sharedTempDir('exile-ns-denied-');
  made.push(allowed, denied);
  for (const d of [allowed, denied]) {
    writeFileSync(join(d, 'f'), '');
    chmodSync(join(d, 'f'), 0o666);
  }
  return [allowed, denied];
}

describe.each(USERS)('pre-exec steps as %s', (user) => {
  it('Landlock and seccomp restrict every thread of a multithreaded program', () => {
    const [allowed, denied] = dirs();
    const options = `{ namespaces: { user: true }, preExec: [
      { type: 'seccomp', filter: ${FILTER} },
      { type: 'no-new-privs' },
      ${landlockStep({ fs: { read: ['/'], exec: ['/'], write: [allowed] } })},
    ] }`;
    const r = runSandboxed(process.execPath, ['-e', PROBE, allowed, denied], options, user);
    expect(r.error).toBeUndefined();
    const probe = JSON.parse(r.stdout) as Probe;
    expect(probe.main).toEqual({ allowed: 'ok', denied: 'EACCES', prio: 'ENOTSUP' });
    expect(probe.worker).toEqual({ allowed: 'ok', denied: 'EACCES', prio: 'ENOTSUP' });
    expect(probe.pool).toBe('EACCES');
    expect(probe.tasks.length).toBeGreaterThanOrEqual(7);
    for (const task of probe.tasks) expect(task).toEqual({ seccomp: '2', filters: '1', nnp: '1' });
    expect(readFileSync(join(allowed, 'f'), 'utf8')).toBe('xx');
    expect(readFileSync(join(denied, 'f'), 'utf8')).toBe('');
  });

  it('without the steps the same program may do all of it (the probe can fail)', () => {
    const [allowed, denied] = dirs();
    const r = runSandboxed(process.execPath, ['-e', PROBE, allowed, denied], `{ namespaces: { user: true } }`, user);
    const probe = JSON.parse(r.stdout) as Probe;
    expect(probe.main).toEqual({ allowed: 'ok', denied: 'ok', prio: 'ok' });
    for (const task of probe.tasks) expect(task).toEqual({ seccomp: '0', filters: '0', nnp: '0' });
  });

  it('caps keeps only the listed capabilities', () => {
    const caps = "grep -E '^Cap(Prm|Eff|Bnd|Amb)' /proc/self/status | tr -s '\\t' ' '";
    const all = runSandboxed('sh', ['-c', caps], `{ namespaces: { user: true }, uid: 0 }`, user);
    expect(all.stdout).toMatch(/CapEff: 000001ffffffffff/);
    const kept = runSandboxed('sh', ['-c', caps], `{ namespaces: { user: true }, uid: 0, preExec: [${capsStep(['CAP_NET_ADMIN'], true)}] }`, user);
    expect(kept.stdout).toBe('CapPrm: 0000000000001000\nCapEff: 0000000000001000\nCapBnd: 0000000000001000\nCapAmb: 0000000000000000\n');
    const none = runSandboxed('sh', ['-c', caps], `{ namespaces: { user: true }, uid: 0, preExec: [${capsStep([], true)}] }`, user);
    expect(none.stdout).toBe('CapPrm: 0000000000000000\nCapEff: 0000000000000000\nCapBnd: 0000000000000000\nCapAmb: 0000000000000000\n');
  });

  it('Landlock scopes (ABI 6): the program cannot signal outside its domain', () => {
    const probe = 'kill -0 $PPID 2>/dev/null && echo can-signal || echo cannot-signal';
    const scoped = `{ namespaces: { user: true }, preExec: [${landlockStep({ scope: ['signal'] })}] }`;
    expect(runSandboxed('sh', ['-c', probe], scoped, user).stdout).toBe('cannot-signal\n');
    expect(runSandboxed('sh', ['-c', probe], `{ namespaces: { user: true } }`, user).stdout).toBe('can-signal\n');
  });

  it('Landlock TCP port rules (ABI 4): bind only to the allowed port', () => {
    const bind = "const net = require('net'); const on = (p) => new Promise((ok) => { const s = net.createServer().once('error', (e) => ok(e.code)).listen(p, '127.0.0.1', () => { s.close(); ok('ok'); }); });"
      + ' Promise.all([on(40001), on(40002)]).then((r) => console.log(r.join(" ")));';
    const options = `{ namespaces: { user: true, net: true }, preExec: [${landlockStep({ net: { bindTcp: [40001] } })}] }`;
    expect(runSandboxed(process.execPath, ['-e', bind], options, user).stdout).toBe('ok EACCES\n');
    expect(runSandboxed(process.execPath, ['-e', bind], `{ namespaces: { user: true, net: true } }`, user).stdout).toBe('ok ok\n');
  });

  it('pid slots: the launcher puts the program\'s own pid into the filter — kill(itself) passes, kill(another) does not', () => {
    // kill(2) (62) with arg0 == the slot's k is allowed, any other kill fails with EPERM; the rest is allowed.
    const killSelf = `new Uint8Array(new BigUint64Array([
      0x00000000_00000020n, // ld [0] (nr)
      0x0000003e_03000015n, // jeq 62 (kill), +0, +3
      0x00000010_00000020n, // ld [16] (arg0, low word)
      0x7fffffff_00010015n, // jeq <pid slot>, +1, +0
      0x00050001_00000006n, // ret ERRNO(EPERM)
      0x7fff0000_00000006n, // ret ALLOW
    ]).buffer)`;
    const sh = ['-c', 'kill -0 $$ && echo self; kill -0 1 || echo other-refused'];
    const seccomp = (slots: string) => `{ namespaces: { user: true }, preExec: [{ type: 'no-new-privs' }, { type: 'seccomp', filter: ${killSelf}${slots} }] }`;
    const patched = runSandboxed('/bin/sh', sh, seccomp(', pidSlots: [3]'), user);
    expect(patched.stdout).toBe('self\nother-refused\n');
    // In a new pid namespace the program is pid 1 or 2 there, and that is the pid it sees and signals.
    const pidns = runSandboxed('/bin/sh', sh, seccomp(', pidSlots: [3]').replace('user: true', 'user: true, pid: true'), user);
    expect(pidns.stdout).toBe('self\nother-refused\n');
    // Without the slot the placeholder stays: the program cannot even signal itself.
    expect(runSandboxed('/bin/sh', sh, seccomp(''), user).stdout).toBe('other-refused\n');
  });

  it('a seccomp filter that denies execve fails at the execve step, structured', () => {
    // ret ERRNO(EPERM) for execve (59), else allow
    const denyExec = `new Uint8Array(new BigUint64Array([0x00000000_00000020n, 0x0000003b_01000015n, 0x00050001_00000006n, 0x7fff0000_00000006n]).buffer)`;
    const r = runSandboxed('true', [], `{ namespaces: { user: true }, preExec: [{ type: 'no-new-privs' }, { type: 'seccomp', filter: ${denyExec} }] }`, user);
    expect(r.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'execve', errnoName: 'EPERM' } });
    expect(r.events).toEqual(['error', 'exit', 'close']);
  });

  it('a rule path removed after planning fails at the landlock step with that path', () => {
    const [allowed] = dirs();
    const step = landlockStep({ fs: { read: ['/'], exec: ['/'], write: [allowed] } });
    rmSync(allowed, { recursive: true });
    const r = runSandboxed('true', [], `{ namespaces: { user: true }, preExec: [${step}] }`, user);
    expect(r.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'landlock', errnoName: 'ENOENT', path: allowed } });
  });

  it('a rule path swapped after planning fails closed: a planted symlink (ELOOP) or another directory (ESTALE)', () => {
    const [allowed, denied] = dirs();
    const write = `require('fs').appendFileSync(${JSON.stringify(join(allowed, 'f'))}, 'x')`;
    const ok = runSandboxed(process.execPath, ['-e', write], `{ namespaces: { user: true }, preExec: [${landlockStep({ fs: { read: ['/'], exec: ['/'], write: [allowed] } })}] }`, user);
    expect(ok.error).toBeUndefined();
    expect(ok.code).toBe(0);

    const step = landlockStep({ fs: { read: ['/'], exec: ['/'], write: [allowed] } });
    renameSync(allowed, `${allowed}.old`);
    symlinkSync(denied, allowed);
    const planted = runSandboxed(process.execPath, ['-e', write], `{ namespaces: { user: true }, preExec: [${step}] }`, user);
    expect(planted.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'landlock', errnoName: 'ELOOP', path: allowed } });
    expect(planted.error?.message).toMatch(/is a symlink now/);
    expect(planted.code).toBe(127);

    rmSync(allowed);
    mkdirSync(allowed);
    chmodSync(allowed, 0o777);
    const swapped = runSandboxed(process.execPath, ['-e', write], `{ namespaces: { user: true }, preExec: [${step}] }`, user);
    expect(swapped.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'landlock', errnoName: 'ESTALE', path: allowed } });
    expect(swapped.error?.message).toMatch(/no longer the file/);
    // Nothing ran: the denied directory and the new one are untouched.
    expect(readFileSync(join(denied, 'f'), 'utf8')).toBe('');
    made.push(`${allowed}.old`);
  });
});
