import { describe, expect, it } from 'vitest';
import { lastJson } from '@exile/test-utils';
import { child, expectKilled, lines, SIGSYS_LINE } from './live.js';

// Connecting to a missing Unix socket: ENOENT when AF_UNIX sockets are allowed, the penalty otherwise.
const UNIX = "(await new Promise((ok) => { const s = net.connect('/tmp/exile-none.sock'); s.on('error', (e) => ok(e.code)); s.on('connect', () => ok('connected')); }))";

for (const user of [undefined, 'nobody'] as const) {
  describe(`penalties (${user ?? 'root'})`, () => {
    it('kill: one line naming syscall and vow on stderr, then death by SIGSYS', () => {
      const r = child(`vow('stdio inet'); console.log('vowed'); ${UNIX}; console.log('survived');`, { user });
      expectKilled(r, { stdout: 'vowed\n', stderr: 'exile: socket(2) blocked by vows; add "unix" to allow\n' });
      expect(r.stderr).toMatch(SIGSYS_LINE);
    });

    it('a SIGSYS sent with kill() or tgkill() is no violation: nothing reported, exit 128 + SIGSYS', () => {
      for (const send of ['process.kill(process.pid, "SIGSYS")', 'process.kill(process.pid, 31)']) {
        const r = child(`vow('stdio'); console.log('vowed'); ${send}; await new Promise((ok) => setTimeout(ok, 2000)); console.log('survived');`, { user });
        expect(r.stdout).toBe('vowed\n');
        expect(r.stderr).toBe('');
        expect(r.status).toBe(159);
      }
    });

    it('kill without report: SECCOMP_RET_KILL_PROCESS, silent', () => {
      const r = child(`vow('stdio inet', { report: false }); ${UNIX}; console.log('survived');`, { user });
      expectKilled(r, { stderr: '' });
    });

    it('errno: EPERM by default, the chosen errno otherwise, ENOSYS with the error token; each syscall reported once', () => {
      const r = child(`
        vow('stdio inet', { penalty: 'errno' });
        done([${UNIX}, ${UNIX}, attempt(() => fs.writeFileSync('/tmp/exile-x', 'x')), attempt(() => fs.writeFileSync('/tmp/exile-x', 'x'))]);
      `, { user });
      expect(r.signal).toBeNull();
      expect(lastJson(r.stdout)).toEqual(['EPERM', 'EPERM', 'EPERM', 'EPERM']);
      expect(lines(r.stderr)).toEqual([
        'exile: socket(2) blocked by vows; add "unix" to allow\n',
        'exile: openat(2) blocked by vows; add "wpath" and "cpath" to allow\n',
      ]);
      const eacces = child(`vow('stdio', { penalty: 'errno', errno: 'EACCES', report: false }); done(${UNIX});`, { user });
      expect(lastJson(eacces.stdout)).toBe('EACCES');
      expect(eacces.stderr).toBe('');
      const enosys = child(`vow('stdio error'); done(${UNIX});`, { user });
      expect(lastJson(enosys.stdout)).toBe('ENOSYS');
      expect(enosys.stderr).toBe('exile: socket(2) blocked by vows; add "unix" to allow\n');
    });

    it('names arguments no vow allows', () => {
      const r = child(`vow('stdio inet', { penalty: 'errno' }); done(attempt(() => os.networkInterfaces()) !== 'ok');`, { user });
      expect(lastJson(r.stdout)).toBe(true); // getifaddrs needs an AF_NETLINK socket
      expect(r.stderr).toBe('exile: socket(2) blocked by vows; no vow allows these arguments\n');
    });

    it('monotonic: stdio unix → stdio → stdio unix keeps AF_UNIX denied (errno and kill)', () => {
      const r = child(`
        const out = [];
        out.push(vow('stdio unix', { penalty: 'errno' }).filters, ${UNIX});
        out.push(vow('stdio', { penalty: 'errno' }).filters, ${UNIX});
        out.push(vow('stdio unix', { penalty: 'errno' }).filters, ${UNIX});
        done(out);
      `, { user });
      expect(lastJson(r.stdout)).toEqual([1, 'ENOENT', 2, 'EPERM', 3, 'EPERM']);
      // reported once, by the handler table of the second call; the third call's table would say "an earlier vow() call"
      expect(r.stderr).toBe('exile: socket(2) blocked by vows; add "unix" to allow\n');
      const kill = child(`
        vow('stdio unix'); ${UNIX};
        vow('stdio');
        const third = vow('stdio unix');
        console.log('third', third.filters);
        ${UNIX};
        console.log('survived');
      `, { user });
      expectKilled(kill, { stdout: 'third 3\n', stderr: 'exile: socket(2) blocked by vows; an earlier vow() call forbids it\n' });
    });

    it('mixed penalties stack: an errno vow under a kill vow still kills for what the kill vow refuses', () => {
      const r = child(`
        vow('stdio rpath inet');
        vow('stdio inet', { penalty: 'errno' });
        console.log(attempt(() => fs.readFileSync('/etc/hostname').length > 0)); // refused by the newer filter only
        ${UNIX};
        console.log('survived');
      `, { user });
      // readFile: EACCES from the Node runtime's read rule of the newer filter; AF_UNIX: both filters trap, the newest filter's data (errno) wins
      expect(r.stdout).toBe('EACCES\nsurvived\n');
      expect(r.signal).toBeNull();
    });

    it('bad input throws naming the token and installs nothing', () => {
      const r = child(`
        const status = () => fs.readFileSync('/proc/self/status', 'utf8').match(/^Seccomp:\\s+(\\d)/m)[1];
        const errors = [attempt(() => vow('stdio rpth')), attempt(() => vow(['stdio', ''])), attempt(() => vow(42)), attempt(() => vow('stdio', { penalty: 'maybe' })), attempt(() => vow('stdio', { errno: 'EWHAT' }))];
        done({ errors, seccomp: status() });
      `, { user });
      expect(lastJson(r.stdout)).toEqual({ errors: ['ERR_EXILE_UNKNOWN_VOW', 'ERR_EXILE_UNKNOWN_VOW', 'ERR_EXILE_UNKNOWN_VOW', 'ERR_EXILE_INVALID_POLICY', 'ERR_EXILE_INVALID_POLICY'], seccomp: '0' });
    });

    it('reports what it installed, with the caveats of vows seccomp cannot fully enforce', () => {
      const r = child(`const { length, ...rest } = vow('stdio tmppath', { penalty: 'errno', errno: 'EACCES' }); done({ ...rest, length: length > 100 });`, { user });
      expect(lastJson(r.stdout)).toEqual({
        vows: ['stdio', 'tmppath'], penalty: 'errno', errno: 'EACCES', report: true, runtime: 'node', arch: 'x86_64', length: true,
        flags: ['TSYNC'], filters: 1, caveats: [{ vow: 'tmppath', reason: expect.stringContaining('Landlock') }],
      });
    });

    it('guards the SIGSYS handler without proc', () => {
      const r = child(`vow('stdio', { penalty: 'errno' }); done(attempt(() => process.on('SIGSYS', () => {})));`, { user });
      expect(lastJson(r.stdout)).toBe('EPERM');
    });
  });
}

describe('violations on other threads', () => {
  it('libuv pool threads: errno mode returns EPERM on each of 8 concurrent writes (one line); a stacked kill vow kills the process from the pool', () => {
    const r = child(`
      vow('stdio rpath', { penalty: 'errno' });
      const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => fs.promises.writeFile(path.join(os.tmpdir(), 'exile-pool-' + i), 'x')));
      console.log(results.map((result) => result.reason?.code ?? 'ok').join(','));
      vow('stdio rpath');
      await fs.promises.writeFile(path.join(os.tmpdir(), 'exile-pool-x'), 'x').catch((e) => console.log('caught', e.code));
      console.log('survived');
    `);
    expect(r.stdout).toBe('EPERM,EPERM,EPERM,EPERM,EPERM,EPERM,EPERM,EPERM\n');
    expect(r.signal).toBe('SIGSYS');
    expect(lines(r.stderr)).toEqual([
      'exile: openat(2) blocked by vows; add "wpath" and "cpath" to allow\n',
      'exile: openat(2) blocked by vows; add "wpath" and "cpath" to allow\n',
    ]);
  });
});

describe("exile.h's vow tests, with exact assertions", () => {
  it('vow_from_str: "chown wpath inet error" → those vows, errno ENOSYS', () => {
    const r = child(`
      const report = vow('chown wpath inet error stdio', { report: false });
      done({ vows: report.vows, penalty: report.penalty, errno: report.errno });
    `);
    expect(lastJson(r.stdout)).toEqual({ vows: ['chown', 'wpath', 'inet', 'stdio'], penalty: 'errno', errno: 'ENOSYS' });
  });

  it('seccomp-vow (open): stdio rpath error → O_WRONLY|O_APPEND and O_RDWR fail with ENOSYS, O_RDONLY works', () => {
    const r = child(`
      vow('stdio rpath error');
      done([attempt(() => fs.openSync('/dev/urandom', 'a')), attempt(() => fs.openSync('/dev/urandom', 'r+')), attempt(() => typeof fs.openSync('/dev/urandom', 'r'))]);
    `);
    expect(lastJson(r.stdout)).toEqual(['ENOSYS', 'ENOSYS', 'number']);
  });

  it('seccomp-vow (socket): stdio inet error → AF_INET works, AF_UNIX fails with ENOSYS', () => {
    const r = child(`
      vow('stdio inet error');
      const server = net.createServer();
      const inet = await new Promise((ok) => { server.on('error', (e) => ok(e.code)); server.listen(0, '127.0.0.1', () => ok('listening')); });
      server.close();
      done([inet, ${UNIX}]);
    `);
    expect(lastJson(r.stdout)).toEqual(['listening', 'ENOSYS']);
  });

  it('exile_vow multi: the third call returns normally and AF_UNIX stays denied (also in kill mode: see above)', () => {
    const r = child(`
      const a = vow('stdio unix error'); const first = ${UNIX};
      vow('stdio error'); const second = ${UNIX};
      const c = vow('stdio unix error'); const third = ${UNIX};
      done([a.filters, first, second, c.filters, third]);
    `);
    expect(lastJson(r.stdout)).toEqual([1, 'ENOENT', 'ENOSYS', 3, 'ENOSYS']);
  });

  it('clone3_nosys: thread creation still works after vow() because clone3 gets ENOSYS and glibc falls back to clone', () => {
    const r = child(`
      const { Worker } = await import('node:worker_threads');
      const report = vow('stdio');
      const result = await new Promise((ok, fail) => {
        const w = new Worker('require("worker_threads").parentPort.postMessage(6 * 7)', { eval: true });
        w.once('message', (m) => { w.terminate(); ok(m); }); w.once('error', fail);
      });
      done({ result, filters: report.filters });
    `);
    expect(r.signal).toBeNull();
    expect(lastJson(r.stdout)).toEqual({ result: 42, filters: 1 });
    expect(r.stderr).toBe('');
  });
});
