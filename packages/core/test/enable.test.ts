import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastJson, runScript, sharedTree } from '@exile/test-utils';

type User = 'current' | 'nobody';
const users: User[] = ['current', 'nobody'];

/** A temp tree both users can use: ro/ with a file, rw/, and outside/ (not in the policy). */
function tree() {
  return sharedTree('exile-core-', { 'ro/file.txt': 'ro data', 'rw/': '', 'outside/file.txt': 'outside data' });
}

/** Runs `body` in a fresh child after the prelude; `body` sets `out` which is printed as JSON. */
function child(body: string, user: User, env: NodeJS.ProcessEnv = {}) {
  const code = `
    import fs from 'node:fs';
    import { enable } from '@exile/core';
    const status = () => Object.fromEntries(fs.readFileSync('/proc/self/status', 'utf8').split('\\n')
      .filter((l) => /^(NoNewPrivs|Seccomp|CapEff|CapBnd|CapAmb):/.test(l)).map((l) => l.split(/:\\s+/)));
    const attempt = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code ?? String(e); } };
    const attemptAsync = async (fn) => { try { await fn(); return 'ok'; } catch (e) { return e.code ?? String(e); } };
    const udpBind = async () => { const dgram = await import('node:dgram'); return new Promise((res) => { const s = dgram.createSocket('udp4'); s.once('error', (e) => res(e.code)); s.bind(0, '127.0.0.1', () => { s.close(); res('ok'); }); }); };
    let out = {};
    ${body}
    console.log(JSON.stringify(out));`;
  return runScript(code, { from: import.meta.url, user, env });
}

describe.each(users)('enable() as %s', (user) => {
  it('a bad policy changes nothing (shown by /proc/self/status and a write outside)', () => {
    const dir = tree();
    const r = child(`
      const before = status();
      const bad = [
        { fs: { read: [${JSON.stringify(join(dir, 'missing'))}], write: [${JSON.stringify(join(dir, 'rw'))}] }, vows: 'stdio' },
        { fs: { write: [${JSON.stringify(join(dir, 'rw'))}] }, vows: 'stdio teleport' },
        { net: false, syscalls: [{ syscall: 'no_such_call', action: 'allow' }] },
        { fs: { read: ['/'] }, net: { bind: [1] }, mode: 'strict' },
        { fs: false, namespaces: { net: true } },
        { vows: 'stdio', capabilities: 'drop-all', net: { connect: ['x'] } },
      ];
      out.errors = bad.map((p) => { try { enable(p); return 'applied'; } catch (e) { return [e.code, e.details?.path ?? null]; } });
      out.same = JSON.stringify(status()) === JSON.stringify(before);
      out.before = before;
      out.write = attempt(() => fs.writeFileSync(${JSON.stringify(join(dir, 'outside', 'new.txt'))}, 'x'));
    `, user, { EXILE_LANDLOCK_ABI_MAX: '3' });
    expect(r.stderr).toBe('');
    const out = lastJson<{ errors: unknown[]; same: boolean; before: Record<string, string>; write: string }>(r.stdout);
    expect(out.errors).toEqual([
      ['ERR_EXILE_INVALID_POLICY', '$.fs.read[0]'],
      ['ERR_EXILE_UNKNOWN_VOW', '$.vows'],
      ['ERR_EXILE_UNKNOWN_SYSCALL', '$.syscalls[0].syscall'],
      ['ERR_EXILE_UNSUPPORTED', null],
      ['ERR_EXILE_UNSUPPORTED', null],
      ['ERR_EXILE_INVALID_POLICY', '$.net.connect[0]'],
    ]);
    expect(out.same).toBe(true);
    expect(out.before).toMatchObject({ NoNewPrivs: '0', Seccomp: '0' });
    expect(out.write).toBe('ok');
  });

  it('fs: read-only paths read but do not write; write paths read and write; the rest is out of reach — on every thread', () => {
    const dir = tree();
    const p = (...parts: string[]) => JSON.stringify(join(dir, ...parts));
    const r = child(`
      const { Worker } = await import('node:worker_threads');
      const before = new Worker("const { parentPort } = require('node:worker_threads'); parentPort.on('message', (f) => { try { require('node:fs').writeFileSync(f, 'w'); parentPort.postMessage('ok'); } catch (e) { parentPort.postMessage(e.code); } });", { eval: true });
      const viaWorker = (f) => new Promise((res) => { before.once('message', res); before.postMessage(f); });
      out.report = enable({ fs: { read: [${p('ro')}], write: [${p('rw')}] } });
      out.readRo = attempt(() => fs.readFileSync(${p('ro', 'file.txt')}, 'utf8'));
      out.writeRo = attempt(() => fs.writeFileSync(${p('ro', 'new.txt')}, 'x'));
      out.writeRw = attempt(() => fs.writeFileSync(${p('rw', 'new.txt')}, 'x'));
      out.readRw = attempt(() => fs.readFileSync(${p('rw', 'new.txt')}));
      out.readOutside = attempt(() => fs.readFileSync(${p('outside', 'file.txt')}));
      out.poolWriteRo = await attemptAsync(() => fs.promises.writeFile(${p('ro', 'pool.txt')}, 'x'));
      out.poolWriteRw = await attemptAsync(() => fs.promises.writeFile(${p('rw', 'pool.txt')}, 'x'));
      out.workerWriteRo = await viaWorker(${p('ro', 'worker.txt')});
      out.workerWriteRw = await viaWorker(${p('rw', 'worker.txt')});
      before.terminate();
    `, user);
    expect(r.stderr).toBe('');
    const out = lastJson<Record<string, unknown>>(r.stdout);
    expect(out).toMatchObject({
      readRo: 'ok', writeRo: 'EACCES', writeRw: 'ok', readRw: 'ok', readOutside: 'EACCES',
      poolWriteRo: 'EACCES', poolWriteRw: 'ok', workerWriteRo: 'EACCES', workerWriteRw: 'ok',
    });
    expect(out.report).toMatchObject({ mode: 'strict', items: expect.arrayContaining([expect.objectContaining({ what: 'file system', enforced: true })]) });
    expect((out.report as { threads: number }).threads).toBeGreaterThanOrEqual(7);
  });

  it('net: false refuses new IP sockets (EAFNOSUPPORT) but keeps AF_UNIX', () => {
    const dir = tree();
    const r = child(`
      const net = await import('node:net');
      const listen = (arg) => new Promise((res) => { const s = net.createServer(); s.once('error', (e) => res(e.code)); s.listen(arg, () => { s.close(); res('ok'); }); });
      out.tcpBefore = await listen({ port: 0, host: '127.0.0.1' });
      out.udpBefore = await udpBind();
      enable({ net: false });
      out.tcp = await listen({ port: 0, host: '127.0.0.1' });
      out.udp = await udpBind();
      out.unix = await listen(${JSON.stringify(join(dir, 'rw', 'sock'))});
    `, user);
    expect(r.stderr).toBe('');
    expect(lastJson(r.stdout)).toEqual({ tcpBefore: 'ok', udpBefore: 'ok', tcp: 'EAFNOSUPPORT', udp: 'EAFNOSUPPORT', unix: 'ok' });
  });

  it('net ports: bind only the allowed TCP port (Landlock); UDP refused (seccomp)', () => {
    const r = child(`
      const net = await import('node:net');
      const listen = (port) => new Promise((res) => { const s = net.createServer(); s.once('error', (e) => res(e.code)); s.listen(port, '127.0.0.1', () => { s.close(); res('ok'); }); });
      const free = await new Promise((res) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
      enable({ net: { bind: [free] } });
      out.allowed = await listen(free);
      out.other = await listen(free === 65000 ? 65001 : 65000);
      out.udp = await udpBind();
    `, user);
    expect(r.stderr).toBe('');
    expect(lastJson(r.stdout)).toEqual({ allowed: 'ok', other: 'EACCES', udp: 'EPROTONOSUPPORT' });
  });

  it('vows: a refused syscall kills with SIGSYS and names the vow; penalty errno returns EPERM', () => {
    const dir = tree();
    const target = JSON.stringify(join(dir, 'outside', 'vow.txt'));
    const killed = child(`enable({ vows: 'stdio rpath' }); fs.readFileSync('/proc/self/status'); fs.writeFileSync(${target}, 'x');`, user);
    expect(killed.signal).toBe('SIGSYS');
    expect(killed.stderr).toMatch(/exile: openat\(2\) blocked by vows; add .*"cpath".* to allow/);
    const errno = child(`enable({ vows: 'stdio rpath', penalty: 'errno' }); out.read = attempt(() => fs.readFileSync(${JSON.stringify(join(dir, 'ro', 'file.txt'))}, 'utf8')); out.write = attempt(() => fs.writeFileSync(${target}, 'x'));`, user);
    expect(lastJson(errno.stdout)).toEqual({ read: 'ok', write: 'EPERM' });
  });

  it('syscall rules: an extra deny rule applies, the rest keeps working', () => {
    const dir = tree();
    const r = child(`
      enable({ syscalls: [{ syscall: ['mkdir', 'mkdirat'], action: { errno: 'EROFS' } }] });
      out.mkdir = attempt(() => fs.mkdirSync(${JSON.stringify(join(dir, 'rw', 'd'))}));
      out.write = attempt(() => fs.writeFileSync(${JSON.stringify(join(dir, 'rw', 'f'))}, 'x'));
      out.seccomp = status().Seccomp;
    `, user);
    expect(lastJson(r.stdout)).toEqual({ mkdir: 'EROFS', write: 'ok', seccomp: '2' });
  });

  it('syscall rules are tried before the vows, in the same filter: an allow rule widens them', () => {
    const dir = tree();
    const r = child(`
      const filters = () => fs.readFileSync('/proc/self/status', 'utf8').match(/^Seccomp_filters:\\s+(\\d+)/m)[1];
      const before = Number(filters());
      enable({ vows: 'stdio rpath', penalty: 'errno', syscalls: [{ syscall: ['mkdir', 'mkdirat'], action: 'allow' }] });
      out.filters = Number(filters()) - before;
      out.mkdir = attempt(() => fs.mkdirSync(${JSON.stringify(join(dir, 'rw', 'd'))}));
      out.write = attempt(() => fs.writeFileSync(${JSON.stringify(join(dir, 'rw', 'f'))}, 'x'));
      out.read = attempt(() => fs.readFileSync(${JSON.stringify(join(dir, 'ro', 'file.txt'))}, 'utf8'));
    `, user);
    expect(lastJson(r.stdout)).toEqual({ filters: 1, mkdir: 'ok', write: 'EPERM', read: 'ok' });
  });
});

describe('enable(): strict vs best-effort on a kernel without Landlock (EXILE_LANDLOCK_ABI_MAX=0)', () => {
  it('strict refuses and changes nothing; best-effort applies the rest and reports the gap', () => {
    const dir = tree();
    const policy = `{ fs: { read: [${JSON.stringify(join(dir, 'ro'))}] }, vows: 'stdio rpath', penalty: 'errno' }`;
    const r = child(`
      const before = status();
      try { enable(${policy}); } catch (e) { out.strict = e.code; out.message = e.message; }
      out.unchanged = JSON.stringify(status()) === JSON.stringify(before);
      const report = enable({ ...${policy}, mode: 'best-effort' });
      out.items = report.items.map((i) => [i.what, i.enforced]);
      out.readOutside = attempt(() => fs.readFileSync(${JSON.stringify(join(dir, 'outside', 'file.txt'))}, 'utf8'));
      out.write = attempt(() => fs.writeFileSync(${JSON.stringify(join(dir, 'outside', 'n.txt'))}, 'x'));
    `, 'current', { EXILE_LANDLOCK_ABI_MAX: '0' });
    const out = lastJson<Record<string, unknown>>(r.stdout);
    expect(out.strict).toBe('ERR_EXILE_UNSUPPORTED');
    expect(out.message).toContain('file system');
    expect(out.unchanged).toBe(true);
    expect(out.items).toEqual([
      ['file system', false],
      ['terminal input injection (ioctl TIOCSTI, TIOCLINUX)', true],
      ['exec of unnamed files (memfd_create without MFD_NOEXEC_SEAL, execveat AT_EMPTY_PATH)', true],
      ['exec: code mapped from readable files (ld.so DIR/prog, dlopen)', true],
      ['vows: stdio rpath', true],
      ['no new privileges (setuid/file capabilities ignored on exec)', true],
    ]);
    // Honest: the file system is not restricted (no Landlock), the vows are.
    expect(out.readOutside).toBe('ok');
    expect(out.write).toBe('EPERM');
  });
});

describe('enable(): Landlock capped to ABI 2 (EXILE_LANDLOCK_ABI_MAX=2): truncate is the gap', () => {
  it('strict refuses naming truncate; best-effort restricts writes and reports truncate as not enforced', () => {
    const dir = tree();
    const victim = join(dir, 'ro', 'file.txt');
    const r = child(`
      try { enable({ fs: { read: [${JSON.stringify(join(dir, 'ro'))}], write: [${JSON.stringify(join(dir, 'rw'))}] } }); } catch (e) { out.strict = e.code; out.message = e.message; }
      const report = enable({ fs: { read: [${JSON.stringify(join(dir, 'ro'))}], write: [${JSON.stringify(join(dir, 'rw'))}] }, mode: 'best-effort' });
      out.gaps = report.items.filter((i) => !i.enforced).map((i) => i.what);
      out.write = attempt(() => fs.writeFileSync(${JSON.stringify(victim)}, 'overwritten'));
      out.truncate = attempt(() => fs.truncateSync(${JSON.stringify(victim)}, 0));
      out.size = fs.statSync(${JSON.stringify(victim)}).size;
    `, 'current', { EXILE_LANDLOCK_ABI_MAX: '2' });
    const out = lastJson<Record<string, unknown>>(r.stdout);
    expect(out.strict).toBe('ERR_EXILE_UNSUPPORTED');
    expect(out.message).toContain('truncate');
    expect((out.gaps as string[]).filter((what) => what.includes('truncate'))).toEqual(['landlock right fs:truncate']);
    expect(out.write).toBe('EACCES');
    // Node truncates through open(O_WRONLY), which write-file covers; the reported gap is the
    // truncate(2) syscall on a path, which Landlock below ABI 3 does not see.
    expect(out.truncate).toBe('EACCES');
    expect(out.size).toBe('ro data'.length);
  });
});
