import { describe, expect, it } from 'vitest';
import { lastJson, sharedTempDir } from '@exile/test-utils';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { child, expectKilled, lines } from './live.js';

// The pledge matrix: each case applies real vows in a fresh child and checks both sides.
for (const user of [undefined, 'nobody'] as const) {
  describe(`pledge matrix (${user ?? 'root'})`, () => {
    it('stdio rpath: reads (files and directories) work; write, create, append and O_RDWR fail with EPERM', () => {
      const dir = sharedTempDir();
      writeFileSync(join(dir, 'a.txt'), 'hello', { mode: 0o666 });
      const r = child(`
        const dir = process.argv[2];
        vow('stdio rpath', { penalty: 'errno' });
        done({
          read: attempt(() => fs.readFileSync(path.join(dir, 'a.txt'), 'utf8')),
          list: attempt(() => fs.readdirSync(dir).join(',')),
          stat: attempt(() => fs.statSync(dir).isDirectory()),
          write: attempt(() => fs.writeFileSync(path.join(dir, 'a.txt'), 'x')),
          create: attempt(() => fs.writeFileSync(path.join(dir, 'b.txt'), 'x')),
          append: attempt(() => fs.appendFileSync(path.join(dir, 'a.txt'), 'x')),
          rdwr: attempt(() => fs.openSync(path.join(dir, 'a.txt'), 'r+')),
          unlink: attempt(() => fs.unlinkSync(path.join(dir, 'a.txt'))),
          still: fs.readFileSync(path.join(dir, 'a.txt'), 'utf8'),
        });
      `.replace('process.argv[2]', JSON.stringify(dir)), { user });
      expect(r.signal).toBeNull();
      expect(lastJson(r.stdout)).toEqual({ read: 'hello', list: 'a.txt', stat: true, write: 'EPERM', create: 'EPERM', append: 'EPERM', rdwr: 'EPERM', unlink: 'EPERM', still: 'hello' });
      expect(lines(r.stderr)).toEqual([
        'exile: openat(2) blocked by vows; add "wpath" and "cpath" to allow\n', // once, though open failed four times
        'exile: unlink(2) blocked by vows; add "cpath" to allow\n',
      ]);
    });

    it('stdio rpath, kill: the first write open kills with SIGSYS after one line', () => {
      const r = child(`
        vow('stdio rpath');
        console.log(fs.readFileSync('/etc/hostname', 'utf8').length > 0);
        fs.writeFileSync(path.join(os.tmpdir(), 'exile-never.txt'), 'x');
        console.log('survived');
      `, { user });
      expectKilled(r, { stdout: 'true\n', stderr: 'exile: openat(2) blocked by vows; add "wpath" and "cpath" to allow\n' });
    });

    it('stdio inet: AF_INET works (a real loopback connection); AF_UNIX fails', () => {
      const r = child(`
        vow('stdio inet', { penalty: 'errno' });
        const server = net.createServer((s) => s.end('pong'));
        await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
        const reply = await new Promise((ok, fail) => {
          const c = net.connect(server.address().port, '127.0.0.1');
          let data = ''; c.on('data', (d) => { data += d; }); c.on('end', () => ok(data)); c.on('error', fail);
        });
        server.close();
        const unix = await new Promise((ok) => { const c = net.connect('/tmp/exile-none.sock'); c.on('error', (e) => ok(e.code)); c.on('connect', () => ok('connected')); });
        done({ reply, unix });
      `, { user });
      expect(lastJson(r.stdout)).toEqual({ reply: 'pong', unix: 'EPERM' });
      expect(r.stderr).toBe('exile: socket(2) blocked by vows; add "unix" to allow\n');
    });

    it('stdio unix: AF_UNIX works, AF_INET fails', () => {
      const dir = sharedTempDir();
      const r = child(`
        const sock = ${JSON.stringify(join(dir, 's.sock'))};
        vow('stdio unix rpath wpath cpath', { penalty: 'errno' });
        const server = net.createServer((s) => s.end('pong'));
        await new Promise((ok) => server.listen(sock, ok));
        const reply = await new Promise((ok, fail) => {
          const c = net.connect(sock); let data = ''; c.on('data', (d) => { data += d; }); c.on('end', () => ok(data)); c.on('error', fail);
        });
        server.close();
        const inet = await new Promise((ok) => { const c = net.connect(9, '127.0.0.1'); c.on('error', (e) => ok(e.code)); c.on('connect', () => ok('connected')); });
        done({ reply, inet });
      `, { user });
      expect(lastJson(r.stdout)).toEqual({ reply: 'pong', inet: 'EPERM' });
    });

    it('without proc/exec child_process.spawn fails; with them (and prot_exec for ld.so) it works', () => {
      const denied = child(`
        vow('stdio rpath', { penalty: 'errno' });
        const r = spawnSync('/bin/true');
        done({ error: r.error?.code ?? null, status: r.status });
      `, { user });
      expect(lastJson(denied.stdout)).toEqual({ error: 'EPERM', status: null });
      expect(denied.stderr).toBe('exile: clone(2) blocked by vows; add "proc" to allow\n');
      const killed = child("vow('stdio rpath'); spawnSync('/bin/true'); console.log('survived');", { user });
      expectKilled(killed, { stderr: 'exile: clone(2) blocked by vows; add "proc" to allow\n' });
      const allowed = child(`
        vow('stdio rpath proc exec prot_exec');
        const r = spawnSync('/bin/echo', ['hi'], { encoding: 'utf8' });
        done({ error: r.error?.code ?? null, status: r.status, signal: r.signal, out: r.stdout });
      `, { user });
      expect(lastJson(allowed.stdout)).toEqual({ error: null, status: 0, signal: null, out: 'hi\n' });
      const noExec = child(`
        vow('stdio rpath proc prot_exec', { penalty: 'errno' });
        const r = spawnSync('/bin/echo', ['hi'], { encoding: 'utf8' });
        done({ error: r.error?.code ?? null, status: r.status, signal: r.signal });
      `, { user });
      // the forked child inherits the filter; libuv resets its signal handlers (SIGSYS too) before
      // execve, so the refused execve kills it with the default SIGSYS action
      expect(lastJson(noExec.stdout)).toEqual({ error: null, status: null, signal: 'SIGSYS' });
    });

    it('without prot_exec a native library cannot be mapped executable (dlopen fails) while the JIT and WebAssembly keep working', () => {
      const r = child(`
        const copy = path.join(os.tmpdir(), 'exile-vows-' + process.pid + '.node');
        fs.copyFileSync(new URL('../prebuilds/linux-x64/@exile+vows.node', import.meta.url), copy);
        vow('stdio rpath');
        const hot = (n) => { let s = 0; for (let i = 0; i < n; i++) s = (s + i * i) % 1000003; return s; };
        let sum = 0; for (let i = 0; i < 3000; i++) sum += hot(2000);
        const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,7,1,96,2,127,127,1,127,3,2,1,0,7,7,1,3,97,100,100,0,0,10,9,1,7,0,32,0,32,1,106,11]);
        const { instance } = await WebAssembly.instantiate(bytes);
        let dl = 'loaded'; try { process.dlopen({ exports: {} }, copy); } catch (e) { dl = e.message; }
        done({ sum, wasm: instance.exports.add(40, 2), dl: /failed to map segment/.test(dl) ? 'map refused' : dl });
      `, { user });
      expect(r.signal).toBeNull();
      expect(lastJson(r.stdout)).toEqual({ sum: expect.any(Number), wasm: 42, dl: 'map refused' });
      expect(r.stderr).toBe('');
      const allowed = child(`
        const copy = path.join(os.tmpdir(), 'exile-vows-' + process.pid + '.node');
        fs.copyFileSync(new URL('../prebuilds/linux-x64/@exile+vows.node', import.meta.url), copy);
        vow('stdio rpath prot_exec');
        const m = { exports: {} };
        process.dlopen(m, copy);
        done({ loaded: typeof m.exports.setTable });
      `, { user });
      expect(lastJson(allowed.stdout)).toEqual({ loaded: 'function' });
    });

    it('anet accepts TCP but cannot connect; dgram needs inet', () => {
      const r = child(`
        vow('stdio anet', { penalty: 'errno' });
        const server = net.createServer((s) => s.end());
        const listen = await new Promise((ok) => { server.on('error', (e) => ok(e.code)); server.listen(0, '127.0.0.1', () => ok('ok')); });
        const out = await new Promise((ok) => { const c = net.connect(server.address().port, '127.0.0.1'); c.on('error', (e) => ok(e.code)); c.on('connect', () => ok('connected')); });
        server.close();
        done({ listen, out });
      `, { user });
      expect(lastJson(r.stdout)).toEqual({ listen: 'ok', out: 'EPERM' });
      expect(r.stderr).toBe('exile: connect(2) blocked by vows; add "inet" to allow\n');
    });

    it('dns: dns.lookup() works (files, then nscd, then name servers); without dns it is refused', () => {
      const lookup = "await new Promise((ok) => import('node:dns').then((dns) => dns.lookup('localhost', 4, (e, a) => ok(e ? e.code : a))))";
      const r = child(`vow('stdio dns'); done(${lookup});`, { user });
      expect(r.signal).toBeNull();
      expect(lastJson(r.stdout)).toBe('127.0.0.1');
      const denied = child(`const dns = await import('node:dns'); vow('stdio', { penalty: 'errno' }); done(${lookup.replace("import('node:dns')", 'Promise.resolve(dns)')});`, { user });
      expect(lastJson(denied.stdout)).toMatch(/^E[A-Z]+$/); // an error code, no address
      // glibc's stat/open of /etc files fail with EACCES (Node runtime), then its nscd probe is the first refused call
      expect(denied.stderr).toMatch(/^exile: socket\(2\) blocked by vows; add "unix" to allow\n/);
    });

    it('fattr refuses setuid/setgid/sticky modes; plain modes work', () => {
      const dir = sharedTempDir();
      const r = child(`
        const f = ${JSON.stringify(join(dir, 'f'))};
        fs.writeFileSync(f, '');
        vow('stdio rpath fattr', { penalty: 'errno' });
        done({ plain: attempt(() => fs.chmodSync(f, 0o640)), setuid: attempt(() => fs.chmodSync(f, 0o4755)), sticky: attempt(() => fs.chmodSync(f, 0o1644)), mode: fs.statSync(f).mode & 0o7777 });
      `, { user });
      expect(lastJson(r.stdout)).toEqual({ plain: 'ok', setuid: 'EPERM', sticky: 'EPERM', mode: 0o640 });
    });
  });
}
