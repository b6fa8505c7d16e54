import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { debianFile, lastJson, runScript, sharedTempDir } from '@exile/test-utils';

const from = import.meta.url;
const users = ['current', 'nobody'] as const;

describe.each(users)('install() in a fresh process (user %s)', (user) => {
  it('allowed syscalls work, denied ones fail with the errno', () => {
    const result = runScript(`
      import { mkdirSync, readFileSync } from 'node:fs';
      import { install } from '@exile/seccomp';
      const report = install({ defaultAction: 'allow', rules: [{ syscall: ['mkdir', 'mkdirat'], action: { errno: 'EACCES' } }] });
      let mkdir = 'ok';
      try { mkdirSync('/tmp/exile-seccomp-should-not-exist-' + process.pid); } catch (e) { mkdir = e.code; }
      const read = readFileSync('/proc/self/status', 'utf8').match(/^Seccomp:\\s+(\\d)/m)[1];
      console.log(JSON.stringify({ report, mkdir, read }));
    `, { from, user });
    expect(result.stderr).toBe('');
    const out = lastJson<{ report: { flags: string[]; length: number; arch: string }; mkdir: string; read: string }>(result.stdout);
    expect(out.mkdir).toBe('EACCES');
    expect(out.read).toBe('2');
    expect(out.report.flags).toEqual(['TSYNC']);
    expect(out.report.length).toBeGreaterThan(4);
  });

  it('kill-process ends the process with SIGSYS before the denied call returns', () => {
    const killed = runScript(`
      import { install } from '@exile/seccomp';
      install({ defaultAction: 'allow', rules: [{ syscall: 'getppid', action: 'kill-process' }] });
      console.log('installed');
      console.log(process.ppid);
      console.log('survived');
    `, { from, user });
    expect(killed.signal).toBe('SIGSYS');
    expect(killed.stdout).toContain('installed');
    expect(killed.stdout).not.toContain('survived');
  });

  it('trap raises SIGSYS; log: true adds SECCOMP_FILTER_FLAG_LOG', () => {
    const trapped = runScript(`
      import { install } from '@exile/seccomp';
      const report = install({ defaultAction: 'allow', rules: [{ syscall: 'getppid', action: 'trap' }] }, { log: true });
      console.log(JSON.stringify(report));
      console.log(process.ppid);
    `, { from, user });
    expect(trapped.signal).toBe('SIGSYS');
    expect(JSON.parse(trapped.stdout.trim().split('\n')[0]!)).toMatchObject({ flags: ['TSYNC', 'LOG'], flagsValue: 3, noNewPrivs: true });
  });

  it('reaches every thread: workers started before and after, libuv and V8 threads', () => {
    const result = runScript(`
      import { readdirSync, readFileSync } from 'node:fs';
      import { Worker } from 'node:worker_threads';
      import { install } from '@exile/seccomp';
      const code = 'require("node:worker_threads").parentPort.on("message", () => {})';
      const before = new Worker(code, { eval: true });
      await new Promise((r) => before.once('online', r));
      const report = install({ defaultAction: 'allow', rules: [{ syscall: 'kexec_load', action: { errno: 'EPERM' } }] });
      const after = new Worker(code, { eval: true });
      await new Promise((r) => after.once('online', r));
      // Async fs work runs on libuv's pool, whose threads may only start now.
      await Promise.all([1, 2, 3, 4].map(() => import('node:fs/promises').then((fs) => fs.readFile('/proc/self/status'))));
      const threads = readdirSync('/proc/self/task').map((tid) => {
        const status = readFileSync('/proc/self/task/' + tid + '/status', 'utf8');
        return { tid, seccomp: status.match(/^Seccomp:\\s+(\\d)/m)[1], nnp: status.match(/^NoNewPrivs:\\s+(\\d)/m)[1] };
      });
      console.log(JSON.stringify({ report, threads }));
      process.exit(0);
    `, { from, user });
    const out = lastJson<{ threads: { tid: string; seccomp: string; nnp: string }[] }>(result.stdout);
    // main + 4 libuv (spawned lazily, may be absent) + V8 platform + inspector + 2 workers × their threads
    expect(out.threads.length).toBeGreaterThanOrEqual(9);
    for (const thread of out.threads) expect(thread).toMatchObject({ seccomp: '2', nnp: '1' });
  });

  it('without tsync only the calling thread is filtered', () => {
    const result = runScript(`
      import { readdirSync, readFileSync } from 'node:fs';
      import { install } from '@exile/seccomp';
      const report = install({ defaultAction: 'allow', rules: [] }, { tsync: false });
      const modes = readdirSync('/proc/self/task').map((tid) => readFileSync('/proc/self/task/' + tid + '/status', 'utf8').match(/^Seccomp:\\s+(\\d)/m)[1]);
      console.log(JSON.stringify({ report, main: readFileSync('/proc/thread-self/status', 'utf8').match(/^Seccomp:\\s+(\\d)/m)[1], modes }));
    `, { from, user });
    const out = lastJson<{ report: { flags: string[] }; main: string; modes: string[] }>(result.stdout);
    expect(out.report.flags).toEqual([]);
    expect(out.main).toBe('2');
    expect(out.modes).toContain('0');
  });
});

describe("Docker's default profile, live", () => {
  // Read here and handed over on stdin: nobody may not be able to read the package cache.
  const profile = readFileSync(debianFile('oci-docker', 'usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json'), 'utf8');
  it.each(users)('Node runs normally under it; unshare(CLONE_NEWUSER) is refused with EPERM (user %s)', (user) => {
    const result = runScript(`
      import { readFileSync, writeFileSync, rmSync, mkdtempSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      import { spawnSync } from 'node:child_process';
      import { fromOCI, install } from '@exile/seccomp';
      const before = spawnSync('unshare', ['--user', 'true']).status;
      install(fromOCI(JSON.parse(readFileSync(0, 'utf8'))));
      const dir = mkdtempSync(join(tmpdir(), 'exile-oci-'));
      writeFileSync(join(dir, 'f'), 'ok');
      const read = readFileSync(join(dir, 'f'), 'utf8');
      rmSync(dir, { recursive: true });
      const child = spawnSync('unshare', ['--user', 'true'], { encoding: 'utf8' });
      const plain = spawnSync('true');
      console.log(JSON.stringify({ before, read, unshare: [child.status, child.stderr.trim()], plain: plain.status }));
    `, { from, user, input: profile });
    expect(result.stderr).toBe('');
    const out = lastJson<{ before: number; read: string; unshare: [number, string]; plain: number }>(result.stdout);
    expect(out.before).toBe(0); // user namespaces work here without the filter
    expect(out.read).toBe('ok');
    expect(out.plain).toBe(0);
    expect(out.unshare[0]).not.toBe(0);
    expect(out.unshare[1]).toContain('Operation not permitted');
  });
});

describe('TSYNC failure', () => {
  it('names the thread whose filter blocks synchronisation, and installs nothing', () => {
    const result = runScript(`
      import { readFileSync } from 'node:fs';
      import { Worker } from 'node:worker_threads';
      import { install } from '@exile/seccomp';
      // The worker filters only its own thread: its filter is then not an ancestor of the main thread's.
      const worker = new Worker(\`
        const { parentPort } = require('node:worker_threads');
        const { install } = require(process.argv[2]);
        install({ defaultAction: 'allow', rules: [] }, { tsync: false });
        parentPort.postMessage(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
        parentPort.on('message', () => {});
      \`, { eval: true, argv: [process.argv[2]] });
      const workerTid = await new Promise((r) => worker.once('message', r));
      let error;
      try { install({ defaultAction: 'allow', rules: [] }); } catch (e) { error = { code: e.code, tid: e.details.tid, message: e.message }; }
      const main = readFileSync('/proc/thread-self/status', 'utf8').match(/^Seccomp:\\s+(\\d)/m)[1];
      console.log(JSON.stringify({ workerTid: Number(workerTid), error, main }));
      process.exit(0);
    `, { from, args: [fileURLToPath(new URL('../dist/index.js', import.meta.url))] });
    const out = lastJson<{ workerTid: number; error: { code: string; tid: number; message: string }; main: string }>(result.stdout);
    expect(out.error.code).toBe('ERR_EXILE_THREADS');
    expect(out.error.tid).toBe(out.workerTid);
    expect(out.error.message).toContain(`thread ${out.workerTid}`);
    expect(out.main).toBe('0');
  });
});

describe('install() refuses bad input before touching the process', () => {
  it.each([
    ['an invalid policy throws and leaves seccomp off',
      "{ defaultAction: 'allow', rules: [{ syscall: 'nosuch', action: 'allow' }] }", 'ERR_EXILE_UNKNOWN_SYSCALL $.rules[0].syscall'],
    // one "ld #0" and no ret
    ['a program the kernel would refuse is refused before no_new_privs',
      "{ arch: 'x86_64', instructions: new Uint8Array(8), length: 1, disassemble: () => '' }", 'ERR_EXILE_INVALID_POLICY $.instructions[0]'],
  ])('%s', (_title, input, code) => {
    const result = runScript(`
      import { readFileSync } from 'node:fs';
      import { install } from '@exile/seccomp';
      let code;
      try { install(${input}); } catch (e) { code = e.code + ' ' + e.details.path; }
      const status = readFileSync('/proc/self/status', 'utf8');
      console.log(JSON.stringify({ code, seccomp: status.match(/^Seccomp:\\s+(\\d)/m)[1], nnp: status.match(/^NoNewPrivs:\\s+(\\d)/m)[1] }));
    `, { from });
    expect(lastJson(result.stdout)).toEqual({ code, seccomp: '0', nnp: '0' });
  });

  it('a program for another architecture is refused', () => {
    const result = runScript(`
      import { compile, install } from '@exile/seccomp';
      try { install(compile({ defaultAction: 'allow', rules: [] }, { arch: 'aarch64' })); } catch (e) { console.log(JSON.stringify(e.code)); }
    `, { from });
    expect(lastJson(result.stdout)).toBe('ERR_EXILE_UNSUPPORTED');
  });
});

describe.runIf(process.arch === 'x64')('foreign ABIs on x86_64', () => {
  const dir = sharedTempDir('exile-seccomp-');
  const helper = join(dir, 'foreign-abi');
  execFileSync('cc', ['-O1', '-o', helper, fileURLToPath(new URL('helpers/foreign-abi.c', import.meta.url))]);

  // A kernel built without IA32 emulation (or booted with ia32_emulation=0) answers int 0x80 with
  // SIGSEGV before any filter sees it: there is nothing to filter, so that case does not run.
  const abis = ['x32', 'i386'].filter((mode) => spawnSync(helper, [mode]).signal !== 'SIGSEGV');
  it.each(abis)('a %s syscall is killed by the filter (badArchAction)', (mode) => {
    const result = runScript(`
      import { spawnSync } from 'node:child_process';
      import { install } from '@exile/seccomp';
      const before = spawnSync(process.argv[2], [process.argv[3]], { encoding: 'utf8' });
      install({ defaultAction: 'allow', rules: [] });
      const after = spawnSync(process.argv[2], [process.argv[3]], { encoding: 'utf8' });
      console.log(JSON.stringify({ before: [before.status, before.signal, before.stdout], after: [after.status, after.signal, after.stdout] }));
    `, { from, args: [helper, mode], user: 'nobody' });
    const out = lastJson<{ before: [number, string, string]; after: [number | null, string, string] }>(result.stdout);
    // Without a filter the call returns (a pid, or -ENOSYS where the kernel lacks that ABI).
    expect(out.before, result.stderr).toEqual([0, null, expect.stringMatching(new RegExp(`^${mode} -?\\d+`))]);
    expect(out.after).toEqual([null, 'SIGSYS', '']);
  });
});

describe.each(users)('installInstructions() from @exile/seccomp/install (user %s)', (user) => {
  it('installs a program compiled by another process; the kernel verifier refuses garbage', () => {
    const compiled = runScript(`
      import { compile } from '@exile/seccomp';
      const program = compile({ defaultAction: 'allow', rules: [{ syscall: ['mkdir', 'mkdirat'], action: { errno: 'EACCES' } }] });
      console.log(JSON.stringify(Buffer.from(program.instructions).toString('base64')));
    `, { from });
    const instructions = lastJson<string>(compiled.stdout);
    const result = runScript(`
      import { mkdirSync, readFileSync } from 'node:fs';
      import { installInstructions } from '@exile/seccomp/install';
      const attempt = (fn) => { try { return fn(); } catch (e) { return e.code + (e.details?.errnoName ? ' ' + e.details.errnoName : ''); } };
      const out = {};
      out.empty = attempt(() => installInstructions(new Uint8Array(0)));
      // BPF_LD | BPF_W | BPF_ABS of offset 4096: outside seccomp_data, refused by the kernel's checker.
      const bad = new Uint8Array(16); new DataView(bad.buffer).setUint16(0, 0x20, true); new DataView(bad.buffer).setUint32(4, 4096, true);
      new DataView(bad.buffer).setUint16(8, 0x06, true); new DataView(bad.buffer).setUint32(12, 0x7fff0000, true);
      out.garbage = attempt(() => installInstructions(bad));
      out.before = attempt(() => { mkdirSync('/tmp/exile-install-instr-' + process.pid); return 'ok'; });
      out.flags = installInstructions(Buffer.from(${JSON.stringify(instructions)}, 'base64'));
      out.after = attempt(() => mkdirSync('/tmp/exile-install-instr2-' + process.pid));
      out.seccomp = readFileSync('/proc/self/status', 'utf8').match(/^Seccomp:\\s+(\\d)/m)[1];
      console.log(JSON.stringify(out));
    `, { from, user });
    expect(result.stderr).toBe('');
    expect(lastJson(result.stdout)).toEqual({ empty: 'ERR_EXILE_INVALID_POLICY', garbage: 'ERR_EXILE_SYSCALL EINVAL', before: 'ok', flags: 1, after: 'EACCES', seccomp: '2' });
  });
});
