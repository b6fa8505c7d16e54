import { describe, expect, it } from 'vitest';
import { lastJson, runScript } from '@exile/test-utils';

/** Child prelude: a worker started before, a warmed threadpool, and a per-tid view of /proc. */
const prelude = `
import { broadcast } from '@exile/threads';
import { Worker } from 'node:worker_threads';
import { readdirSync, readFileSync, promises as fsp } from 'node:fs';
const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
await new Promise((resolve) => worker.once('online', resolve));
await Promise.all(Array.from({ length: 4 }, () => fsp.readFile('/proc/self/status')));
function tasks() {
  return readdirSync('/proc/self/task').map((tid) => {
    const status = readFileSync('/proc/self/task/' + tid + '/status', 'utf8');
    const field = (k) => new RegExp('^' + k + ':\\\\s*(\\\\S+)', 'm').exec(status)[1];
    return { tid: Number(tid), nnp: field('NoNewPrivs'), sigBlk: field('SigBlk'), sigCgt: field('SigCgt') };
  });
}
const show = (v) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x));
`;

interface Task { tid: number; nnp: string; sigBlk: string; sigCgt: string }
interface Report { ok: boolean; rounds: number; handlerRestored: boolean; threads: { tid: number; status: string; ok: boolean; starttime: string }[] }

describe.each(['current', 'nobody'] as const)('broadcast as %s', (user) => {
  it('sets no_new_privs on every thread, the inspector signal thread included, and restores the handler', () => {
    const r = runScript(prelude + `
      const before = tasks();
      const report = broadcast([{ op: 'no-new-privs' }]);
      console.log(show({ before, after: tasks(), report }));
      process.exit(0);
    `, { from: import.meta.url, user });
    expect(r.stderr).toBe('');
    const { before, after, report } = lastJson<{ before: Task[]; after: Task[]; report: Report }>(r.stdout);
    expect(before.every((t) => t.nnp === '0')).toBe(true);
    expect(before.length).toBeGreaterThanOrEqual(12);
    // The inspector's signal thread blocks everything but 9, 19, 32 and 33.
    expect(before.some((t) => t.sigBlk === 'fffffffe7ffbfeff')).toBe(true);
    expect(after.map((t) => [t.tid, t.nnp])).toEqual(before.map((t) => [t.tid, '1']));
    expect(report.ok).toBe(true);
    expect(report.rounds).toBeGreaterThanOrEqual(2);
    // The report names every thread, each reached once: the caller directly, the rest by signal.
    expect(report.threads.map((t) => t.tid).sort()).toEqual(before.map((t) => t.tid).sort());
    expect(report.threads.filter((t) => t.status === 'self')).toHaveLength(1);
    expect(report.threads.every((t) => t.ok && (t.status === 'self' || t.status === 'done') && BigInt(t.starttime) > 0n)).toBe(true);
    // Signal 32's handler bit is clear again in SigCgt (bit 31).
    expect(report.handlerRestored).toBe(true);
    expect(after.every((t) => (BigInt('0x' + t.sigCgt) & (1n << 31n)) === 0n)).toBe(true);
  });

  it('touches no other thread when the calling thread fails, and throws ERR_EXILE_THREADS with the report', () => {
    const r = runScript(prelude + `
      try {
        broadcast([{ op: 'no-new-privs' }, { op: 'landlock-restrict', rulesetFd: 1023 }]);
        console.log(show({ threw: false }));
      } catch (error) {
        console.log(show({ code: error.code, message: error.message, report: error.details.report, after: tasks() }));
      }
      process.exit(0);
    `, { from: import.meta.url, user });
    const out = lastJson<{ code: string; message: string; report: { threads: { status: string; ops: { op: string; error?: string }[] }[] }; after: { tid: number; nnp: string }[] }>(r.stdout);
    expect(out.code).toBe('ERR_EXILE_THREADS');
    expect(out.message).toMatch(/landlock-restrict EBADF/);
    const self = out.report.threads.find((t) => t.status === 'self')!;
    expect(self.ops).toEqual([{ op: 'no-new-privs', ran: true, errno: 0 }, { op: 'landlock-restrict', ran: true, errno: 9, error: 'EBADF' }]);
    expect(out.report.threads.filter((t) => t.status !== 'self').every((t) => t.status === 'not-sent')).toBe(true);
    // Only the calling thread (the main thread here) has no_new_privs.
    expect(out.after.filter((t) => t.nnp === '1').map((t) => t.tid)).toEqual([out.after[0]!.tid]);
  });

  it('works from a worker: the main thread is restricted too', () => {
    const r = runScript(prelude + `
      const w = new Worker("import { broadcast } from '@exile/threads'; import { parentPort } from 'node:worker_threads'; const r = broadcast([{ op: 'no-new-privs' }]); parentPort.postMessage(r.ok);", { eval: true, type: 'module' });
      const ok = await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
      console.log(show({ ok, after: tasks() }));
      process.exit(0);
    `, { from: import.meta.url, user });
    expect(r.stderr).toBe('');
    const out = lastJson<{ ok: boolean; after: { nnp: string }[] }>(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.after.every((t) => t.nnp === '1')).toBe(true);
  });
});
