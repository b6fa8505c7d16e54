import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TASK_STATUS } from '@exile/test-utils';
import { child, packageWithSecret } from './launch-child.js';

/** A module package with the exports the tests call, and a secret file outside it. */
function fixture(): { mod: string; secret: string; dir: string } {
  const { pkg, secret } = packageWithSecret();
  // A .json: a launched module reads its package's code and data files only (launch-code.test.ts).
  writeFileSync(join(pkg, 'data.json'), '"loaded at import"');
  const mod = join(pkg, 'tasks.js');
  writeFileSync(mod, `import { readFileSync, writeFileSync, writeSync } from 'node:fs';
    import { randomBytes } from 'node:crypto';
    const attempt = (path) => { try { readFileSync(path); return 'ok'; } catch (e) { return e.code; } };
    const atImport = JSON.parse(readFileSync(new URL('./data.json', import.meta.url), 'utf8'));
    const secretAtImport = attempt(${JSON.stringify(secret)});
    ${TASK_STATUS}
    let calls = 0;
    export function mark(value) { const seen = globalThis.marked ?? null; globalThis.marked = value; calls += 1; return { seen, calls }; }
    export function identity() { return { pid: process.pid, random: randomBytes(16).toString('hex') }; }
    export const add = (a, b) => a + b;
    export const clone = (m) => new Map([...m, ['n', 2n ** 70n]]);
    export function throws() { throw Object.assign(new RangeError('too far'), { code: 'E_FAR' }); }
    export async function connect() { const net = await import('node:net'); net.connect(9, '127.0.0.1').on('error', () => {}); await new Promise((r) => setTimeout(r, 5000)); return 'survived'; }
    export const hang = () => new Promise((r) => setTimeout(r, 60_000));
    export const wait = (ms) => new Promise((r) => setTimeout(() => r(ms), ms));
    export const stuck = () => new Promise(() => {});
    export const read = (path) => attempt(path);
    export const imported = () => ({ atImport, secretAtImport, later: attempt(new URL('./data.json', import.meta.url)) });
    export function say(i, size) { process.stdout.write('said ' + i + ' ' + 'x'.repeat(size) + '\\n'); process.stderr.write('told ' + i + '\\n'); return i; }
    export const signal = (whom) => { try { process.kill(whom === 'self' ? process.pid : process.ppid, 0); return { pid: process.pid, sent: true }; } catch (e) { return e.code; } };
    export function pidThenHang(file) { writeFileSync(file, String(process.pid)); return new Promise((r) => setTimeout(r, 60_000)); }
    export function garbage() { writeSync(3, Buffer.from([8, 0, 0, 0, 0xff, 0x0f, 0x6f, 0x22, 0x99, 0x99, 0x99, 0x99])); return new Promise((r) => setTimeout(r, 5000)); }
    export function look() {
      const status = readFileSync('/proc/self/status', 'utf8');
      return { pid: process.pid, ifaces: readFileSync('/proc/net/dev', 'utf8').split('\\n').slice(2).map((l) => l.split(':')[0].trim()).filter(Boolean),
        capEff: /CapEff:\\s+(\\w+)/.exec(status)[1], threads: taskStatus({ seccomp: 'Seccomp', nnp: 'NoNewPrivs' }) };
    }`);
  return { mod, secret, dir: join(pkg, '..') };
}

/** Runs `body` in a fresh child (launch-child.ts) where `mod` names the fixture's module. */
function poolChild(body: string, user: 'current' | 'nobody' = 'current') {
  return child(`const mod = ${JSON.stringify(fixture().mod)};\n${body}`, {}, user);
}

describe.each(['current', 'nobody'] as const)('createPool() (%s)', (user) => {
  it('single use: every call a fresh process (own pid, own random state, no globals of the last call); maxUses shares them', () => {
    const { out } = poolChild(`
      const single = createPool({ fs: false, net: false, vows: 'stdio', capabilities: 'drop-all' }, { module: mod, size: 2 });
      out.single = { value: [] };
      for (let i = 0; i < 4; i++) out.single.value.push({ mark: await single.run('mark', i), ...(await single.run('identity')) });
      out.singleStats = { value: single.stats() };
      await single.close();
      const shared = createPool({ vows: 'stdio' }, { module: new URL('file://' + mod), size: 1, maxUses: 3 });
      out.shared = { value: [await shared.run('mark', 'a'), await shared.run('mark', 'b'), await shared.run('mark', 'c'), await shared.run('mark', 'd')] };
      await shared.close();
    `, user);
    const single = out.single!.value as { mark: { seen: unknown; calls: number }; pid: number; random: string }[];
    for (const call of single) expect(call.mark).toEqual({ seen: null, calls: 1 });
    expect(new Set(single.map((c) => c.pid)).size).toBe(single.length);
    expect(new Set(single.map((c) => c.random)).size).toBe(single.length);
    expect(out.singleStats!.value).toMatchObject({ busy: 0, queued: 0, failed: 0 });
    expect((out.singleStats!.value as { started: number }).started).toBeGreaterThanOrEqual(8);
    // Three calls share a worker, the fourth gets a fresh one.
    expect(out.shared!.value).toEqual([{ seen: null, calls: 1 }, { seen: 'a', calls: 2 }, { seen: 'b', calls: 3 }, { seen: null, calls: 1 }]);
  });

  it('a violation, a throw, a timeout, an abort and a stuck promise each fail only their own call, with the launch() errors', () => {
    const { out } = poolChild(`
      const pool = createPool({ vows: 'stdio' }, { module: mod, size: 2, maxUses: 10 });
      out.violation = await settle(pool.run('connect'));
      out.after = await settle(pool.run('add', 2, 3));
      out.thrown = await settle(pool.run('throws'));
      // Timed once a worker is ready, so the limit hits a running call (a queued one just leaves the queue).
      const ready = async () => { while (pool.stats().idle < 1) await new Promise((r) => setTimeout(r, 20)); };
      await ready();
      out.timeout = await settle(pool.runWith({ timeoutMs: 300 }, 'hang'));
      await ready();
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('user')), 300);
      out.abort = await settle(pool.runWith({ signal: ac.signal }, 'hang'));
      out.stuck = await settle(pool.run('stuck'));
      out.missing = await settle(pool.run('nope'));
      out.still = await settle(pool.run('add', 1, 1));
      out.stats = { value: pool.stats() };
      await pool.close();
    `, user);
    expect(out.violation!.error).toMatchObject({ code: 'ERR_EXILE_VIOLATION', exile: true, details: { syscall: 'socket', vows: ['inet'], signal: 'SIGSYS' } });
    expect(out.violation!.error!.message).toContain('pool.run(): the function broke its policy: socket(2) blocked by vows; add "inet" to allow');
    expect(out.after).toEqual({ value: 5 });
    expect(out.thrown!.error).toMatchObject({ name: 'ExileRemoteError', exile: false, remote: { name: 'RangeError', message: 'too far', code: 'E_FAR' } });
    expect(out.timeout!.error).toMatchObject({ code: 'ERR_EXILE_TIMEOUT' });
    expect(out.abort!.error).toMatchObject({ code: 'ERR_EXILE_ABORTED' });
    expect(out.stuck!.error!.message).toContain('never settles');
    expect(out.missing!.error).toMatchObject({ name: 'ExileRemoteError', remote: { name: 'TypeError' } });
    expect(out.still).toEqual({ value: 2 });
    // The violation, the timeout and the abort each killed their worker; the stuck promise's worker ended by itself (final answer).
    expect(out.stats!.value).toMatchObject({ failed: 3, busy: 0, queued: 0 });
  });
});

describe('createPool(): workers', () => {
  it('a worker killed from outside rejects its call with ERR_EXILE_LAUNCH and is replaced; close() leaves no process behind', () => {
    const { mod, dir } = fixture();
    const pidFile = join(dir, 'pid');
    const { out, status } = child(`
      const { readFileSync, existsSync, readdirSync } = await import('node:fs');
      // Every process below this one: the pool's spawner and the workers it started.
      const parents = () => new Map(readdirSync('/proc').filter((p) => /^\\d+$/.test(p)).flatMap((p) => { try { return [[Number(p), Number(readFileSync('/proc/' + p + '/stat', 'utf8').split(') ')[1].split(' ')[1])]]; } catch { return []; } }));
      const children = () => { const of = parents(); const below = (pid) => { for (let at = of.get(pid); at !== undefined && at > 1; at = of.get(at)) if (at === process.pid) return true; return false; }; return [...of.keys()].filter(below); };
      const pool = createPool({}, { module: ${JSON.stringify(mod)}, size: 2, maxUses: 5 });
      const running = settle(pool.run('pidThenHang', ${JSON.stringify(pidFile)}));
      while (!existsSync(${JSON.stringify(pidFile)}) || readFileSync(${JSON.stringify(pidFile)}, 'utf8') === '') await new Promise((r) => setTimeout(r, 20));
      const victim = Number(readFileSync(${JSON.stringify(pidFile)}, 'utf8'));
      process.kill(victim, 'SIGKILL');
      out.killed = await running;
      out.next = await settle(pool.run('identity'));
      out.replaced = { value: out.next.value.pid !== victim };
      out.stats = { value: pool.stats() };
      const pids = [victim, out.next.value.pid];
      out.before = { value: children().length };
      await pool.close();
      out.after = { value: children() };
      out.gone = { value: pids.filter((pid) => existsSync('/proc/' + pid)) };
      out.closedRun = await settle(pool.run('add', 1, 2));
      // Idle workers do not keep this process alive: a pool never closed does not hang its exit.
      const forgotten = createPool({}, { module: ${JSON.stringify(mod)}, size: 1 });
      out.forgotten = await settle(forgotten.run('add', 1, 2));
    `);
    expect(status).toBe(0);
    expect(out.killed!.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', exile: true, details: { signal: 'SIGKILL' } });
    expect(out.replaced).toEqual({ value: true });
    expect(out.stats!.value).toMatchObject({ failed: 1 });
    expect(out.before!.value).toBeGreaterThanOrEqual(2);
    expect(out.after).toEqual({ value: [] });
    expect(out.gone).toEqual({ value: [] });
    expect(out.closedRun!.error).toMatchObject({ code: 'ERR_EXILE_ABORTED' });
    expect(out.forgotten).toEqual({ value: 3 });
  });

  it('workers after the first come from the spawner; one killed from outside fails only the call running there, and the next call gets a new spawner', () => {
    const { mod, dir } = fixture();
    const pidFile = join(dir, 'pid-behind-spawner');
    const { out, status } = child(`
      const { readFileSync, existsSync } = await import('node:fs');
      const parentOf = (pid) => Number(readFileSync('/proc/' + pid + '/stat', 'utf8').split(') ')[1].split(' ')[1]);
      const pool = createPool({}, { module: ${JSON.stringify(mod)}, size: 1 });
      out.first = await settle(pool.run('identity'));
      out.firstParent = { value: parentOf(out.first.value.pid) === process.pid };
      // Single use: the first worker was forked by createPool(), its replacement by the spawner.
      const running = settle(pool.run('pidThenHang', ${JSON.stringify(pidFile)}));
      while (!existsSync(${JSON.stringify(pidFile)}) || readFileSync(${JSON.stringify(pidFile)}, 'utf8') === '') await new Promise((r) => setTimeout(r, 20));
      const worker = Number(readFileSync(${JSON.stringify(pidFile)}, 'utf8'));
      const spawner = parentOf(worker);
      out.spawner = { value: spawner !== process.pid && parentOf(spawner) === process.pid && readFileSync('/proc/' + spawner + '/cmdline', 'utf8').includes('spawner-child.js') };
      process.kill(spawner, 'SIGKILL');
      out.killed = await running;
      out.next = await settle(pool.run('add', 2, 3));
      for (let i = 0; i < 100 && existsSync('/proc/' + worker); i++) await new Promise((r) => setTimeout(r, 20));
      out.workerGone = { value: !existsSync('/proc/' + worker) };
      await pool.close();
    `);
    expect(status).toBe(0);
    expect(out.firstParent).toEqual({ value: true });
    expect(out.spawner).toEqual({ value: true });
    expect(out.killed!.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', exile: true });
    expect(out.next).toEqual({ value: 5 });
    expect(out.workerGone).toEqual({ value: true });
  });
  it('calls queue up to maxQueue, then ERR_EXILE_POOL_FULL; close({ force }) rejects what waits and kills what runs', () => {
    const { out } = poolChild(`
      const pool = createPool({}, { module: mod, size: 1, maxQueue: 1 });
      while (pool.stats().idle < 1) await new Promise((r) => setTimeout(r, 20));
      const running = settle(pool.run('hang'));
      const queued = settle(pool.run('hang'));
      out.full = await settle(pool.run('add', 1, 2));
      out.statsFull = { value: pool.stats() };
      await new Promise((r) => setTimeout(r, 500));
      await pool.close({ force: true });
      out.running = await running;
      out.queued = await queued;
    `);
    expect(out.full!.error).toMatchObject({ code: 'ERR_EXILE_POOL_FULL', details: { maxQueue: 1 } });
    expect(out.statsFull!.value).toMatchObject({ queued: 1 });
    expect(out.running!.error).toMatchObject({ code: 'ERR_EXILE_ABORTED' });
    expect(out.queued!.error).toMatchObject({ code: 'ERR_EXILE_ABORTED' });
  });

  it('a worker that breaks the protocol is killed, its call rejects with ERR_EXILE_LAUNCH, the next call is served', () => {
    const { out } = poolChild(`
      const pool = createPool({ vows: 'stdio' }, { module: mod, size: 1, maxUses: 10 });
      out.garbage = await settle(pool.run('garbage'));
      out.next = await settle(pool.run('add', 2, 2));
      await pool.close();
    `);
    expect(out.garbage!.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH' });
    expect(out.garbage!.error!.message).toContain('broke the launch protocol');
    expect(out.next).toEqual({ value: 4 });
  });

  it('bad options and policies throw before any worker starts, naming the bad part', () => {
    const { out } = poolChild(`
      const attempt = (fn) => { try { fn(); return { value: 'created' }; } catch (e) { return { error: { code: e.code, details: e.details, message: e.message } }; } };
      out.size = attempt(() => createPool({}, { module: mod, size: 0 }));
      out.maxUses = attempt(() => createPool({}, { module: mod, maxUses: 1.5 }));
      out.relative = attempt(() => createPool({}, { module: './tasks.js' }));
      out.policy = attempt(() => createPool({ fs: { read: [1] } }, { module: mod }));
      out.inherited = attempt(() => createPool({}, Object.create({ module: mod })));
    `);
    expect(out.size!.error).toMatchObject({ code: 'ERR_EXILE_INVALID_POLICY', details: { path: 'options.size' }, message: 'createPool(): options.size: must be an integer ≥ 1, got 0' });
    expect(out.maxUses!.error).toMatchObject({ code: 'ERR_EXILE_INVALID_POLICY', details: { path: 'options.maxUses' } });
    expect(out.relative!.error).toMatchObject({ code: 'ERR_EXILE_INVALID_POLICY', details: { path: 'options.module' }, message: 'createPool(): options.module: must be an absolute path or a URL (new URL(\'./x.js\', import.meta.url)), got "./tasks.js"' });
    expect(out.policy!.error).toMatchObject({ code: 'ERR_EXILE_INVALID_POLICY', details: { path: '$.fs.read[0]' } });
    expect(out.inherited!.error).toMatchObject({ code: 'ERR_EXILE_INVALID_POLICY', details: { path: 'options.module' } });
  });
});

describe.each(['current', 'nobody'] as const)('createPool(): one filter for every worker (%s)', (user) => {
  it('compiled once, it names each worker\'s own pid: a worker may signal itself, never the caller', () => {
    const { out } = poolChild(`
      const policy = { fs: false, net: false, vows: 'stdio', capabilities: 'drop-all' };
      const pool = createPool(policy, { module: mod, size: 2 });
      const inPidNs = createPool({ ...policy, namespaces: { pid: true } }, { module: mod, size: 1 });
      out.selves = { value: [await pool.run('signal', 'self'), await pool.run('signal', 'self'), await pool.run('signal', 'self')] };
      out.caller = await settle(pool.run('signal', 'caller'));
      out.pidNs = await settle(inPidNs.run('signal', 'self'));
      out.after = await settle(pool.run('signal', 'self'));
      await Promise.all([pool.close(), inPidNs.close()]);
    `, user);
    const selves = out.selves!.value as { pid: number; sent: boolean }[];
    for (const self of selves) expect(self.sent).toBe(true);
    expect(new Set(selves.map((s) => s.pid)).size).toBe(3);
    expect(out.caller!.error).toMatchObject({ code: 'ERR_EXILE_VIOLATION', details: { syscall: 'kill', vows: ['proc'] } });
    expect(out.pidNs).toEqual({ value: { pid: 2, sent: true } });
    expect(out.after!.value).toMatchObject({ sent: true });
  });
});

describe('createPool(): output', () => {
  it('what a call writes to stdout and stderr is forwarded before its promise resolves, single use and maxUses', () => {
    const { mod } = fixture();
    // More than a pipe holds (64 KiB), so part of each call's output is still in the pipe when its answer arrives.
    const { stdout, stderr, out } = child(`
      const reused = createPool({ vows: 'stdio' }, { module: ${JSON.stringify(mod)}, size: 1, maxUses: 100 });
      const single = createPool({ vows: 'stdio' }, { module: ${JSON.stringify(mod)}, size: 1 });
      for (let i = 0; i < 10; i++) {
        const pool = i % 3 === 2 ? single : reused;
        const answer = await pool.run('say', i, 70_000);
        process.stdout.write('answered ' + answer + '\\n');
        process.stderr.write('answered ' + answer + '\\n');
      }
      await Promise.all([reused.close(), single.close()]);
    `);
    expect(out).toEqual({});
    const order = (text: string) => text.split('\n').filter((line) => /^(said|told|answered) /.test(line)).map((line) => line.split(' ').slice(0, 2).join(' '));
    const expected = Array.from({ length: 10 }, (_, i) => [`said ${i}`, `answered ${i}`]).flat();
    expect(order(stdout)).toEqual(expected);
    expect(order(stderr)).toEqual(expected.map((line) => line.replace('said', 'told')));
  });
});

// core's launch() conformance list (launch.test.ts), through a pool.
describe('createPool(): what launch() guarantees holds for pool.run()', () => {
  it('a polluted prototype imposes no timeout on a call and no force on close()', () => {
    const { out } = poolChild(`
      const pool = createPool({ vows: 'stdio' }, { module: mod, size: 1 });
      Object.prototype.timeoutMs = 50;
      Object.prototype.force = true;
      try {
        out.call = await settle(pool.run('wait', 400));
        const running = settle(pool.run('wait', 400));
        await pool.close();
        out.drained = await running;
      } finally { delete Object.prototype.timeoutMs; delete Object.prototype.force; }
    `);
    expect(out.call).toEqual({ value: 400 });
    expect(out.drained).toEqual({ value: 400 });
  });

  it('structured clone both ways; fs false denies what the same export reads unrestricted', () => {
    const { out } = poolChild(`
      const free = createPool({}, { module: mod, size: 1 });
      const denied = createPool({ fs: false }, { module: mod, size: 1 });
      out.clone = await settle(free.run('clone', new Map([['a', 1]])));
      out.free = await settle(free.run('read', '/etc/hostname'));
      out.denied = await settle(denied.run('read', '/etc/hostname'));
      out.report = { value: denied.report.items.map((i) => [i.what, i.enforced]) };
      await Promise.all([free.close(), denied.close()]);
    `);
    expect(out.clone).toEqual({ value: [['a', 1], ['n', '1180591620717411303424n']] });
    expect(out.free).toEqual({ value: 'ok' });
    expect(out.denied).toEqual({ value: 'EACCES' });
    expect(out.report!.value).toContainEqual([expect.stringContaining('file system'), true]);
  });

  it('namespaces and capabilities apply before Node starts; seccomp and no_new_privs on every thread', () => {
    const { out } = poolChild(`
      const pool = createPool({ namespaces: { pid: true, net: true }, capabilities: 'drop-all', vows: 'stdio rpath', fs: { read: ['/proc'] } }, { module: mod, size: 1 });
      out.look = await settle(pool.run('look'));
      await pool.close();
    `);
    const look = out.look!.value as { pid: number; ifaces: string[]; capEff: string; threads: { seccomp: string; nnp: string }[] };
    expect(look).toMatchObject({ pid: 2, ifaces: ['lo'], capEff: '0000000000000000' });
    expect(look.threads.length).toBeGreaterThanOrEqual(6);
    for (const thread of look.threads) expect(thread).toMatchObject({ seccomp: '2', nnp: '1' });
  });

  it('Landlock holds from the first instruction, vows from after the import; the package stays readable', () => {
    const { mod, secret } = fixture();
    const { out } = child(`
      const noRpath = createPool({ fs: false, vows: 'stdio' }, { module: ${JSON.stringify(mod)}, size: 1 });
      const rpath = createPool({ fs: false, vows: 'stdio rpath' }, { module: ${JSON.stringify(mod)}, size: 1 });
      out.noRpath = await settle(noRpath.run('imported'));
      out.rpath = await settle(rpath.run('imported'));
      out.secret = await settle(rpath.run('read', ${JSON.stringify(secret)}));
      await Promise.all([noRpath.close(), rpath.close()]);
    `);
    expect(out.noRpath).toEqual({ value: { atImport: 'loaded at import', secretAtImport: 'EACCES', later: 'EACCES' } });
    expect(out.rpath).toEqual({ value: { atImport: 'loaded at import', secretAtImport: 'EACCES', later: 'ok' } });
    expect(out.secret).toEqual({ value: 'EACCES' });
  });

  it('without Landlock, strict refuses fs limits before any worker starts', () => {
    const { mod } = fixture();
    const { out } = child(`
      try { createPool({ fs: false }, { module: ${JSON.stringify(mod)} }); out.strict = { value: 'created' }; } catch (e) { out.strict = { error: { code: e.code } }; }
      const pool = createPool({ fs: false, mode: 'best-effort' }, { module: ${JSON.stringify(mod)}, size: 1 });
      out.bestEffort = await settle(pool.run('read', '/etc/hostname'));
      await pool.close();
    `, { EXILE_LANDLOCK_ABI_MAX: '0' });
    expect(out.strict!.error).toMatchObject({ code: 'ERR_EXILE_UNSUPPORTED' });
    expect(out.bestEffort).toEqual({ value: 'ok' });
  });
});
