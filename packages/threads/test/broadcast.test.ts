import { describe, expect, it } from 'vitest';
import { lastJson, runScript } from '@exile/test-utils';
import { catchesSignal32, INSPECTOR_SIGBLK, prelude as base, type ChildReport as Report, type Task } from './child.js';

const prelude = `import { broadcast } from '@exile/threads';\n${base}`;


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
    expect(before.some((t) => t.sigBlk === INSPECTOR_SIGBLK)).toBe(true);
    expect(after.map((t) => [t.tid, t.nnp])).toEqual(before.map((t) => [t.tid, '1']));
    expect(report.ok).toBe(true);
    expect(report.rounds).toBeGreaterThanOrEqual(2);
    // The report names every thread, each reached once: the caller directly, the rest by signal.
    expect(report.threads.map((t) => t.tid).sort()).toEqual(before.map((t) => t.tid).sort());
    expect(report.threads.filter((t) => t.status === 'self')).toHaveLength(1);
    expect(report.threads.every((t) => t.ok && (t.status === 'self' || t.status === 'done') && BigInt(t.starttime) > 0n)).toBe(true);
    // Signal 32's handler bit is clear again in SigCgt (bit 31).
    expect(report.handlerRestored).toBe(true);
    expect(after.some(catchesSignal32)).toBe(false);
  });

  it('prepared: bad ops throw at prepareBroadcast() with nothing applied; run() reaches every thread, and again', () => {
    const r = runScript(prelude.replace('{ broadcast }', '{ prepareBroadcast }') + `
      let bad;
      try { prepareBroadcast([{ op: 'no-new-privs' }, { op: 'capset', effective: -1n, permitted: 0n, inheritable: 0n }]); } catch (error) { bad = { code: error.code, path: error.details.path }; }
      const untouched = tasks();
      const prepared = prepareBroadcast([{ op: 'no-new-privs' }]);
      const before = tasks();
      const first = prepared.run();
      const second = prepared.run();
      console.log(show({ bad, untouched, before, after: tasks(), ops: prepared.ops, first, reached: [first.reached, second.reached] }));
      process.exit(0);
    `, { from: import.meta.url, user });
    expect(r.stderr).toBe('');
    const out = lastJson<{ bad: { code: string; path: string }; untouched: Task[]; before: Task[]; after: Task[]; ops: string[]; first: Report; reached: number[] }>(r.stdout);
    expect(out.bad).toEqual({ code: 'ERR_EXILE_INVALID_POLICY', path: '$[1].effective' });
    expect(out.untouched.every((t) => t.nnp === '0') && out.before.every((t) => t.nnp === '0')).toBe(true);
    expect(out.ops).toEqual(['no-new-privs']);
    expect(out.after.map((t) => [t.tid, t.nnp])).toEqual(out.before.map((t) => [t.tid, '1']));
    // `reached` counts what the (lazily decoded) threads say: the caller and every signalled thread.
    expect(out.first.threads.map((t) => t.tid).sort()).toEqual(out.before.map((t) => t.tid).sort());
    expect(out.reached).toEqual([out.before.length, out.before.length]);
  });

  it('touches no other thread when the calling thread fails, and throws ERR_EXILE_THREADS with the report', () => {
    const r = runScript(prelude + `
      try {
        broadcast([{ op: 'no-new-privs' }, { op: 'landlock-restrict', rulesetFd: 1023 }]);
        console.log(show({ threw: false }));
      } catch (error) {
        console.log(show({ code: error.code, message: error.message, report: error.details.report, after: tasks(), pid: process.pid }));
      }
      process.exit(0);
    `, { from: import.meta.url, user });
    const out = lastJson<{ code: string; message: string; report: { threads: { status: string; ops: { op: string; error?: string }[] }[] }; after: { tid: number; nnp: string }[]; pid: number }>(r.stdout);
    expect(out.code).toBe('ERR_EXILE_THREADS');
    expect(out.message).toMatch(/landlock-restrict EBADF/);
    const self = out.report.threads.find((t) => t.status === 'self')!;
    expect(self.ops).toEqual([{ op: 'no-new-privs', ran: true, errno: 0 }, { op: 'landlock-restrict', ran: true, errno: 9, error: 'EBADF' }]);
    expect(out.report.threads.filter((t) => t.status !== 'self').every((t) => t.status === 'not-sent')).toBe(true);
    // Only the calling thread (the main thread here) has no_new_privs.
    expect(out.after.filter((t) => t.nnp === '1').map((t) => t.tid)).toEqual([out.pid]);
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
