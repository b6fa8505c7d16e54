// spawn() with Landlock applied by exile-launch right before exec: every thread of the program
// starts restricted. The namespaces config keeps the host's file system (no mount view), so a
// refused write is Landlock's EACCES, not a read-only or missing mount.
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastJson, runScript, sharedTree } from '@exile/test-utils';

type User = 'current' | 'nobody';

function tree(): string {
  return sharedTree('exile-spawn-ll-', { 'rw/': '', 'outside/': '' });
}

/** Runs `body` in a fresh Node child (as `user`) that can spawn; `body` fills `out`. */
function script(body: string, user: User) {
  const code = `
    import { spawn } from '@exile/core';
    const out = {};
    const run = (policy, cmd, args) => new Promise((res) => { let s = ''; let e = ''; const c = spawn(policy, cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }); c.stdout.on('data', (d) => (s += d)); c.stderr.on('data', (d) => (e += d)); c.on('error', (err) => res({ error: err.code, step: err.details?.step })); c.on('close', (code) => res({ code, stdout: s, stderr: e, items: c.report.items.map((i) => [i.what, i.mechanism, i.enforced]) })); });
    ${body}
    console.log(JSON.stringify(out));`;
  return runScript(code, { from: import.meta.url, ...(user === 'nobody' ? { user } : {}), timeoutMs: 60_000 });
}

const SYSTEM = ['/usr', '/etc', '/proc', '/dev'];

describe.each<User>(['current', 'nobody'])('spawn() with Landlock before exec, as %s', (user) => {
  it('a shell writes inside the write dir and gets EACCES outside it, where the host would let it write', () => {
    const dir = tree();
    const r = script(`
      const sh = 'echo in > ${dir}/rw/f && cat ${dir}/rw/f; echo out > ${dir}/outside/f || echo refused';
      out.free = await run({ namespaces: { user: true, mount: true } }, '/bin/sh', ['-c', sh.replaceAll('/f', '/g')]);
      out.sandboxed = await run({ namespaces: { user: true, mount: true }, fs: { exec: ${JSON.stringify(SYSTEM)}, write: ['${dir}/rw'] } }, '/bin/sh', ['-c', sh]);
    `, user);
    expect(r.stderr).toBe('');
    const out = lastJson<Record<string, { code: number; stdout: string; stderr: string; items: [string, string, boolean][] }>>(r.stdout);
    expect(out.free).toMatchObject({ code: 0, stdout: 'in\n', stderr: '' });
    expect(out.sandboxed).toMatchObject({ code: 0, stdout: 'in\nrefused\n' });
    expect(out.sandboxed?.stderr).toContain(`${dir}/outside/f: Permission denied`);
    expect(out.sandboxed?.items).toContainEqual(['file system', expect.stringMatching(/^landlock ABI \d+$/), true]);
  });

  it('every thread of a Node child is restricted: main, libuv pool and a worker (EACCES outside, writes inside)', () => {
    const dir = tree();
    const program = `
      const fs = require('node:fs');
      const { Worker } = require('node:worker_threads');
      const attempt = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code; } };
      const out = { main: [attempt(() => fs.writeFileSync('${dir}/rw/main', 'x')), attempt(() => fs.writeFileSync('${dir}/outside/main', 'x'))] };
      Promise.all([fs.promises.writeFile('${dir}/rw/pool', 'x'), fs.promises.writeFile('${dir}/outside/pool', 'x')].map((p) => p.then(() => 'ok', (e) => e.code))).then((pool) => {
        out.pool = pool;
        const w = new Worker("const fs = require('node:fs'); const { parentPort } = require('node:worker_threads'); const attempt = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code; } }; parentPort.postMessage([attempt(() => fs.writeFileSync('${dir}/rw/worker', 'x')), attempt(() => fs.writeFileSync('${dir}/outside/worker', 'x'))]);", { eval: true });
        w.on('message', (m) => { out.worker = m; console.log(JSON.stringify(out)); w.terminate(); });
      });`;
    const r = script(`out.node = await run({ namespaces: { user: true, mount: true }, fs: { exec: ${JSON.stringify(SYSTEM)}, write: ['${dir}/rw'] } }, process.execPath, ['-e', ${JSON.stringify(program)}]);`, user);
    expect(r.stderr).toBe('');
    const node = lastJson<{ node: { code: number; stdout: string; stderr: string } }>(r.stdout).node;
    expect(node).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(node.stdout)).toEqual({ main: ['ok', 'EACCES'], pool: ['ok', 'EACCES'], worker: ['ok', 'EACCES'] });
  });

  it('TCP connect port rules in strict mode: the allowed port connects, another gets EACCES', () => {
    const r = script(`
      const net = await import('node:net');
      const listen = () => new Promise((res) => { const s = net.createServer((c) => c.on('error', () => {}).end('hi')); s.listen(0, '127.0.0.1', () => res(s)); });
      const [allowed, other] = [await listen(), await listen()];
      const client = (port) => "require('net').connect(" + port + ", '127.0.0.1').on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); })";
      const policy = { net: { connect: [allowed.address().port] }, mode: 'strict' };
      out.allowed = await run(policy, process.execPath, ['-e', client(allowed.address().port)]);
      out.other = await run(policy, process.execPath, ['-e', client(other.address().port)]);
      out.free = await run({}, process.execPath, ['-e', client(other.address().port)]);
      allowed.close(); other.close();
    `, user);
    expect(r.stderr).toBe('');
    const out = lastJson<Record<string, { code: number; stdout: string; items: [string, string, boolean][] }>>(r.stdout);
    expect(out.allowed).toMatchObject({ code: 0, stdout: 'connected\n' });
    expect(out.other).toMatchObject({ code: 0, stdout: 'EACCES\n' });
    expect(out.free).toMatchObject({ code: 0, stdout: 'connected\n' });
    expect(out.allowed?.items).toContainEqual([expect.stringMatching(/^network: TCP connect to port \d+, bind to no port$/), expect.stringMatching(/^landlock ABI \d+$/), true]);
  });

  it('a policy path that is a symlink is resolved once: the rule is on its target and the report names it', () => {
    const dir = tree();
    // An earlier run with SHARED writable planted SHARED/cache -> SECRET.
    mkdirSync(join(dir, 'secret'));
    writeFileSync(join(dir, 'secret', 's'), 'secret\n');
    writeFileSync(join(dir, 'outside', 'o'), 'other\n');
    chmodSync(join(dir, 'secret'), 0o755);
    symlinkSync(join(dir, 'secret'), join(dir, 'rw', 'cache'));
    const r = script(`
      out.run = await run({ namespaces: { user: true, mount: true }, fs: { exec: ${JSON.stringify(SYSTEM)}, read: ['${dir}/rw/cache'] } },
        '/bin/sh', ['-c', 'cat ${dir}/rw/cache/s; cat ${dir}/outside/o || echo refused']);
    `, user);
    expect(r.stderr).toBe('');
    const out = lastJson<{ run: { code: number; stdout: string; items: [string, string, boolean][] } }>(r.stdout).run;
    expect(out).toMatchObject({ code: 0, stdout: 'secret\nrefused\n' });
    expect(out.items).toContainEqual([`file system: ${dir}/rw/cache is ${dir}/secret`, 'landlock', true]);
  });
});
