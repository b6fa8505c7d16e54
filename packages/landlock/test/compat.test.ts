import { describe, expect, it } from 'vitest';
import { USERS, child } from './child.js';
import { FS_ACCESS_NAMES, FS_RIGHTS } from '../src/rights.js';
import { abi } from '../src/index.js';

const KERNEL_ABI = abi().abi;

/** Restricts ro/ read-only (best-effort or hard) under a capped ABI, then probes what is enforced:
 *  truncate (ABI 3, on a file with write-file only), a cross-directory rename (refer, ABI 2 — always denied on ABI 1), TCP. */
const probe = (compat: string): string => `
const ro = dir + '/ro', a = dir + '/a', b = dir + '/b', t = dir + '/t';
for (const d of [ro, a, b]) { fs.mkdirSync(d, { mode: 0o777 }); fs.writeFileSync(d + '/file', 'original', { mode: 0o666 }); }
fs.writeFileSync(t, 'original', { mode: 0o666 });
const outcome = errorOf(() => restrict({ fs: { read: [ro, a, b], write: [a, b], rules: [{ path: t, access: ['read-file', 'write-file'] }] }, compat: '${compat}' }));
print({ abi: abi(), outcome,
  write: attempt(() => fs.writeFileSync(ro + '/file', 'x')),
  truncate: attempt(() => fs.writeFileSync(t, 'x')),
  refer: attempt(() => fs.renameSync(a + '/file', b + '/moved')) });
`;

interface Probe {
  abi: { abi: number };
  outcome: { result?: { abi: number; enforced: string; handled: { fs: string[] }; notEnforced: { what: string }[] }; code?: string; details?: { unsupported: { what: string }[] } };
  write: string;
  truncate: string;
  refer: string;
}

describe.each(USERS)('capped ABI on the real kernel (as %s)', (user) => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('EXILE_LANDLOCK_ABI_MAX=%i, best-effort: handles exactly that ABI\'s rights and reports the rest', (cap) => {
    const r = child<Probe>(probe('best-effort'), { user, env: { EXILE_LANDLOCK_ABI_MAX: String(cap) } });
    const used = Math.min(cap, KERNEL_ABI);
    expect(r.abi.abi).toBe(used);
    const status = r.outcome.result!;
    expect(status.abi).toBe(used);
    expect(status.handled.fs).toEqual(FS_ACCESS_NAMES.filter((name) => FS_RIGHTS[name].abi <= used));
    expect(status.enforced).toBe(used >= 3 ? 'full' : 'partial');
    expect(status.notEnforced.some((item) => item.what === 'fs:truncate')).toBe(used < 3);
    expect(r.write).toBe('EACCES');
    // t has write-file but not truncate: an O_TRUNC open is denied exactly when truncate is handled.
    expect(r.truncate).toBe(used >= 3 ? 'EACCES' : 'ok');
    expect(r.refer).toBe(used >= 2 ? 'ok' : 'EXDEV');
  });

  it.each([1, 2])('EXILE_LANDLOCK_ABI_MAX=%i, hard: ERR_EXILE_UNSUPPORTED naming truncate, and nothing applied', (cap) => {
    const r = child<Probe>(probe('hard'), { user, env: { EXILE_LANDLOCK_ABI_MAX: String(cap) } });
    expect(r.outcome.code).toBe('ERR_EXILE_UNSUPPORTED');
    expect(r.outcome.details!.unsupported.map((item) => item.what)).toEqual(['fs:truncate']);
    expect(r.write).toBe('ok');
  });

  it('EXILE_LANDLOCK_ABI_MAX=0: hard fails, best-effort applies nothing and says so', () => {
    const hard = child<Probe>(probe('hard'), { user, env: { EXILE_LANDLOCK_ABI_MAX: '0' } });
    expect(hard.outcome.code).toBe('ERR_EXILE_UNSUPPORTED');
    expect(hard.write).toBe('ok');
    const soft = child<Probe>(probe('best-effort'), { user, env: { EXILE_LANDLOCK_ABI_MAX: '0' } });
    expect(soft.outcome.result).toMatchObject({ abi: 0, enforced: 'none', threads: 0 });
    expect(soft.outcome.result!.notEnforced).toHaveLength(17);
    expect(soft.write).toBe('ok');
  });

  it('net rules below ABI 4: hard fails, best-effort leaves TCP open and reports it', () => {
    const body = (compat: string) => `
import net from 'node:net';
const server = await new Promise((resolve) => { const s = net.createServer((c) => c.end()); s.listen(0, '127.0.0.1', () => resolve(s)); });
const outcome = errorOf(() => restrict({ fs: { read: ['/'] }, net: { connectTcp: [] }, compat: '${compat}' }));
const connect = await new Promise((resolve) => { const c = net.connect(server.address().port, '127.0.0.1'); c.once('connect', () => { c.destroy(); resolve('ok'); }); c.once('error', (e) => resolve(e.code)); });
server.close();
print({ outcome, connect });
`;
    const hard = child<{ outcome: Probe['outcome']; connect: string }>(body('hard'), { user, env: { EXILE_LANDLOCK_ABI_MAX: '3' } });
    expect(hard.outcome.details!.unsupported.map((item) => item.what)).toEqual(['net:bind-tcp', 'net:connect-tcp']);
    expect(hard.connect).toBe('ok');
    const soft = child<{ outcome: Probe['outcome']; connect: string }>(body('best-effort'), { user, env: { EXILE_LANDLOCK_ABI_MAX: '3' } });
    expect(soft.outcome.result!.enforced).toBe('partial');
    expect(soft.outcome.result!.notEnforced.map((item) => item.what)).toEqual(expect.arrayContaining(['net:bind-tcp', 'net:connect-tcp']));
    expect(soft.connect).toBe('ok');
    const full = child<{ outcome: Probe['outcome']; connect: string }>(body('hard'), { user });
    expect(full.connect).toBe('EACCES');
  });

  it('UDP on this kernel: hard fails naming it; best-effort enforces the rest and lists it', () => {
    const r = child(`
const hard = errorOf(() => restrict({ net: { bindUdp: [53] } }));
const soft = restrict({ net: { bindUdp: [53], connectTcp: [] }, compat: 'best-effort' });
print({ hard: hard.code, unsupported: hard.details.unsupported.map((item) => item.what), soft });
`, { user });
    if (KERNEL_ABI >= 10) return;
    expect(r).toMatchObject({ hard: 'ERR_EXILE_UNSUPPORTED', unsupported: ['net:bind-udp', 'net:connect-send-udp'],
      soft: { enforced: 'partial', handled: { net: ['bind-tcp', 'connect-tcp'] } } });
  });
});
