import { describe, expect, it } from 'vitest';
import { USERS, child } from './child.js';

describe.each(USERS)('missing paths, stacking, limits (as %s)', (user) => {
  it('a missing path is an error naming it, and nothing is applied', () => {
    const r = child(`
fs.writeFileSync(dir + '/f', 'x', { mode: 0o666 });
const outcome = errorOf(() => restrict({ fs: { read: [dir, dir + '/nope'] } }));
print({ outcome, write: attempt(() => fs.writeFileSync(dir + '/f', 'y')) });
`, { user });
    expect(r.outcome).toMatchObject({ code: 'ERR_EXILE_INVALID_POLICY', details: { path: '$.fs.read[1]', file: expect.stringMatching(/\/nope$/), errnoName: 'ENOENT' } });
    expect((r.outcome as { message: string }).message).toMatch(/fs\.read\[1\]: .*\/nope does not exist/);
    expect(r.write).toBe('ok');
  });

  it('missingPaths: ignore skips it, reports it, and enforces the rest', () => {
    const r = child(`
fs.writeFileSync(dir + '/f', 'x', { mode: 0o666 });
const status = restrict({ fs: { read: [dir, dir + '/nope'] }, missingPaths: 'ignore' });
print({ status, read: attempt(() => fs.readFileSync(dir + '/f')), write: attempt(() => fs.writeFileSync(dir + '/f', 'y')) });
`, { user });
    expect(r.status).toMatchObject({ enforced: 'full', notEnforced: expect.arrayContaining([{ what: expect.stringMatching(/^rule \$\.fs\.read\[1\] \(.*\/nope\)$/), reason: expect.stringContaining('ENOENT') }]) });
    expect(r.read).toBe('ok');
    expect(r.write).toBe('EACCES');
  });

  it('a second restrict() intersects: it can narrow, never widen', () => {
    const r = child(`
const [a, b] = [dir + '/a', dir + '/b'];
for (const d of [a, b]) fs.mkdirSync(d, { mode: 0o777 });
restrict({ fs: { read: ['/'], write: [a] } });
const widened = restrict({ fs: { read: ['/'], write: [a, b] } });
const w = (d) => attempt(() => fs.writeFileSync(d + '/f', 'x'));
const afterWiden = { a: w(a), b: w(b) };
restrict({ fs: { read: ['/'], write: [b] } });
print({ widened: widened.enforced, afterWiden, afterNarrow: { a: attempt(() => fs.writeFileSync(a + '/g', 'x')), b: w(b) } });
`, { user });
    expect(r).toEqual({ widened: 'full', afterWiden: { a: 'ok', b: 'EACCES' }, afterNarrow: { a: 'EACCES', b: 'EACCES' } });
  });

  it('refer is always handled: a later net-only restrict() makes cross-directory renames fail with EXDEV', () => {
    const r = child(`
const [a, b] = [dir + '/a', dir + '/b'];
for (const d of [a, b]) { fs.mkdirSync(d, { mode: 0o777 }); fs.writeFileSync(d + '/f', 'x'); }
restrict({ fs: { read: ['/'], write: [a, b] } });
const first = attempt(() => fs.renameSync(a + '/f', b + '/f1'));
restrict({ net: { connectTcp: [] } });
print({ first, second: attempt(() => fs.renameSync(b + '/f', a + '/f2')), stayed: fs.existsSync(b + '/f'), sameDir: attempt(() => fs.renameSync(b + '/f', b + '/g')) });
`, { user });
    expect(r).toEqual({ first: 'ok', second: 'EXDEV', stayed: true, sameDir: 'ok' });
  });

  it('stacking needs /proc/self readable in the earlier layers: clear error otherwise, and nothing applied', () => {
    const r = child(`
const proc = ['/proc/self/fd', '/proc/self/fdinfo', '/proc/self/task'];
const [a, b] = [dir + '/a', dir + '/b'];
for (const d of [a, b]) fs.mkdirSync(d, { mode: 0o777 });
restrict({ fs: { read: proc, write: [a, b] } });
const second = errorOf(() => restrict({ fs: { write: [a] } }));
const afterSecond = attempt(() => fs.writeFileSync(b + '/f', 'x'));
const third = errorOf(() => restrict({ fs: { write: [a] } }));
print({ second: second.result?.enforced, afterSecond, third: { code: third.code, what: third.details?.what, message: third.message },
  a: attempt(() => fs.writeFileSync(a + '/f', 'x')), b: attempt(() => fs.writeFileSync(b + '/g', 'x')) });
`, { user });
    expect(r).toEqual({
      second: 'full', afterSecond: 'EACCES',
      third: { code: 'ERR_EXILE_UNSUPPORTED', what: 'io-uring-check', message: expect.stringContaining('/proc/self/fd, /proc/self/fdinfo, /proc/self/task') },
      a: 'ok', b: 'EACCES',
    });
  });

  it('restrict() called from a Worker restricts the main thread and the pool too', () => {
    const r = child(`
import { isMainThread, workerData } from 'node:worker_threads';
if (isMainThread) {
  fs.mkdirSync(dir + '/ok', { mode: 0o777 });
  const worker = new Worker(new URL(import.meta.url), { workerData: dir });
  const status = await new Promise((resolve) => worker.once('message', resolve));
  await worker.terminate();
  print({ enforced: status.enforced, main: attempt(() => fs.writeFileSync(dir + '/main', 'x')),
    pool: await attemptAsync(() => fs.promises.writeFile(dir + '/pool', 'x')), allowed: attempt(() => fs.writeFileSync(dir + '/ok/f', 'x')) });
} else {
  parentPort.postMessage(restrict({ fs: { read: ['/'], write: [workerData + '/ok'] } }));
}
`, { user });
    expect(r).toEqual({ enforced: 'full', main: 'EACCES', pool: 'EACCES', allowed: 'ok' });
  });

  it('the 17th layer fails with a clear error and leaves the 16 in place', () => {
    const r = child(`
const layers = [];
for (let i = 0; i < 17; i++) layers.push(errorOf(() => restrict({ fs: { read: ['/'], write: [dir] } })));
print({ ok: layers.filter((l) => l.result?.enforced === 'full').length, last: layers[16],
  inside: attempt(() => fs.writeFileSync(dir + '/f', 'x')), outside: attempt(() => fs.writeFileSync('/tmp/exile-landlock-layer-' + process.pid, 'x')) });
`, { user });
    expect(r.ok).toBe(16);
    expect(r.last).toMatchObject({ code: 'ERR_EXILE_UNSUPPORTED', message: expect.stringContaining('maximum of 16'), details: { what: 'layers', errnoName: 'E2BIG' } });
    expect(r.inside).toBe('ok');
    expect(r.outside).toBe('EACCES');
  });

  it('refuses with ERR_EXILE_IO_URING while an SQPOLL ring exists, and applies nothing', () => {
    const r = child(`
import { ioUring } from '@exile/threads';
await fs.promises.writeFile(dir + '/warm', 'x');
const rings = ioUring();
const outcome = errorOf(() => restrict({ fs: { read: ['/'] } }));
// Rings a caller read itself are what prepareRestrict() checks; enforce() always reads them afresh.
const given = errorOf(() => prepareRestrict({ fs: { read: ['/'] } }, { rings })).code;
const vouched = prepareRestrict({ fs: { read: ['/'] } }, { rings: { rings: 0, sqpoll: 0, unverified: 0 } });
const atEnforce = errorOf(() => vouched.enforce()).code;
print({ rings, outcome: outcome.code, message: outcome.message, given, atEnforce, write: attempt(() => fs.writeFileSync(dir + '/f', 'x')) });
`, { user, env: { UV_USE_IO_URING: '1' } });
    expect((r.rings as { sqpoll: number }).sqpoll).toBeGreaterThan(0);
    expect(r).toMatchObject({ outcome: 'ERR_EXILE_IO_URING', given: 'ERR_EXILE_IO_URING', atEnforce: 'ERR_EXILE_IO_URING', write: 'ok' });
    expect(r.message).toMatch(/^landlock: this process has \d+ io_uring SQPOLL ring\(s\); their submissions would bypass Landlock/);
  });
});

describe.each(USERS)('exile.h Landlock cases, re-expressed with both sides asserted (as %s)', (user) => {
  it('landlock: read-only /proc/self/fd → listing / fails with EACCES, listing the allowed dir works', () => {
    const r = child(`
restrict({ fs: { read: ['/proc/self/fd'] } });
print({ root: attempt(() => fs.readdirSync('/')), rootExists: fs.existsSync('/'), allowed: attempt(() => fs.readdirSync('/proc/self/fd')) });
`, { user });
    expect(r).toEqual({ root: 'EACCES', rootExists: true, allowed: 'ok' });
  });

  it('landlock-deny-write: the target exists, reading works, writing fails with EACCES', () => {
    const r = child(`
fs.writeFileSync(dir + '/a', 'original', { mode: 0o666 });
restrict({ fs: { read: [dir] } });
print({ write: attempt(() => fs.openSync(dir + '/a', 'r+')), read: fs.readFileSync(dir + '/a', 'utf8') });
`, { user });
    expect(r).toEqual({ write: 'EACCES', read: 'original' });
  });

  it('no_fs (fs: {}): every file access fails, sockets still work', () => {
    const r = child(`
import net from 'node:net';
fs.writeFileSync(dir + '/a', 'x', { mode: 0o666 });
restrict({ fs: {} });
const server = await new Promise((resolve, reject) => { const s = net.createServer(); s.once('error', reject); s.listen(0, '127.0.0.1', () => resolve(s)); });
server.close();
print({ create: attempt(() => fs.writeFileSync(dir + '/test', 'x')), read: attempt(() => fs.readFileSync(dir + '/a')), socket: 'ok', existed: fs.existsSync(dir + '/a') });
`, { user });
    expect(r).toEqual({ create: 'EACCES', read: 'EACCES', socket: 'ok', existed: true });
  });

  it('failflags: a rule on a path that does not exist fails the whole call', () => {
    const r = child(`print(errorOf(() => restrict({ fs: { read: ['/nosuchpathexists'] } })));`, { user });
    expect(r).toMatchObject({ code: 'ERR_EXILE_INVALID_POLICY', details: { path: '$.fs.read[0]', file: '/nosuchpathexists' } });
  });
});

describe.each(USERS)('prepareRestrict() (as %s)', (user) => {
  it('builds the ruleset and changes nothing; enforce() restricts every thread, once; close() gives it up; its after ops run in the same broadcast', () => {
    const r = child(`
const [ro, rw] = [dir + '/ro', dir + '/rw'];
for (const d of [ro, rw]) fs.mkdirSync(d, { mode: 0o777 });
fs.writeFileSync(ro + '/f', 'x', { mode: 0o666 });
const nnp = () => /NoNewPrivs:\\s+1/.test(fs.readFileSync('/proc/self/status', 'utf8'));
const dropped = prepareRestrict({ fs: { read: [ro] } });
dropped.close();
const prepared = prepareRestrict({ fs: { read: ['/proc', ro], write: [rw] } });
const before = { nnp: nnp(), write: attempt(() => fs.writeFileSync(ro + '/f', 'y')), status: prepared.status.enforced, closedAgain: errorOf(() => dropped.enforce()).code };
const status = prepared.enforce();
const after = { nnp: nnp(), write: attempt(() => fs.writeFileSync(ro + '/f', 'z')), read: attempt(() => fs.readFileSync(ro + '/f')),
  poolWrite: await attemptAsync(() => fs.promises.writeFile(ro + '/g', 'x')), rw: attempt(() => fs.writeFileSync(rw + '/f', 'x')) };
const preparedWithOps = prepareRestrict({ fs: { read: ['/proc', ro], write: [rw] } }, { after: [{ op: 'clear-ambient' }] });
const withOps = preparedWithOps.enforceWithReport();
const ranOps = withOps.threads.threads.every((t) => t.ops.some((o) => o.op === 'landlock-restrict') && t.ops.some((o) => o.op === 'clear-ambient'));
print({ before, status: status.enforced, threads: status.threads, after, again: errorOf(() => prepared.enforce()).code,
  withOps: { restricts: [prepared.restricts, preparedWithOps.restricts], status: withOps.status.enforced, ranOps, reached: withOps.threads.reached === withOps.status.threads, write: attempt(() => fs.writeFileSync(ro + '/f', 'w')) } });
`, { user });
    expect(r.before).toEqual({ nnp: false, write: 'ok', status: 'none', closedAgain: 'ERR_EXILE_INVALID_POLICY' });
    expect(r.status).toBe('full');
    expect(r.threads).toBeGreaterThanOrEqual(7);
    expect(r.after).toEqual({ nnp: true, write: 'EACCES', read: 'ok', poolWrite: 'EACCES', rw: 'ok' });
    expect(r.again).toBe('ERR_EXILE_INVALID_POLICY');
    expect(r.withOps).toEqual({ restricts: [true, true], status: 'full', ranOps: true, reached: true, write: 'EACCES' });
  });
});
