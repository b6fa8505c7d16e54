// exile.h's test list (shared/research/exile-h.md §10) re-expressed against this API, each case
// in a fresh child, each proving both sides and without the original's weak assertions.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastJson, runScript } from '@exile/test-utils';

type User = 'current' | 'nobody';

function child(body: string, user: User = 'current') {
  const r = runScript(`
    import fs from 'node:fs';
    import { enable, launch, spawn } from '@exile/core';
    const attempt = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code ?? String(e); } };
    const out = {};
    ${body}
    console.log(JSON.stringify(out));`, { from: import.meta.url, user });
  return { ...r, out: r.status === 0 ? lastJson<Record<string, unknown>>(r.stdout) : undefined };
}

describe.each<User>(['current', 'nobody'])('exile.h tests as %s', (user) => {
  it('default: an empty policy sets no_new_privs and nothing else', () => {
    const { out } = child(`
      const status = () => fs.readFileSync('/proc/self/status', 'utf8');
      out.before = /NoNewPrivs:\\s+0/.test(status());
      out.report = enable({});
      out.after = /NoNewPrivs:\\s+1/.test(status()) && /Seccomp:\\s+0/.test(status());`, user);
    expect(out).toMatchObject({ before: true, after: true, report: { items: [{ what: expect.stringContaining('no new privileges'), enforced: true }] } });
  });

  it('seccomp-blacklisted(-permitted): a kill rule for getuid kills on getuid, not on geteuid', () => {
    const policy = `{ syscalls: [{ syscall: 'getuid', action: 'kill-process' }] }`;
    const permitted = child(`enable(${policy}); out.euid = process.geteuid();`, user);
    expect(permitted.status).toBe(0);
    expect(typeof permitted.out!.euid).toBe('number');
    const killed = child(`enable(${policy}); process.geteuid(); process.getuid(); out.survived = true;`, user);
    expect(killed.signal).toBe('SIGSYS');
    expect(killed.stdout).toBe('');
  });

  it('seccomp-errno: close returns EACCES, other syscalls are untouched', () => {
    const { out } = child(`
      const fd = fs.openSync('/dev/null', 'r');
      enable({ syscalls: [{ syscall: 'close', action: { errno: 'EACCES' } }] });
      out.uid = process.getuid() >= 0;
      out.close = attempt(() => fs.closeSync(fd));`, user);
    expect(out).toEqual({ uid: true, close: 'EACCES' });
  });

  it('seccomp-argfilter-allowed/filtered/mixed: an O_WRONLY open is refused, O_RDONLY is not; later rules are reached', () => {
    const { out } = child(`
      enable({ syscalls: [
        { syscall: ['newfstatat', 'statx'], action: { errno: 'EACCES' } },
        { syscall: 'openat', action: { errno: 'EACCES' }, args: [{ index: 2, op: 'masked-eq', mask: 3, value: 1, width: 32 }] },
        { syscall: 'getppid', action: { errno: 'EACCES' } },
      ] });
      out.rdonly = attempt(() => fs.closeSync(fs.openSync('/dev/null', 'r')));
      out.wronly = attempt(() => fs.openSync('/dev/null', 'w'));
      out.rdwr = attempt(() => fs.closeSync(fs.openSync('/dev/null', 'r+')));
      out.stat = attempt(() => fs.statSync('/dev/urandom'));`, user);
    expect(out).toEqual({ rdonly: 'ok', wronly: 'EACCES', rdwr: 'ok', stat: 'EACCES' });
  });

  it('seccomp-vow (a): stdio rpath error — write opens fail with ENOSYS, read opens work', () => {
    const { out } = child(`
      enable({ vows: 'stdio rpath error' });
      out.wronly = attempt(() => fs.openSync('/dev/null', 'a'));
      out.rdwr = attempt(() => fs.openSync('/dev/null', 'r+'));
      out.rdonly = attempt(() => fs.closeSync(fs.openSync('/dev/urandom', 'r')));`, user);
    expect(out).toEqual({ wronly: 'ENOSYS', rdwr: 'ENOSYS', rdonly: 'ok' });
  });

  it('seccomp-vow (b): stdio inet — an AF_INET socket works, an AF_UNIX one does not', () => {
    const { out } = child(`
      const net = await import('node:net');
      const dir = fs.mkdtempSync('/tmp/exile-h-');
      const listen = (arg) => new Promise((res) => { const s = net.createServer(); s.once('error', (e) => res(e.code)); s.listen(arg, () => { s.close(); res('ok'); }); });
      enable({ vows: 'stdio rpath inet', penalty: 'errno' });
      out.inet = await listen({ port: 0, host: '127.0.0.1' });
      out.unix = await listen(dir + '/sock');`, user);
    expect(out).toEqual({ inet: 'ok', unix: 'EPERM' });
  });

  it('seccomp-vow-exile_vow-multi: vows only shrink — unix, then without, then "regained" stays denied', () => {
    const { out } = child(`
      const net = await import('node:net');
      const dir = fs.mkdtempSync('/tmp/exile-h-');
      let n = 0;
      const listen = () => new Promise((res) => { const s = net.createServer(); s.once('error', (e) => res(e.code)); s.listen(dir + '/s' + n++, () => { s.close(); res('ok'); }); });
      enable({ vows: 'stdio rpath unix', penalty: 'errno' });
      out.first = await listen();
      enable({ vows: 'stdio rpath', penalty: 'errno' });
      out.second = await listen();
      enable({ vows: 'stdio rpath unix', penalty: 'errno' });
      out.regained = await listen();`, user);
    expect(out).toEqual({ first: 'ok', second: 'EPERM', regained: 'EPERM' });
  });

  it('landlock: read on /proc/self/fd only — opening / for reading fails with EACCES (it worked before)', () => {
    const { out } = child(`
      out.before = attempt(() => fs.readdirSync('/'));
      enable({ fs: { read: ['/proc/self/fd'] } });
      out.after = attempt(() => fs.readdirSync('/'));`, user);
    expect(out).toEqual({ before: 'ok', after: 'EACCES' });
  });

  it('landlock-deny-write: an existing, writable file under a read-only tree cannot be opened for writing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exile-h-'));
    chmodSync(dir, 0o777);
    const file = join(dir, 'a');
    writeFileSync(file, 'x', { mode: 0o666 });
    chmodSync(file, 0o666);
    const { out } = child(`
      out.before = attempt(() => fs.closeSync(fs.openSync(${JSON.stringify(file)}, 'r+')));
      enable({ fs: { read: [${JSON.stringify(dir)}] } });
      out.read = attempt(() => fs.readFileSync(${JSON.stringify(file)}, 'utf8'));
      out.write = attempt(() => fs.openSync(${JSON.stringify(file)}, 'r+'));`, user);
    expect(out).toEqual({ before: 'ok', read: 'ok', write: 'EACCES' });
  });

  it('no_fs: fs false still allows an AF_INET socket but no file creation', () => {
    const { out } = child(`
      const net = await import('node:net');
      enable({ fs: false });
      out.socket = await new Promise((res) => { const s = net.createServer(); s.once('error', (e) => res(e.code)); s.listen(0, '127.0.0.1', () => { s.close(); res('ok'); }); });
      out.create = attempt(() => fs.openSync('/tmp/exile-h-no-fs-' + process.pid, 'w'));`, user);
    expect(out).toEqual({ socket: 'ok', create: 'EACCES' });
  });

  it('failflags: a path that does not exist makes enable() refuse, naming it, and nothing is applied', () => {
    const { out } = child(`
      try { enable({ fs: { read: ['/nosuchpathexists'] } }); } catch (e) { out.code = e.code; out.path = e.details.path; }
      out.nnp = /NoNewPrivs:\\s+0/.test(fs.readFileSync('/proc/self/status', 'utf8'));`, user);
    expect(out).toEqual({ code: 'ERR_EXILE_INVALID_POLICY', path: '$.fs.read[0]', nnp: true });
  });

  it('launch / launch-get / the C++ launches: values round-trip, the sandboxed function sees its argument', () => {
    const { out } = child(`
      out.plus = await launch({ vows: 'stdio' }, (n) => n + 1, 22);
      out.text = await launch({ fs: false }, () => 'Control yourself. Take only what you need from it.\\n');
      out.reversed = await launch({}, (s) => [...s].reverse().join(''), 'abc123');
      out.object = await launch({}, (o) => ({ somecontent: o.somecontent }), { somecontent: 'Just something' });
      out.readWithoutRpath = await launch({ vows: 'stdio' }, async () => { const fs = await import('node:fs'); return fs.readFileSync('/etc/hostname', 'utf8'); }).then(() => 'read', (e) => e.remote.code);`, user);
    expect(out).toEqual({
      plus: 23, text: 'Control yourself. Take only what you need from it.\n', reversed: '321cba',
      object: { somecontent: 'Just something' }, readWithoutRpath: 'EACCES',
    });
  });

  it('unshare-user(-own-uid): the child is mapped to its own ids, setgroups denied', () => {
    const ids = spawnSync('id', ['-u'], { encoding: 'utf8' });
    expect(ids.status).toBe(0);
    const { out } = child(`
      const run = (file) => new Promise((res) => { const c = spawn({ namespaces: { user: true } }, '/bin/cat', [file], { stdio: ['ignore', 'pipe', 'inherit'] }); let s = ''; c.stdout.on('data', (d) => (s += d)); c.on('close', () => res(s)); });
      out.uid = process.getuid();
      out.gid = process.getgid();
      out.uidMap = (await run('/proc/self/uid_map')).trim().split(/\\s+/);
      out.gidMap = (await run('/proc/self/gid_map')).trim().split(/\\s+/);
      out.setgroups = await run('/proc/self/setgroups');`, user);
    expect(out!.uidMap).toEqual([String(out!.uid), String(out!.uid), '1']);
    expect(out!.gidMap).toEqual([String(out!.gid), String(out!.gid), '1']);
    expect(out!.setgroups).toBe('deny\n');
  });
});

describe('every thread is restricted after enable()', () => {
  it('main, libuv pool, a worker created before and one created after: Seccomp 2 and NoNewPrivs 1 on every tid; writes refused everywhere', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exile-threads-'));
    const r = runScript(`
      import fs from 'node:fs';
      import { Worker } from 'node:worker_threads';
      import { enable } from '@exile/core';
      const code = "const { parentPort } = require('node:worker_threads'); parentPort.on('message', (f) => { try { require('node:fs').writeFileSync(f, 'w'); parentPort.postMessage('ok'); } catch (e) { parentPort.postMessage(e.code); } });";
      const ask = (w, f) => new Promise((res) => { w.once('message', res); w.postMessage(f); });
      const before = new Worker(code, { eval: true });
      await ask(before, '/dev/null');
      const threadsBefore = fs.readdirSync('/proc/self/task').length;
      enable({ fs: { read: ['/proc', ${JSON.stringify(dir)}] }, vows: 'stdio rpath thread', penalty: 'errno' });
      const after = new Worker(code, { eval: true });
      const target = ${JSON.stringify(join(dir, 'x'))};
      const out = {
        threadsBefore,
        main: (() => { try { fs.writeFileSync(target, 'x'); return 'ok'; } catch (e) { return e.code; } })(),
        pool: await fs.promises.writeFile(target, 'x').then(() => 'ok', (e) => e.code),
        before: await ask(before, target),
        after: await ask(after, target),
      };
      out.tasks = fs.readdirSync('/proc/self/task').map((t) => { const s = fs.readFileSync('/proc/self/task/' + t + '/status', 'utf8'); return [/Seccomp:\\s+(\\d)/.exec(s)[1], /NoNewPrivs:\\s+(\\d)/.exec(s)[1]].join(''); });
      before.terminate(); after.terminate();
      console.log(JSON.stringify(out));`, { from: import.meta.url });
    // The errno penalty reports each refused syscall once: the vows would have refused the writes too.
    expect(r.stderr).toBe('exile: openat(2) blocked by vows; add "wpath" and "cpath" to allow\n');
    const out = lastJson<{ threadsBefore: number; main: string; pool: string; before: string; after: string; tasks: string[] }>(r.stdout);
    expect(out.threadsBefore).toBeGreaterThanOrEqual(8);
    expect(out.tasks.length).toBeGreaterThan(out.threadsBefore);
    expect(new Set(out.tasks)).toEqual(new Set(['21']));
    // seccomp runs at syscall entry, before Landlock's hooks: the vows refuse first, on every thread.
    expect([out.main, out.pool, out.before, out.after]).toEqual(['EPERM', 'EPERM', 'EPERM', 'EPERM']);
  });
});
