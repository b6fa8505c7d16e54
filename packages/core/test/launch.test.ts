import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TASK_STATUS } from '@exile/test-utils';
import { child, packageWithSecret } from './launch-child.js';

describe('launch()', () => {
  it('returns the result by structured clone; arguments cross the same way', () => {
    const { out } = child(`
      out.sum = await settle(launch({ vows: 'stdio' }, (a, b) => a + b, 2, 3));
      out.clone = await settle(launch({}, (m) => new Map([...m, ['d', new Date(0).toISOString()], ['n', 2n ** 70n]]), new Map([['a', 1]])));
    `);
    expect(out.sum).toEqual({ value: 5 });
    expect(out.clone).toEqual({ value: [['a', 1], ['d', '1970-01-01T00:00:00.000Z'], ['n', '1180591620717411303424n']] });
  });

  it('re-throws a thrown error as an ExileRemoteError with the original name, message, code and stack', () => {
    const { out } = child(`out.thrown = await settle(launch({}, () => { throw Object.assign(new RangeError('too far'), { code: 'E_FAR' }); }));`);
    expect(out.thrown!.error).toMatchObject({ name: 'ExileRemoteError', message: 'too far', exile: false, remoteClass: true,
      remote: { name: 'RangeError', message: 'too far', code: 'E_FAR' } });
    expect(out.thrown!.error!.stack).toContain('launched-function.js');
    expect(out.thrown!.error!.stack).toMatch(/^ExileRemoteError: RangeError: too far\n/);
  });

  it('the function runs restricted: fs false denies reads the same function does unrestricted', () => {
    const { out } = child(`
      const read = async () => { const fs = await import('node:fs'); try { fs.readFileSync('/etc/hostname'); return 'ok'; } catch (e) { return e.code; } };
      out.free = await settle(launch({}, read));
      out.denied = await settle(launch({ fs: false }, read));
    `);
    expect(out.free).toEqual({ value: 'ok' });
    expect(out.denied).toEqual({ value: 'EACCES' });
  });

  it('a vow violation rejects with ERR_EXILE_VIOLATION naming the syscall and the vow', () => {
    const { out, stderr } = child(`
      const connect = async () => { const net = await import('node:net'); net.connect(9, '127.0.0.1').on('error', () => {}); await new Promise((r) => setTimeout(r, 2000)); return 'survived'; };
      out.violation = await settle(launch({ vows: 'stdio' }, connect));
      out.allowed = await settle(launch({ vows: 'stdio inet' }, async () => { await import('node:net'); return 'fine'; }));
    `);
    expect(out.violation!.error).toMatchObject({ code: 'ERR_EXILE_VIOLATION', details: { syscall: 'socket', vows: ['inet'], signal: 'SIGSYS' } });
    expect(out.violation!.error!.message).toContain('socket(2) blocked by vows; add "inet" to allow');
    expect(out.allowed).toEqual({ value: 'fine' });
    expect(stderr).toContain('exile: socket(2) blocked by vows');
  });

  it('timeoutMs and an AbortSignal kill the child; a promise that can never settle is named', () => {
    const { out } = child(`
      const hang = () => new Promise((resolve) => setTimeout(resolve, 60_000));
      out.timeout = await settle(launch({ timeoutMs: 200 }, hang));
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('user')), 200);
      out.abort = await settle(launch({ signal: ac.signal }, hang));
      out.preAborted = await settle(launch({ signal: AbortSignal.abort() }, () => 1));
      out.stuck = await settle(launch({}, () => new Promise(() => {})));
    `);
    expect(out.timeout!.error).toMatchObject({ code: 'ERR_EXILE_TIMEOUT' });
    expect(out.stuck!.error!.message).toContain('never settles');
    expect(out.abort!.error).toMatchObject({ code: 'ERR_EXILE_ABORTED' });
    expect(out.preAborted!.error).toMatchObject({ code: 'ERR_EXILE_ABORTED' });
  });

  it('refuses closures and bad policies before starting anything', () => {
    const { out } = child(`
      const secret = 42;
      out.closure = await settle(launch({}, () => secret));
      out.native = await settle(launch({}, Math.max));
      out.policy = await settle(launch({ fs: { read: [1] } }, () => 1));
    `);
    expect(out.closure!.error).toMatchObject({ code: 'ERR_EXILE_INVALID_POLICY', details: { path: 'fn', names: ['secret'] } });
    expect(out.closure!.error!.message).toMatch(/^launch\(\): fn: closes over "secret"/);
    expect(out.native!.error).toMatchObject({ code: 'ERR_EXILE_INVALID_POLICY', details: { path: 'fn' } });
    expect(out.policy!.error).toMatchObject({ code: 'ERR_EXILE_INVALID_POLICY', details: { path: '$.fs.read[0]' } });
  });

  it('starts the child through exile-launch: namespaces and capabilities apply before Node starts', () => {
    const { out } = child(`
      const look = async () => { const fs = await import('node:fs'); const status = fs.readFileSync('/proc/self/status', 'utf8');
        return { pid: process.pid, ifaces: fs.readFileSync('/proc/net/dev', 'utf8').split('\\n').slice(2).map((l) => l.split(':')[0].trim()).filter(Boolean),
          capEff: /CapEff:\\s+(\\w+)/.exec(status)[1], nnp: /NoNewPrivs:\\s+(\\d)/.exec(status)[1] }; };
      out.plain = await settle(launch({}, look));
      out.sandboxed = await settle(launch({ namespaces: { pid: true, net: true }, capabilities: 'drop-all' }, look));
    `);
    const plain = out.plain!.value as { pid: number; ifaces: string[]; capEff: string; nnp: string };
    const sandboxed = out.sandboxed!.value as typeof plain;
    expect(plain.pid).toBeGreaterThan(2);
    expect(plain.ifaces.length).toBeGreaterThan(1);
    expect(sandboxed).toEqual({ pid: 2, ifaces: ['lo'], capEff: '0000000000000000', nnp: '1' });
  });

  it("{ module, export }: Landlock holds from the first instruction, vows from after the import; the package's code stays readable", () => {
    const { pkg, secret } = packageWithSecret();
    writeFileSync(join(pkg, 'data.json'), '"loaded at import"');
    writeFileSync(join(pkg, 'helper.js'), 'export const mark = "!";');
    const mod = join(pkg, 'task.js');
    writeFileSync(mod, `import { readFileSync } from 'node:fs';
      import { mark } from './helper.js';
      const attempt = (path) => { try { readFileSync(path); return 'ok'; } catch (e) { return e.code; } };
      const atImport = JSON.parse(readFileSync(new URL('./data.json', import.meta.url), 'utf8')) + mark;
      const secretAtImport = attempt(${JSON.stringify(secret)});
      export function task(suffix) {
        return { atImport: atImport + suffix, secretAtImport, later: attempt(new URL('./data.json', import.meta.url)), secret: attempt(${JSON.stringify(secret)}) };
      }
      export default () => 'default export';`);
    const { out } = child(`
      out.noRpath = await settle(launch({ fs: false, vows: 'stdio' }, { module: ${JSON.stringify(mod)}, export: 'task' }, '?'));
      out.rpath = await settle(launch({ fs: false, vows: 'stdio rpath' }, { module: ${JSON.stringify(mod)}, export: 'task' }, '?'));
      out.policyRead = await settle(launch({ fs: { read: [${JSON.stringify(secret)}] }, vows: 'stdio rpath' }, { module: ${JSON.stringify(mod)}, export: 'task' }, '?'));
      out.byDefault = await settle(launch({}, { module: new URL(${JSON.stringify(`file://${mod}`)}) }));
      out.missing = await settle(launch({}, { module: ${JSON.stringify(mod)}, export: 'nope' }));
    `);
    // Vows without rpath: the import read its package, the function cannot (EACCES from the vows' runtime rule).
    expect(out.noRpath).toEqual({ value: { atImport: 'loaded at import!?', secretAtImport: 'EACCES', later: 'EACCES', secret: 'EACCES' } });
    // With rpath the package's code stays readable (launch-code.test.ts: only its code); outside it, Landlock refused even at import.
    expect(out.rpath).toEqual({ value: { atImport: 'loaded at import!?', secretAtImport: 'EACCES', later: 'ok', secret: 'EACCES' } });
    expect(out.policyRead).toEqual({ value: { atImport: 'loaded at import!?', secretAtImport: 'ok', later: 'ok', secret: 'ok' } });
    expect(out.byDefault).toEqual({ value: 'default export' });
    expect(out.missing!.error).toMatchObject({ name: 'ExileRemoteError', remote: { name: 'TypeError' } });
  });
});

describe('launch() on a kernel without Landlock (EXILE_LANDLOCK_ABI_MAX=0)', () => {
  it('strict refuses fs limits before any child starts; best-effort runs the function and says fs was not enforced', () => {
    const { out } = child(`
      const read = async () => { const fs = await import('node:fs'); try { fs.readFileSync('/etc/hostname'); return 'ok'; } catch (e) { return e.code; } };
      out.strict = await settle(launch({ fs: false }, read));
      out.bestEffort = await settle(launch({ fs: false, mode: 'best-effort' }, read));
      const { explain } = await import('@exile/core');
      out.items = { value: explain({ fs: false, mode: 'best-effort' }, 'launch').items.filter((i) => i.what === 'file system') };
    `, { EXILE_LANDLOCK_ABI_MAX: '0' });
    expect(out.strict!.error).toMatchObject({ code: 'ERR_EXILE_UNSUPPORTED' });
    expect(out.strict!.error!.message).toContain('file system');
    // Nothing restricts the read: the report said so, and the function shows it.
    expect(out.bestEffort).toEqual({ value: 'ok' });
    expect(out.items!.value).toEqual([expect.objectContaining({ mechanism: 'landlock', enforced: false })]);
  });
});

describe('launch(): every thread of the child', () => {
  it('threads started before the filter (a Worker, the libuv pool) have seccomp and no_new_privs, and Landlock denies them too', () => {
    const { pkg, secret } = packageWithSecret();
    const mod = join(pkg, 'threads.js');
    // At import (before the filter): a Worker, and a pool read that starts the libuv threads.
    writeFileSync(mod, `import { readFile } from 'node:fs/promises';
      import { Worker } from 'node:worker_threads';
      await readFile(new URL('./package.json', import.meta.url));
      const worker = new Worker(\`
        const { parentPort } = require('node:worker_threads');
        const { readFileSync } = require('node:fs');
        parentPort.on('message', (path) => { try { readFileSync(path); parentPort.postMessage('ok'); } catch (e) { parentPort.postMessage(e.code); } });
        parentPort.postMessage('ready');\`, { eval: true });
      await new Promise((resolve) => worker.once('message', resolve));
      ${TASK_STATUS}
      export async function run(secret) {
        const threads = taskStatus({ seccomp: 'Seccomp', nnp: 'NoNewPrivs' });
        const pool = await readFile(secret).then(() => 'ok', (e) => e.code);
        worker.postMessage(secret);
        const inWorker = await new Promise((resolve) => worker.once('message', resolve));
        await worker.terminate();
        return { threads, pool, inWorker };
      }`);
    const { out } = child(`out.run = await settle(launch({ fs: { read: ['/proc'] }, vows: 'stdio rpath' }, { module: ${JSON.stringify(mod)}, export: 'run' }, ${JSON.stringify(secret)}));`);
    const { threads, pool, inWorker } = out.run!.value as { threads: { tid: number; seccomp: string; nnp: string }[]; pool: string; inWorker: string };
    // main + 4 libuv pool threads + the Worker + V8's platform threads (Node 20 names them all "node").
    expect(threads.length).toBeGreaterThanOrEqual(7);
    for (const thread of threads) expect(thread, `thread ${thread.tid}`).toMatchObject({ seccomp: '2', nnp: '1' });
    expect(pool).toBe('EACCES');
    expect(inWorker).toBe('EACCES');
  });
});

describe('spawn()', () => {
  it('returns a ChildProcess with the report; exit status and launch errors come through', () => {
    const { out } = child(`
      const run = (...a) => new Promise((resolve) => { const c = spawn(...a); c.on('error', (e) => resolve({ error: e.code, step: e.details?.step })); c.on('exit', (code) => resolve({ code, items: c.report.items.map((i) => i.what) })); });
      out.ok = { value: await run({ net: false }, '/bin/sh', ['-c', 'exit 4']) };
      out.missing = { value: await run({}, '/nonexistent/program') };
    `);
    expect(out.ok!.value).toEqual({ code: 4, items: [
      'network: none', 'network: new sockets other than AF_UNIX (vsock, packet, raw, netlink, XDP, ALG, …)',
      'scope: signals and ptrace (pidfd_getfd, /proc/PID/ns) only within the sandbox', 'scope: abstract Unix sockets only within the sandbox',
      'terminal input injection (ioctl TIOCSTI, TIOCLINUX)',
      'capabilities: drop all', 'no new privileges (setuid/file capabilities ignored on exec)', 'session: a new one, no controlling terminal',
    ] });
    expect(out.missing!.value).toMatchObject({ error: 'ERR_EXILE_LAUNCH' });
  });
});
