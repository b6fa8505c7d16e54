import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastJson, runScript, sharedTempDir } from '@exile/test-utils';
import { BOUNDING_REASON } from '../src/index.js';
import { EMPTY, inChild, type Task } from './child.js';

/** A loopback address no other test listens on (all of 127.0.0.0/8 is local). */
const env = { LISTEN_HOST: `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}` };

function tempFile(): string {
  const file = join(sharedTempDir(), 'file');
  writeFileSync(file, 'x');
  chmodSync(file, 0o666);
  return file;
}

/** chown to another uid and listening on port 80, from the main thread, the pool and an earlier worker. */
const privileged = `
const file = process.argv[2];
const results = {
  chownMain: await attempt(() => chownSync(file, 1234, 1234)),
  chownPool: await attempt(() => fsp.chown(file, 4321, 4321)),
  worker: await inWorker({ file, uid: 2345, port: 80 }),
  listenMain: await listen(80),
};
`;

describe('drop() as root', () => {
  it('control: without drop() every privileged action works (so the tests below can fail)', () => {
    const out = inChild('', `${privileged}
      console.log(show({ results }));
    `, { args: [tempFile()], env });
    expect(out).toEqual({ results: {
      chownMain: 'ok', chownPool: 'ok', worker: { chownSync: 'ok', chownAsync: 'ok', listen: 'ok' }, listenMain: 'ok',
    } });
  });

  it('empties every set on every thread, sets no_new_privs, and privileged actions fail everywhere', () => {
    const out = inChild<{ before: Task[]; after: Task[]; report: Record<string, { enforced: boolean; after?: string[]; requested?: boolean }> & { threads: { ok: boolean; threads: unknown[] } }; results: unknown; setuidAway: string }>(`import { drop } from '@exile/caps';`, `
      const before = tasks();
      const report = drop();
      ${privileged}
      const setuidAway = await attempt(() => process.setuid(65534));
      console.log(show({ before, after: tasks(), report, results, setuidAway }));
    `, { args: [tempFile()], env });
    expect(out.before.every((t) => t.eff !== EMPTY && t.bnd !== EMPTY && t.nnp === '0')).toBe(true);
    expect(out.after.length).toBeGreaterThanOrEqual(12);
    expect(out.after.some((t) => t.sigBlk === 'fffffffe7ffbfeff')).toBe(true); // the inspector's signal thread
    for (const t of out.after) {
      expect({ tid: t.tid, eff: t.eff, prm: t.prm, inh: t.inh, bnd: t.bnd, amb: t.amb, nnp: t.nnp })
        .toEqual({ tid: t.tid, eff: EMPTY, prm: EMPTY, inh: EMPTY, bnd: EMPTY, amb: EMPTY, nnp: '1' });
    }
    for (const set of ['effective', 'permitted', 'inheritable', 'ambient', 'bounding'] as const) {
      expect(out.report[set]).toMatchObject({ requested: true, enforced: true, after: [] });
    }
    expect(out.report.threads.ok).toBe(true);
    expect(out.report.threads.threads.length).toBe(out.after.length);
    expect(out.results).toEqual({
      chownMain: 'EPERM', chownPool: 'EPERM', worker: { chownSync: 'EPERM', chownAsync: 'EPERM', listen: 'EACCES' }, listenMain: 'EACCES',
    });
    expect(out.setuidAway).toBe('EPERM');
  });

  it('keep: the kept capabilities work on every thread; after setuid away, setuid(0) fails', () => {
    const out = inChild<{ report: { effective: { after: string[] }; bounding: { after: string[] } }; kept: Task[]; listenKept: string; away: string; back: string; after: Task[]; state: { effective: string[]; permitted: string[] } }>(`import { drop, read } from '@exile/caps';`, `
      const report = drop({ keep: ['setuid', 'CAP_SETGID', 'net_bind_service'] });
      const kept = tasks();
      const listenKept = await listen(80);
      const away = await attempt(() => { process.setgid(65534); process.setuid(65534); });
      const back = await attempt(() => process.setuid(0));
      console.log(show({ report, kept, listenKept, away, back, after: tasks(), state: read() }));
    `, { env });
    const keptMask = ((1n << 6n) | (1n << 7n) | (1n << 10n)).toString(16).padStart(16, '0');
    expect(out.report.effective.after).toEqual(['CAP_SETGID', 'CAP_SETUID', 'CAP_NET_BIND_SERVICE']);
    expect(out.report.bounding.after).toEqual(['CAP_SETGID', 'CAP_SETUID', 'CAP_NET_BIND_SERVICE']);
    expect(out.kept.every((t) => t.eff === keptMask && t.prm === keptMask && t.bnd === keptMask && t.nnp === '1')).toBe(true);
    expect(out.listenKept).toBe('ok');
    expect(out.away).toBe('ok');
    expect(out.back).toBe('EPERM');
    expect(out.state).toMatchObject({ effective: [], permitted: [] });
    expect(out.after.every((t) => t.eff === EMPTY && t.prm === EMPTY)).toBe(true);
  });

  it('lockSecurebits: the locked bits hold on the calling thread and in threads created afterwards', () => {
    const out = inChild(`import { drop, read } from '@exile/caps';`, `
      const report = drop({ lockSecurebits: true });
      const w = new Worker("import { read } from '@exile/caps'; import { parentPort } from 'node:worker_threads'; parentPort.postMessage(read().securebits.value);", { eval: true, type: 'module' });
      const inNewWorker = await new Promise((resolve) => w.once('message', resolve));
      console.log(show({ securebits: report.securebits, main: read().securebits.value, inNewWorker }));
    `, {});
    expect(out).toEqual({
      securebits: expect.objectContaining({ requested: true, enforced: true, after: expect.objectContaining({ value: 0xeb, noRoot: true, keepCapsLocked: true }) }),
      main: 0xeb, inNewWorker: 0xeb,
    });
  });
});

describe('drop() as nobody', () => {
  it('is honest about the bounding set it cannot drop, and sets no_new_privs everywhere', () => {
    const out = inChild<{ before: Task[]; after: Task[]; report: Record<string, { requested: boolean; enforced: boolean; before: string[]; after: string[]; reason?: string }> }>(`import { drop } from '@exile/caps';`, `
      const before = tasks();
      const report = drop();
      console.log(show({ before, after: tasks(), report }));
    `, { user: 'nobody' });
    const bounding = out.before[0]!.bnd;
    expect(bounding).not.toBe(EMPTY);
    expect(out.after.every((t) => t.nnp === '1' && t.eff === EMPTY && t.prm === EMPTY && t.bnd === bounding)).toBe(true);
    expect(out.report.bounding).toMatchObject({ requested: true, enforced: false, reason: BOUNDING_REASON });
    expect(out.report.bounding!.after.length).toBeGreaterThan(30);
    expect(out.report.bounding!.after).toEqual(out.report.bounding!.before);
    for (const set of ['effective', 'permitted', 'inheritable', 'ambient'] as const) {
      expect(out.report[set]).toMatchObject({ requested: true, enforced: true, after: [] });
    }
  });

  it('refuses lockSecurebits without CAP_SETPCAP and changes nothing', () => {
    const out = inChild<{ code: string; after: Task[] }>(`import { drop } from '@exile/caps';`, `
      let code;
      try { drop({ lockSecurebits: true }); } catch (e) { code = e.code; }
      console.log(show({ code, after: tasks() }));
    `, { user: 'nobody' });
    expect(out.code).toBe('ERR_EXILE_UNSUPPORTED');
    expect(out.after.every((t) => t.nnp === '0')).toBe(true);
  });
});

describe.each(['current', 'nobody'] as const)('as %s', (user) => {
  it('noNewPrivs() reaches every thread; an unknown capability name changes nothing', () => {
    const out = inChild<{ error: unknown; afterError: Task[]; after: Task[] }>(`import { drop, noNewPrivs } from '@exile/caps';`, `
      let error;
      try { drop({ keep: ['chown', 'sys_everything'] }); } catch (e) { error = { code: e.code, path: e.details.path }; }
      const afterError = tasks();
      noNewPrivs();
      console.log(show({ error, afterError, after: tasks() }));
    `, { user });
    expect(out.error).toEqual({ code: 'ERR_EXILE_INVALID_POLICY', path: '$.keep[1]' });
    expect(out.afterError.every((t) => t.nnp === '0')).toBe(true);
    expect(out.after.every((t) => t.nnp === '1')).toBe(true);
  });
});

describe('prepareDrop() as root', () => {
  it('changes nothing; its ops broadcast by the caller drop on every thread, and finish() reports it', () => {
    const out = inChild<{ before: Task[]; after: Task[]; report: Record<string, { enforced: boolean }>; results: Record<string, unknown> }>(`import { prepareDrop } from '@exile/caps';
      import { broadcast } from '@exile/threads';`, `
      const prepared = prepareDrop();
      const before = tasks();
      const report = prepared.finish(broadcast(prepared.ops));
      ${privileged}
      console.log(show({ before, after: tasks(), report, results }));
    `, { args: [tempFile()], env });
    expect(out.before.every((t) => t.eff !== EMPTY && t.nnp === '0')).toBe(true);
    for (const t of out.after) expect({ eff: t.eff, bnd: t.bnd, nnp: t.nnp }).toEqual({ eff: EMPTY, bnd: EMPTY, nnp: '1' });
    expect(out.report.effective).toMatchObject({ enforced: true });
    expect(out.results).toMatchObject({ chownMain: 'EPERM', chownPool: 'EPERM', listenMain: 'EACCES' });
  });
});

describe.each([
  ['root', 'current', [{}, { keep: ['net_bind_service'] }, { keep: ['net_bind_service', 'chown'], ambient: false, bounding: false }, { lockSecurebits: true }]],
  ['nobody', 'nobody', [{}, { keep: ['net_bind_service'], ambient: false }]],
] as const)('the planned state after a drop, as %s', (_name, user, options) => {
  it.each(options.map((opts) => [JSON.stringify(opts), opts] as const))('is what the kernel reports after prepareDrop(%s).apply()', (_label, opts) => {
    const r = runScript(`import { readFileSync } from 'node:fs';
      import { capBit, planDrop, prepareDrop, read } from '@exile/caps';
      const mask = (names) => names.reduce((m, n) => m | (1n << BigInt(capBit(n))), 0n);
      const lastCap = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
      const raw = (s) => ({ effective: mask(s.effective), permitted: mask(s.permitted), inheritable: mask(s.inheritable), ambient: mask(s.ambient),
        bounding: mask(s.bounding), securebits: s.securebits.value, noNewPrivs: s.noNewPrivs, lastCap });
      const opts = ${JSON.stringify(opts)};
      const planned = planDrop(raw(read()), opts).after;
      const report = prepareDrop(opts).apply();
      const show = (v) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x));
      console.log(show({ planned, actual: raw(read()), reached: report.threads.reached }));
    `, { from: import.meta.url, user });
    expect(r.stderr).toBe('');
    const out = lastJson<{ planned: unknown; actual: unknown; reached: number }>(r.stdout);
    expect(out.actual).toEqual(out.planned);
    expect(out.reached).toBeGreaterThan(1);
  });
});
