import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedTempDir } from '@exile/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
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
const LANDLOCK_WRITE_FILE = 1 << 1;

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
      { type: 'landlock', handledAccessFs: ${LANDLOCK_WRITE_FILE}, rules: [{ path: ${JSON.stringify(allowed)}, access: ${LANDLOCK_WRITE_FILE} }] },
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
    const kept = runSandboxed('sh', ['-c', caps], `{ namespaces: { user: true }, uid: 0, preExec: [{ type: 'caps', keep: [12] }] }`, user);
    expect(kept.stdout).toBe('CapPrm: 0000000000001000\nCapEff: 0000000000001000\nCapBnd: 0000000000001000\nCapAmb: 0000000000000000\n');
    const none = runSandboxed('sh', ['-c', caps], `{ namespaces: { user: true }, uid: 0, preExec: [{ type: 'caps', keep: [] }] }`, user);
    expect(none.stdout).toBe('CapPrm: 0000000000000000\nCapEff: 0000000000000000\nCapBnd: 0000000000000000\nCapAmb: 0000000000000000\n');
  });

  it('Landlock scopes (ABI 6): the program cannot signal outside its domain', () => {
    const probe = 'kill -0 $PPID 2>/dev/null && echo can-signal || echo cannot-signal';
    const scoped = `{ namespaces: { user: true }, preExec: [{ type: 'landlock', abi: 6, handledAccessFs: 1, scoped: 2, rules: [{ path: '/', access: 1 }] }] }`;
    expect(runSandboxed('sh', ['-c', probe], scoped, user).stdout).toBe('cannot-signal\n');
    expect(runSandboxed('sh', ['-c', probe], `{ namespaces: { user: true } }`, user).stdout).toBe('can-signal\n');
  });

  it('Landlock TCP port rules (ABI 4): bind only to the allowed port', () => {
    const bind = "const net = require('net'); const on = (p) => new Promise((ok) => { const s = net.createServer().once('error', (e) => ok(e.code)).listen(p, '127.0.0.1', () => { s.close(); ok('ok'); }); });"
      + ' Promise.all([on(40001), on(40002)]).then((r) => console.log(r.join(" ")));';
    const options = `{ namespaces: { user: true, net: true }, preExec: [{ type: 'landlock', handledAccessFs: 0, handledAccessNet: 1, rules: [{ port: 40001, access: 1 }] }] }`;
    expect(runSandboxed(process.execPath, ['-e', bind], options, user).stdout).toBe('ok EACCES\n');
    expect(runSandboxed(process.execPath, ['-e', bind], `{ namespaces: { user: true, net: true } }`, user).stdout).toBe('ok ok\n');
  });

  it('a seccomp filter that denies execve fails at the execve step, structured', () => {
    // ret ERRNO(EPERM) for execve (59), else allow
    const denyExec = `new Uint8Array(new BigUint64Array([0x00000000_00000020n, 0x0000003b_01000015n, 0x00050001_00000006n, 0x7fff0000_00000006n]).buffer)`;
    const r = runSandboxed('true', [], `{ namespaces: { user: true }, preExec: [{ type: 'no-new-privs' }, { type: 'seccomp', filter: ${denyExec} }] }`, user);
    expect(r.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'execve', errnoName: 'EPERM' } });
    expect(r.events).toEqual(['error', 'exit', 'close']);
  });

  it('a Landlock rule on a missing path fails at the landlock step with that path', () => {
    const r = runSandboxed('true', [], `{ namespaces: { user: true }, preExec: [{ type: 'landlock', handledAccessFs: 2, rules: [{ path: '/nonexistent/exile', access: 2 }] }] }`, user);
    expect(r.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'landlock', errnoName: 'ENOENT', path: '/nonexistent/exile' } });
  });
});
