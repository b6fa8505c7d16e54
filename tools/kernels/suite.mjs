#!/usr/bin/env node
// The conformance suite npm run test:kernels runs inside each booted kernel (and on this machine):
// every check restricts a fresh Node child, proves the forbidden thing fails and the allowed thing
// works, and says what it expected of this kernel's Landlock ABI. One line per check on stdout:
//   EXILE-CHECK {"check":…,"result":"enforced"|"refused as documented"|"FAILED","detail":…}
// Run from the tree tools/kernels/tree.mjs lays out (node_modules/@exile/* as npm installs them).
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const tree = dirname(dirname(fileURLToPath(import.meta.url)));
const helper = process.env.EXILE_SUITE_HELPER ?? join(tree, 'suite', 'helper.node');
const NOBODY = 65534;
// The system folders programs run from, as this system has them (merged /usr or busybox in /bin).
const SYSTEM = ['/bin', '/lib', '/lib64', '/usr'].filter((p) => existsSync(p));

/** A fresh child Node running `code` (an ES module body) as root or nobody; its last JSON line. */
function child(code, { user = 'root', env = {} } = {}) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: tree, encoding: 'utf8', timeout: 600_000, env: { ...process.env, ...env },
    ...(user === 'nobody' ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  const last = r.stdout.trim().split('\n').pop();
  try {
    return { ...JSON.parse(last), stderr: r.stderr.trim(), status: r.status, signal: r.signal };
  } catch {
    return { crashed: true, stdout: r.stdout.trim().slice(-400), stderr: r.stderr.trim().slice(-600), status: r.status, signal: r.signal };
  }
}

/** Two world-writable folders, each with a file: `allowed` and `other`. */
function dirs() {
  const root = mkdtempSync(join(tmpdir(), 'exile-suite-'));
  chmodSync(root, 0o755);
  const out = {};
  for (const name of ['allowed', 'other', 'write']) {
    mkdirSync(join(root, name));
    chmodSync(join(root, name), 0o777);
    writeFileSync(join(root, name, 'f'), 'data\n', { mode: 0o666 });
    out[name] = join(root, name);
  }
  return out;
}

const PRELUDE = `
import fs from 'node:fs';
const attempt = (fn) => { try { const v = fn(); return v === undefined ? 'ok' : v; } catch (e) { return e.code ?? e.message; } };
const tasks = (fields) => fs.readdirSync('/proc/self/task').map((tid) => { const s = fs.readFileSync('/proc/self/task/' + tid + '/status', 'utf8'); return Object.fromEntries([['tid', tid], ...Object.entries(fields).map(([k, f]) => [k, new RegExp('^' + f + ':\\\\s*(\\\\S+)', 'm').exec(s)?.[1]])]); });
const done = (v) => console.log(JSON.stringify(v));
// A worker thread that reads the path it is sent (its code is ES, like the -e module it starts from).
const WORKER = "import { parentPort } from 'node:worker_threads'; import fs from 'node:fs'; parentPort.on('message', (p) => { try { fs.readFileSync(p); parentPort.postMessage('ok'); } catch (e) { parentPort.postMessage(e.code); } });";
`;

const abiOf = () => child(`${PRELUDE} import { abi } from '@exile/landlock'; done(abi());`).abi ?? 0;

const checks = [];
const check = (name, run) => checks.push({ name, run });
const ok = (cond, detail) => ({ result: cond ? 'enforced' : 'FAILED', detail });
const refused = (cond, detail) => ({ result: cond ? 'refused as documented' : 'FAILED', detail });

// Below ABI 3 a Landlock file-system sandbox cannot stop truncation: strict mode refuses (naming
// truncate), best-effort applies the rest. The checks that are not about that run best-effort there.
const compat = (abi) => (abi >= 3 ? 'hard' : 'best-effort');
const mode = (abi) => (abi >= 3 ? 'strict' : 'best-effort');

for (const user of ['root', 'nobody']) {
  check(`landlock fs read-only (${user})`, (abi) => {
    const d = dirs();
    const r = child(`${PRELUDE} import { restrict } from '@exile/landlock';
      const spec = { fs: { read: [${JSON.stringify(d.allowed)}] } };
      let strict; try { restrict(spec); strict = 'applied'; } catch (e) { strict = e.code + ' ' + e.message; }
      const st = strict === 'applied' ? undefined : restrict({ ...spec, compat: 'best-effort' });
      done({ strict, notEnforced: JSON.stringify(st?.notEnforced ?? []), allowed: attempt(() => fs.readFileSync(${JSON.stringify(d.allowed + '/f')}, 'utf8')), other: attempt(() => fs.readFileSync(${JSON.stringify(d.other + '/f')})) });`, { user });
    const reads = r.allowed === 'data\n' && r.other === 'EACCES';
    if (abi >= 3) return ok(r.strict === 'applied' && reads, r);
    return refused(/ERR_EXILE_UNSUPPORTED .*truncate/.test(r.strict) && /truncate/.test(r.notEnforced) && reads, r);
  });
}

check('every thread: TSYNC at ABI ≥ 8 (a thread blocking signal 32 is restricted too), else the broadcast refuses it', (abi) => {
  const d = dirs();
  const r = child(`${PRELUDE} import { restrict } from '@exile/landlock'; import { Worker } from 'node:worker_threads'; import { createRequire } from 'node:module';
    const helper = createRequire(import.meta.url)(${JSON.stringify(helper)});
    const blocker = String(helper.blockSignal32());
    const worker = new Worker(WORKER, { eval: true });
    await new Promise((r) => worker.once('online', r));
    let mechanism, error;
    try { mechanism = restrict({ fs: { read: [${JSON.stringify(d.allowed)}, '/proc'] }, compat: '${compat(abi)}' }).mechanism; } catch (e) { error = e.code; }
    worker.postMessage(${JSON.stringify(d.other + '/f')});
    const workerRead = await new Promise((r) => worker.once('message', r));
    const threads = tasks({ nnp: 'NoNewPrivs', blocked: 'SigBlk' });
    done({ mechanism, error, workerRead, threads: threads.length, nnp: threads.filter((t) => t.nnp === '1').length, blockerNnp: threads.find((t) => t.tid === blocker)?.nnp, blockerBlocks32: (BigInt('0x' + (threads.find((t) => t.tid === blocker)?.blocked ?? '0')) >> 31n & 1n) === 1n });
    process.exit(0);`);
  if (abi >= 8) return ok(r.mechanism === 'tsync' && r.workerRead === 'EACCES' && r.nnp === r.threads && r.blockerNnp === '1' && r.blockerBlocks32, r);
  return refused(r.error === 'ERR_EXILE_THREADS' && r.blockerNnp === '0' && r.blockerBlocks32, r);
});

check('every thread: the signal broadcast (Landlock capped at ABI 7)', (abi) => {
  const d = dirs();
  const r = child(`${PRELUDE} import { restrict } from '@exile/landlock'; import { Worker } from 'node:worker_threads';
    const worker = new Worker(WORKER, { eval: true });
    await new Promise((r) => worker.once('online', r));
    const st = restrict({ fs: { read: [${JSON.stringify(d.allowed)}, '/proc'] }, compat: '${compat(abi)}' });
    worker.postMessage(${JSON.stringify(d.other + '/f')});
    const workerRead = await new Promise((r) => worker.once('message', r));
    const pool = await fs.promises.readFile(${JSON.stringify(d.other + '/f')}).then(() => 'ok', (e) => e.code);
    const threads = tasks({ nnp: 'NoNewPrivs' });
    done({ mechanism: st.mechanism, workerRead, pool, threads: threads.length, nnp: threads.filter((t) => t.nnp === '1').length });
    process.exit(0);`, { env: { EXILE_LANDLOCK_ABI_MAX: '7' } });
  return ok(r.mechanism === 'broadcast' && r.workerRead === 'EACCES' && r.pool === 'EACCES' && r.threads >= 7 && r.nnp === r.threads, r);
});

check('truncate right (ABI 3): strict refuses naming it, best-effort reports it', (abi) => {
  const d = dirs();
  const spec = `{ fs: { rules: [{ path: ${JSON.stringify(d.allowed)}, access: ['read-file', 'write-file'] }, { path: ${JSON.stringify(d.write)}, access: ['read-file', 'write-file', 'truncate'] }] } }`;
  const r = child(`${PRELUDE} import { restrict } from '@exile/landlock';
    let strict; try { restrict(${spec}); strict = 'applied'; } catch (e) { strict = e.code + ' ' + e.message; }
    if (strict !== 'applied') { const st = restrict({ ...${spec}, compat: 'best-effort' }); done({ strict, notEnforced: JSON.stringify(st.notEnforced) }); }
    else done({ strict, withRight: attempt(() => fs.truncateSync(${JSON.stringify(d.write + '/f')})), without: attempt(() => fs.truncateSync(${JSON.stringify(d.allowed + '/f')})), write: attempt(() => fs.appendFileSync(${JSON.stringify(d.allowed + '/f')}, 'more')) });`);
  if (abi >= 3) return ok(r.strict === 'applied' && r.withRight === 'ok' && r.without === 'EACCES' && r.write === 'ok', r);
  return refused(/ERR_EXILE_UNSUPPORTED .*truncate/.test(r.strict) && /truncate/.test(r.notEnforced), r);
});

check('TCP rules (ABI 4): connect only to the allowed port; strict refuses naming TCP below', (abi) => {
  const r = child(`${PRELUDE} import { enable } from '@exile/core'; import net from 'node:net';
    const listen = () => new Promise((ok) => { const s = net.createServer((c) => c.end()).listen(0, '127.0.0.1', () => ok(s)); });
    const [a, b] = [await listen(), await listen()];
    const connect = (s) => new Promise((ok) => net.connect(s.address().port, '127.0.0.1').on('connect', function () { this.destroy(); ok('ok'); }).on('error', (e) => ok(e.code)));
    let strict; try { enable({ net: { connect: [a.address().port] } }); strict = 'applied'; } catch (e) { strict = e.code + ' ' + e.message; }
    if (strict !== 'applied') { const rep = enable({ net: { connect: [a.address().port] }, mode: 'best-effort' }); done({ strict, report: rep.items.filter((i) => !i.enforced).map((i) => i.what).join('; '), b: await connect(b) }); }
    else done({ strict, a: await connect(a), b: await connect(b) });
    process.exit(0);`);
  if (abi >= 4) return ok(r.strict === 'applied' && r.a === 'ok' && r.b === 'EACCES', r);
  return refused(/ERR_EXILE_UNSUPPORTED .*TCP/.test(r.strict) && /TCP/.test(r.report), r);
});

check('resolve-unix (ABI 9): connect to a pathname socket needs the right', (abi) => {
  const d = dirs();
  const server = createServer((c) => c.end());
  const sock = join(d.other, 's.sock');
  return new Promise((resolve) => server.listen(sock, () => {
    chmodSync(sock, 0o777);
    const r = child(`${PRELUDE} import { restrict } from '@exile/landlock'; import net from 'node:net';
      const connect = () => new Promise((ok) => net.connect(${JSON.stringify(sock)}).on('connect', function () { this.destroy(); ok('ok'); }).on('error', (e) => ok(e.code)));
      const spec = (compat) => ({ fs: { read: [${JSON.stringify(d.allowed)}], rules: [{ path: ${JSON.stringify(d.allowed)}, access: ['resolve-unix'] }] }, compat });
      let strict; try { restrict(spec('hard')); strict = 'applied'; } catch (e) { strict = e.code + ' ' + e.message; }
      if (strict !== 'applied') { const st = restrict(spec('best-effort')); done({ strict, notEnforced: JSON.stringify(st.notEnforced), connect: await connect() }); }
      else done({ strict, connect: await connect() });
      process.exit(0);`);
    server.close();
    resolve(abi >= 9 ? ok(r.strict === 'applied' && r.connect === 'EACCES', r)
      : refused(/ERR_EXILE_UNSUPPORTED .*resolve-unix/.test(r.strict) && /resolve-unix/.test(r.notEnforced) && r.connect === 'ok', r));
  }));
});

check('exile run --socket (ABI 9): the named pathname socket connects, another is refused and named with the flag', (abi) => {
  const d = dirs();
  const cli = join(tree, 'node_modules', '@exile', 'core', 'dist', 'cli.cjs');
  const socks = [join(d.allowed, 'a.sock'), join(d.other, 'b.sock')];
  const servers = socks.map(() => createServer((c) => c.end()));
  const client = (sock) => `require('net').connect(${JSON.stringify(sock)}).on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); })`;
  const run = (sock) => spawnSync(process.execPath, [cli, 'run', ...(abi >= 3 ? [] : ['--best-effort']), '--diagnose', '--profile', 'node', '--socket', socks[0], '--', process.execPath, '-e', client(sock)], { encoding: 'utf8', cwd: tmpdir() });
  return Promise.all(servers.map((server, i) => new Promise((ok) => server.listen(socks[i], ok)))).then(() => {
    const [a, b] = socks.map(run);
    servers.forEach((server) => server.close());
    const detail = { named: [a.status, a.stdout.trim(), a.stderr.slice(-300)], other: [b.status, b.stdout.trim(), b.stderr.slice(-300)] };
    const line = `connect to the socket ${socks[1]} denied by the file-system policy; add --socket ${socks[1]}`;
    if (abi >= 9) return ok(a.stdout === 'connected\n' && b.stdout === 'EACCES\n' && b.stderr.includes(line), detail);
    // Below ABI 3 the program gets the mount-namespace view, which holds only the named socket.
    if (abi < 3) return ok(a.stdout === 'connected\n' && b.stdout === 'ENOENT\n', { ...detail, why: 'the mount-namespace view holds only the named socket' });
    return refused(a.stdout === 'connected\n' && b.stdout === 'connected\n', { ...detail, why: 'pathname UNIX sockets are not restricted below ABI 9' });
  });
});

check('UDP rules (ABI 10): bind only the allowed port; strict refuses naming UDP below', (abi) => {
  const r = child(`${PRELUDE} import { restrict } from '@exile/landlock'; import dgram from 'node:dgram';
    const free = () => new Promise((ok) => { const s = dgram.createSocket('udp4'); s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
    const [a, b] = [await free(), await free()];
    const bind = (port) => new Promise((ok) => { const s = dgram.createSocket('udp4'); s.on('error', (e) => ok(e.code)); s.bind(port, '127.0.0.1', () => { s.close(); ok('ok'); }); });
    const spec = (compat) => ({ net: { bindUdp: [a], connectUdp: [a] }, compat });
    let strict; try { restrict(spec('hard')); strict = 'applied'; } catch (e) { strict = e.code + ' ' + e.message; }
    if (strict !== 'applied') { const st = restrict(spec('best-effort')); done({ strict, notEnforced: JSON.stringify(st.notEnforced) }); }
    else done({ strict, a: await bind(a), b: await bind(b) });
    process.exit(0);`);
  if (abi >= 10) return ok(r.strict === 'applied' && r.a === 'ok' && r.b === 'EACCES', r);
  return refused(/ERR_EXILE_UNSUPPORTED .*udp/i.test(r.strict) && /udp/i.test(r.notEnforced), r);
});

check('spawn(): Landlock before exec, or the mount namespace where Landlock lacks a right', (abi) => {
  const d = dirs();
  const r = child(`${PRELUDE} import { spawn } from '@exile/core';
    const run = (file) => new Promise((ok) => { const c = spawn({ fs: { read: [${JSON.stringify(d.allowed)}], write: [${JSON.stringify(d.write)}], exec: ${JSON.stringify(SYSTEM)} } }, '/bin/cat', [file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = ''; c.stdout.on('data', (x) => (out += x)); c.on('error', (e) => ok({ error: e.code + ' ' + e.message }));
      c.on('close', (code) => ok({ code, out, fs: c.report.items.filter((i) => /file system/.test(i.what)).map((i) => i.mechanism + (i.enforced ? '' : ' (not enforced)')).join('; ') })); });
    done({ allowed: await run(${JSON.stringify(d.allowed + '/f')}), other: await run(${JSON.stringify(d.other + '/f')}) });`);
  const fine = r.allowed?.code === 0 && r.allowed.out === 'data\n' && r.other?.code !== 0;
  if (abi >= 3) return ok(fine && /landlock/.test(r.allowed.fs), r);
  return refused(fine && /mount namespace/.test(r.allowed.fs), r);
});

check('seccomp on every thread (TSYNC) with the vows baseline: vow("stdio rpath")', () => {
  const r = child(`${PRELUDE} import { vow } from '@exile/vows'; import { Worker } from 'node:worker_threads'; import { spawnSync } from 'node:child_process';
    const w = new Worker('setInterval(() => {}, 1000)', { eval: true }); await new Promise((r) => w.once('online', r));
    vow('stdio rpath', { penalty: 'errno' });
    const threads = tasks({ seccomp: 'Seccomp' });
    done({ read: attempt(() => fs.readFileSync('/proc/self/status', 'utf8').length > 0 ? 'ok' : 'empty'), write: attempt(() => fs.writeFileSync('/tmp/exile-suite-vow', 'x')), spawn: spawnSync('/bin/true').error?.code ?? 'spawned', threads: threads.length, filtered: threads.filter((t) => t.seccomp === '2').length });
    process.exit(0);`);
  return ok(r.read === 'ok' && r.write === 'EPERM' && r.spawn === 'EPERM' && r.threads >= 7 && r.filtered === r.threads, r);
});

check('SIGSYS reporter: a refused call kills with a line naming it and the vow to add', () => {
  const r = child(`${PRELUDE} import { vow } from '@exile/vows'; import net from 'node:net'; vow('stdio'); net.createServer().listen(0); done({ survived: true });`);
  return ok(r.signal === 'SIGSYS' && /^exile: socket\(2\) blocked by vows; add "[a-z]+" to allow$/m.test(r.stderr ?? ''), { signal: r.signal, stderr: r.stderr });
});

check('seccomp user notification: the parent denies what the filter notifies, the rest runs', () => {
  const d = dirs();
  const r = child(`${PRELUDE} import { compile, openListener } from '@exile/seccomp'; import { spawn } from '@exile/namespaces';
    const seen = [];
    const filter = compile({ defaultAction: 'allow', rules: [{ syscall: process.arch === 'x64' ? ['mkdir', 'mkdirat'] : ['mkdirat'], action: 'notify' }] }).instructions;
    const listener = openListener((n) => { seen.push(n.syscall); listener.deny(n.id, 13); });
    const child = spawn('/bin/sh', ['-c', 'mkdir ${d.write}/denied; echo rc=$?; touch ${d.write}/allowed && echo touched'], { stdio: ['ignore', 'pipe', 'pipe'], preExec: [{ type: 'no-new-privs' }, { type: 'seccomp', filter, listener: listener.socket }] });
    listener.releaseSocket();
    let out = ''; child.stdout.on('data', (x) => (out += x));
    child.on('error', (e) => done({ error: e.code + ' ' + e.message }));
    child.on('close', (code) => { done({ code, out, seen, denied: fs.existsSync('${d.write}/denied'), allowed: fs.existsSync('${d.write}/allowed') }); process.exit(0); });`);
  return ok(r.code === 0 && /rc=1\ntouched/.test(r.out) && r.seen?.length > 0 && r.denied === false && r.allowed === true, r);
});

check('launch(): a function in a sandboxed child, denied reads refused', (abi) => {
  const r = child(`${PRELUDE} import { launch } from '@exile/core';
    const read = async () => { const fs = await import('node:fs'); try { fs.readFileSync('/etc/hostname'); return 'ok'; } catch (e) { return e.code; } };
    done({ sum: await launch({ fs: false, vows: 'stdio', mode: '${mode(abi)}' }, (a, b) => a + b, 2, 3), denied: await launch({ fs: false, vows: 'stdio rpath', mode: '${mode(abi)}' }, read) });`);
  return ok(r.sum === 5 && r.denied === 'EACCES', r);
});

check('exile run: a real program, allowed file read, the rest denied', (abi) => {
  const d = dirs();
  const cli = join(tree, 'node_modules', '@exile', 'core', 'dist', 'cli.cjs');
  const run = (file) => spawnSync(process.execPath, [cli, 'run', ...(abi >= 3 ? [] : ['--best-effort']), '--ro', d.allowed, ...SYSTEM.flatMap((p) => ['--ro', p]), '--', '/bin/cat', file], { encoding: 'utf8', cwd: tmpdir() });
  const [a, b] = [run(join(d.allowed, 'f')), run(join(d.other, 'f'))];
  return ok(a.status === 0 && a.stdout === 'data\n' && b.status !== 0 && /Permission denied|No such file/.test(b.stderr), // hidden (mount namespace) or refused (Landlock)
    { allowed: [a.status, a.stdout, a.stderr.slice(-200)], other: [b.status, b.stderr.slice(-200)] });
});

check('escape attempts from launch(): spawn, read outside, connect', (abi) => {
  const r = child(`${PRELUDE} import { launch } from '@exile/core';
    done(await launch({ fs: false, vows: 'stdio', net: false, penalty: 'errno', mode: '${mode(abi)}' }, async () => {
      const fs = await import('node:fs'); const cp = await import('node:child_process'); const net = await import('node:net');
      const t = (f) => { try { f(); return 'ok'; } catch (e) { return e.code ?? e.message; } };
      return { spawn: cp.spawnSync('/bin/sh', ['-c', 'true']).error?.code ?? 'spawned', read: t(() => fs.readFileSync('/etc/passwd')),
        connect: await new Promise((ok) => net.connect(22, '127.0.0.1').on('connect', () => ok('connected')).on('error', (e) => ok(e.code))) };
    }).catch((e) => ({ error: e.code + ' ' + e.message })));`);
  return ok(r.spawn !== 'spawned' && r.spawn !== undefined && r.read !== 'ok' && r.connect !== 'connected' && r.error === undefined, r);
});

check('strict launch({ fs: false, net: false }): enforced, or refused naming what the kernel lacks (ABI 2: truncate; no TCP rules needed)', (abi) => {
  // A server the launched function must not reach, and this process does (the allowed side).
  const r = child(`${PRELUDE} import { launch } from '@exile/core'; import net from 'node:net';
    const server = await new Promise((ok) => { const s = net.createServer((c) => c.end()).listen(0, '127.0.0.1', () => ok(s)); });
    const port = server.address().port;
    const connect = (p) => new Promise((ok) => net.connect(p, '127.0.0.1').on('connect', function () { this.destroy(); ok('connected'); }).on('error', (e) => ok(e.code)));
    const inside = async (p) => { const fs = await import('node:fs'); const net = await import('node:net');
      let read; try { fs.readFileSync('/etc/hostname'); read = 'ok'; } catch (e) { read = e.code; }
      const connect = await new Promise((ok) => net.connect(p, '127.0.0.1').on('connect', function () { this.destroy(); ok('connected'); }).on('error', (e) => ok(e.code)));
      return { read, connect }; };
    const run = (mode) => launch({ fs: false, net: false, vows: 'stdio rpath inet', mode }, inside, port).catch((e) => ({ error: e.code + ' ' + e.message }));
    done({ outside: await connect(port), strict: await run('strict'), bestEffort: await run('best-effort') });
    process.exit(0);`);
  const held = (x) => x?.read === 'EACCES' && x.connect !== 'connected' && x.connect !== undefined;
  if (abi >= 3) return ok(r.outside === 'connected' && held(r.strict) && held(r.bestEffort), r);
  return refused(r.outside === 'connected' && /^ERR_EXILE_UNSUPPORTED .*truncate/.test(r.strict?.error ?? '') && !/tcp/i.test(r.strict?.error ?? '') && held(r.bestEffort), r);
});

/** The kernel log's records (root only), and whether the kernel's audit is on: Landlock writes its
 *  records (there, with no audit daemon listening) only then. */
function kernelLog() {
  const lines = [];
  const fd = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
  const buf = Buffer.alloc(8192);
  for (;;) {
    let n;
    try { n = readSync(fd, buf); } catch (e) { if (e.code === 'EPIPE') continue; break; }
    if (n <= 0) break;
    lines.push(buf.toString('utf8', 0, n).trim());
  }
  closeSync(fd);
  return lines;
}
const auditOn = () => /(^|\s)audit=1(\s|$)/.test(readFileSync('/proc/cmdline', 'utf8'));
const { openAuditReader } = await import('@exile/landlock');
/** Runs `fn` and returns what it returned with the audit records written meanwhile, read as
 *  @exile/landlock reads them: the audit netlink read-log group (every record), and the kernel log
 *  (rate-limited: 10 lines in 5 s) only where the group cannot be joined. */
function recording(fn) {
  const reader = openAuditReader();
  const r = fn();
  if ('error' in reader) return { r, log: kernelLog(), source: `kernel log (audit group: ${reader.error})` };
  const log = reader.read();
  // kauditd sends the records from its own thread: give it a moment to send the last ones.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  log.push(...reader.read());
  reader.close();
  return { r, log, source: 'audit netlink group' };
}
/** The Landlock denial records (type 1423) in `log` of the domains process `pid` created, as `comm:path`. */
function denialsOf(pid, log) {
  const domains = new Set(log.map((l) => /(?:^|\s)type=1424 .* domain=(\w+) status=allocated .* pid=(\d+) /.exec(l)).filter((m) => m && Number(m[2]) === pid).map((m) => m[1]));
  return log.map((l) => /(?:^|\s)type=1423 audit\(([^)]*)\): domain=(\w+) blockers=\S+ path="([^"]*)"/.exec(l)).filter((m) => m && domains.has(m[2]))
    .map((m) => `${/ comm="([^"]*)"/.exec(log.find((l) => l.includes(`type=1300 audit(${m[1]})`)) ?? '')?.[1] ?? '?'}:${m[3]}`);
}
/** Where Landlock cannot write a record (ABI < 7, or audit off): the restriction must hold all the same. */
const noRecords = (abi) => (abi < 7 ? `Landlock ABI ${abi} has no audit records` : 'audit is off on this kernel (no audit=1): Landlock writes no record');

check('audit-log flags (ABI 7): log.newExec logs the started program\'s denial, log.sameExec: false not our own', (abi) => {
  const d = dirs();
  const spec = (compat) => `{ fs: { read: [${JSON.stringify(d.allowed)}, ...${JSON.stringify(SYSTEM)}], exec: ${JSON.stringify(SYSTEM)} }, log: { sameExec: false, newExec: true }, compat: '${compat}' }`;
  const { r, log, source } = recording(() => child(`${PRELUDE} import { restrict } from '@exile/landlock'; import { spawnSync } from 'node:child_process';
    let strict; try { restrict(${spec('hard')}); strict = 'applied'; } catch (e) { strict = e.code + ' ' + e.message; restrict(${spec('best-effort')}); }
    const own = attempt(() => fs.readFileSync(${JSON.stringify(d.write + '/f')}));
    const cat = spawnSync('/bin/cat', [${JSON.stringify(d.other + '/f')}], { encoding: 'utf8', stdio: 'pipe' });
    done({ strict, pid: process.pid, own, cat: [cat.status, cat.error?.code ?? cat.stderr.trim()] });`));
  const denied = r.own === 'EACCES' && r.cat?.[0] !== 0;
  if (abi < 7) return refused(/ERR_EXILE_UNSUPPORTED .*log:new-exec-on/.test(r.strict) && denied, { ...r, why: noRecords(abi) });
  const seen = denialsOf(r.pid, log);
  if (!auditOn()) return refused(r.strict === 'applied' && denied && seen.length === 0, { ...r, why: noRecords(abi) });
  return ok(r.strict === 'applied' && denied && seen.includes(`cat:${d.other}/f`) && !seen.some((x) => x.endsWith(`${d.write}/f`)), { ...r, seen, source });
});

check('quiet rules (ABI 10): a quiet path\'s denials are not logged, the others are; in-process and through exile-launch', (abi) => {
  const d = dirs();
  const spec = (compat) => `{ fs: { read: [${JSON.stringify(d.allowed)}, ...${JSON.stringify(SYSTEM)}], exec: ${JSON.stringify(SYSTEM)} }, quiet: { paths: [${JSON.stringify(d.write)}] }, log: { newExec: true }, compat: '${compat}' }`;
  const { r, log, source } = recording(() => child(`${PRELUDE} import { restrict, compile } from '@exile/landlock'; import { spawn } from '@exile/namespaces';
    const cat = (file) => new Promise((ok) => { const c = spawn('/bin/cat', [file], { stdio: ['ignore', 'ignore', 'ignore'], preExec: [{ type: 'no-new-privs' }, { type: 'landlock', ruleset: compile(${spec('best-effort')}).ruleset }] });
      c.on('error', (e) => ok({ error: e.code })); c.on('exit', (code) => ok({ pid: c.pid, code })); });
    const launched = [await cat(${JSON.stringify(d.write + '/f')}), await cat(${JSON.stringify(d.other + '/f')})];
    let strict; try { restrict(${spec('hard')}); strict = 'applied'; } catch (e) { strict = e.code + ' ' + e.message; restrict(${spec('best-effort')}); }
    done({ strict, pid: process.pid, launched, quiet: attempt(() => fs.readFileSync(${JSON.stringify(d.write + '/f')})), loud: attempt(() => fs.readFileSync(${JSON.stringify(d.other + '/f')})) });
    process.exit(0);`));
  const denied = r.quiet === 'EACCES' && r.loud === 'EACCES' && r.launched?.every((x) => x.code === 1);
  if (abi < 10) return refused(/ERR_EXILE_UNSUPPORTED .*quiet/.test(r.strict) && denied, r);
  if (!auditOn()) return refused(r.strict === 'applied' && denied, { ...r, why: noRecords(abi) });
  const own = denialsOf(r.pid, log);
  const launched = r.launched.map((x) => denialsOf(x.pid, log));
  return ok(r.strict === 'applied' && denied && own.some((x) => x.endsWith(`${d.other}/f`)) && !own.some((x) => x.endsWith(`${d.write}/f`))
    && launched[0].length === 0 && launched[1].includes(`cat:${d.other}/f`), { ...r, own, launchedSeen: launched, source });
});

check('audit records of a burst (ABI 7): every denial read from the audit netlink group, where the kernel log keeps 10 lines in 5 s', (abi) => {
  const d = dirs();
  const N = 40;
  for (let i = 0; i < N; i++) writeFileSync(join(d.other, `f${i}`), 'x', { mode: 0o666 });
  const before = kernelLog().length;
  const { r, log, source } = recording(() => child(`${PRELUDE} import { restrict } from '@exile/landlock';
    const st = restrict({ fs: { read: [${JSON.stringify(d.allowed)}] }, compat: 'best-effort' });
    const denied = Array.from({ length: ${N} }, (_, i) => attempt(() => fs.readFileSync(${JSON.stringify(d.other)} + '/f' + i))).filter((x) => x === 'EACCES').length;
    done({ pid: process.pid, denied, allowed: attempt(() => fs.readFileSync(${JSON.stringify(d.allowed + '/f')}, 'utf8')) });`));
  const seen = denialsOf(r.pid, log).filter((x) => x.includes(`${d.other}/f`)).length;
  const inKernelLog = denialsOf(r.pid, kernelLog().slice(before)).filter((x) => x.includes(`${d.other}/f`)).length;
  const detail = { ...r, source, records: seen, inKernelLog };
  const held = r.denied === N && r.allowed === 'data\n';
  if (abi < 7 || !auditOn()) return refused(held && seen === 0, { ...detail, why: noRecords(abi) });
  return ok(held && source === 'audit netlink group' && seen === N, detail);
});

check('exile run as root: a Landlock denial of the program named from the audit records, with the flag to add', (abi) => {
  const cli = join(tree, 'node_modules', '@exile', 'core', 'dist', 'cli.cjs');
  const r = spawnSync(process.execPath, [cli, 'run', ...(abi >= 3 ? [] : ['--best-effort']), ...SYSTEM.flatMap((p) => ['--rox', p]), '--', '/bin/sh', '-c', 'cat /etc/hostname; echo rc=$?'], { encoding: 'utf8', cwd: tmpdir() });
  const line = /^exile: cat\[\d+\]: read \/etc\/hostname denied by the file-system policy; add --ro \/etc\/hostname$/m;
  const detail = { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim().slice(-600) };
  const denied = r.status === 0 && /rc=1/.test(r.stdout);
  if (abi < 7 || !auditOn()) return refused(denied && !/^exile: /m.test(r.stderr), { ...detail, why: noRecords(abi) });
  return ok(denied && line.test(r.stderr), detail);
});

check('exile run, a program failing on a refusal: named from the audit records (root, audit on), else a line pointing at --diagnose', (abi) => {
  const cli = join(tree, 'node_modules', '@exile', 'core', 'dist', 'cli.cjs');
  const r = spawnSync(process.execPath, [cli, 'run', ...(abi >= 3 ? [] : ['--best-effort']), ...SYSTEM.flatMap((p) => ['--rox', p]), '--', '/bin/cat', '/etc/hostname'], { encoding: 'utf8', cwd: tmpdir() });
  const named = /^exile: cat\[\d+\]: read \/etc\/hostname denied by the file-system policy; add --ro \/etc\/hostname$/m.test(r.stderr);
  const hint = /^exile: cat exited with status 1; Landlock refusals cannot be named here \(.+\): run again with --diagnose/m.test(r.stderr);
  const detail = { status: r.status, stderr: r.stderr.trim().slice(-600) };
  // Below ABI 3 the program gets the mount-namespace view: the file is not there, and nothing is refused.
  if (abi < 3) return refused(r.status === 1 && /No such file/.test(r.stderr) && !/^exile: /m.test(r.stderr), { ...detail, why: 'the mount-namespace view: nothing refused, the file is not there' });
  if (abi < 7 || !auditOn()) return refused(r.status === 1 && !named && hint, { ...detail, why: noRecords(abi) });
  return ok(r.status === 1 && named && !hint, detail);
});

const abi = abiOf();
const uname = spawnSync('uname', ['-srm'], { encoding: 'utf8' }).stdout.trim();
console.log(`EXILE-KERNEL ${JSON.stringify({ uname, abi, node: process.version, arch: process.arch })}`);
const only = process.env.EXILE_SUITE_ONLY;
for (const { name, run } of checks) {
  if (only && !only.split('|').some((o) => name.includes(o))) continue;
  const started = Date.now();
  let outcome;
  try {
    outcome = await run(abi);
  } catch (error) {
    outcome = { result: 'FAILED', detail: { thrown: String(error?.stack ?? error) } };
  }
  console.log(`EXILE-CHECK ${JSON.stringify({ check: name, ...outcome, ms: Date.now() - started })}`);
}
console.log('EXILE-DONE');
