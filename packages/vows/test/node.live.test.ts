import { describe, expect, it } from 'vitest';
import { lastJson, sharedTempDir } from '@exile/test-utils';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { child, lines } from './live.js';

const workload = fileURLToPath(new URL('../../../tools/vows-runtime/workload.mjs', import.meta.url));

/** A static file server on loopback, plus a client hammering it for `ms` milliseconds. */
const SERVE = (root: string, ms: number): string => `
  const { createServer, get } = await import('node:http');
  const root = ${JSON.stringify(root)};
  const server = createServer((req, res) => {
    fs.promises.readFile(path.join(root, path.normalize(req.url)))
      .then((body) => res.end(body), () => { res.statusCode = 404; res.end(); });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const port = server.address().port;
  const fetch = (p) => new Promise((ok, fail) => get({ host: '127.0.0.1', port, path: p, agent: false }, (r) => {
    let body = ''; r.on('data', (d) => { body += d; }); r.on('end', () => ok([r.statusCode, body]));
  }).on('error', fail));
  const until = Date.now() + ${ms};
  let requests = 0, bytes = 0, bad = 0;
  while (Date.now() < until) {
    const [status, body] = await fetch(requests % 2 === 0 ? '/index.html' : '/sub/data.json');
    requests++; bytes += body.length; if (status !== 200) bad++;
  }
  const missing = (await fetch('/nope'))[0];
`;

function site(): string {
  const root = sharedTempDir();
  writeFileSync(join(root, 'index.html'), '<h1>exile</h1>'.repeat(100), { mode: 0o644 });
  mkdirSync(join(root, 'sub'), { mode: 0o755 });
  writeFileSync(join(root, 'sub', 'data.json'), JSON.stringify({ ok: true, list: Array.from({ length: 500 }, (_, i) => i) }), { mode: 0o644 });
  return root;
}

for (const user of [undefined, 'nobody'] as const) {
  describe(`a real Node workload (${user ?? 'root'})`, () => {
    it("an HTTP file server on loopback runs for seconds under vow('stdio rpath inet') with zero violations", () => {
      const r = child(`
        vow('stdio rpath inet');
        ${SERVE(site(), 3000)}
        server.close();
        done({ requests, bad, missing, bytes: bytes > 0 });
      `, { user, timeoutMs: 30_000 });
      expect(r.signal).toBeNull();
      expect(r.stderr).toBe('');
      const result = lastJson<{ requests: number; bad: number; missing: number; bytes: boolean }>(r.stdout);
      expect(result).toEqual({ requests: expect.any(Number), bad: 0, missing: 404, bytes: true });
      expect(result.requests).toBeGreaterThan(20);
    });

    it('the same server cannot spawn, write a file or connect to a unix socket', () => {
      const root = site();
      const r = child(`
        vow('stdio rpath inet', { penalty: 'errno' });
        ${SERVE(root, 500)}
        const spawn = spawnSync('/bin/sh', ['-c', 'echo pwned']).error?.code ?? 'spawned';
        const write = attempt(() => fs.writeFileSync(path.join(root, 'index.html'), 'defaced'));
        const unix = await new Promise((ok) => { const s = net.connect('/run/exile-none.sock'); s.on('error', (e) => ok(e.code)); s.on('connect', () => ok('connected')); });
        const stillServing = (await fetch('/index.html'))[0];
        server.close();
        done({ bad, spawn, write, unix, stillServing, page: fs.readFileSync(path.join(root, 'index.html'), 'utf8').slice(0, 14) });
      `, { user });
      expect(lastJson(r.stdout)).toEqual({ bad: 0, spawn: 'EPERM', write: 'EPERM', unix: 'EPERM', stillServing: 200, page: '<h1>exile</h1>' });
      expect(lines(r.stderr)).toEqual([
        'exile: clone(2) blocked by vows; add "proc" to allow\n',
        'exile: openat(2) blocked by vows; add "wpath" and "cpath" to allow\n',
        'exile: socket(2) blocked by vows; add "unix" to allow\n',
      ]);
    });

    it.each([
      ['the measurement workload (timers, GC, JIT, crypto, zlib, a Worker, WebAssembly, fs, HTTP)', 'stdio rpath inet', ['core', 'wasm', 'fs', 'net']],
      ['and its runtime part (no files, no network)', 'stdio', ['core', 'wasm']],
    ])("%s runs under vow('%s')", (_what, vows, parts) => {
      const r = child(`
        const { run } = await import(process.argv[2]);
        vow(${JSON.stringify(vows)});
        await run(${JSON.stringify(parts)});
        done('finished');
      `, { user, nodeArgs: ['--expose-gc'], timeoutMs: 60_000, args: [workload] });
      expect(r.stderr).toBe('');
      expect(r.signal).toBeNull();
      expect(lastJson(r.stdout)).toBe('finished');
    });

    it('every thread carries every filter, also threads started after vow()', () => {
      const r = child(`
        const { Worker } = await import('node:worker_threads');
        const before = new Worker('setInterval(() => {}, 1000)', { eval: true });
        await new Promise((ok) => before.once('online', ok));
        vow('stdio rpath');
        vow('stdio rpath');
        const after = new Worker('setInterval(() => {}, 1000)', { eval: true });
        await new Promise((ok) => after.once('online', ok));
        await fs.promises.readFile('/etc/hostname'); // starts the libuv pool if it was not running
        const tasks = fs.readdirSync('/proc/self/task').map((tid) => fs.readFileSync('/proc/self/task/' + tid + '/status', 'utf8'));
        const field = (status, name) => status.match(new RegExp('^' + name + ':\\\\s+(\\\\d+)', 'm'))[1];
        done({ threads: tasks.length, modes: [...new Set(tasks.map((s) => field(s, 'Seccomp')))], filters: [...new Set(tasks.map((s) => field(s, 'Seccomp_filters')))], nnp: [...new Set(tasks.map((s) => field(s, 'NoNewPrivs')))] });
        process.exit(0);
      `, { user });
      const result = lastJson<{ threads: number }>(r.stdout);
      expect(result).toEqual({ threads: expect.any(Number), modes: ['2'], filters: ['2'], nnp: ['1'] });
      expect(result.threads).toBeGreaterThanOrEqual(9);
    });
  });
}

describe('a terminal on stdout', () => {
  it("console.log under vow('stdio') works on a pty (libuv's tty probing) and the exit restores the terminal; raw mode needs tty", () => {
    const dir = new URL('../.test-tmp/', import.meta.url).pathname;
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `tty-${process.pid}.mjs`);
    writeFileSync(file, "import { vow } from '@exile/vows';\nvow(process.argv[2]);\nconsole.log('on a tty:', process.stdout.isTTY);\nif (process.argv[3]) process.stdin.setRawMode(true);\n");
    const inPty = (...args: string[]) => spawnSync('script', ['-qec', [process.execPath, file, ...args].map((a) => `'${a}'`).join(' '), '/dev/null'], { encoding: 'utf8', cwd: tmpdir(), timeout: 30_000 });
    const plain = inPty('stdio');
    expect(plain.status).toBe(0);
    expect(plain.stdout.replace(new RegExp(String.fromCharCode(27) + '\\[\\d+m', 'g'), '')).toBe('on a tty: true\r\n');
    const raw = inPty('stdio', 'raw');
    expect(raw.stdout).toContain('exile: ioctl(2) blocked by vows; add "tty" to allow');
    expect(inPty('stdio tty', 'raw').status).toBe(0);
  });
});
