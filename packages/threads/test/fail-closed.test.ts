import { describe, expect, it } from 'vitest';
import { lastJson, runScript, sharedTempDir } from '@exile/test-utils';
import { catchesSignal32, prelude, type ChildReport, type Task } from './child.js';
import { loadHelper } from './helper.js';

describe.each(['current', 'nobody'] as const)('fail closed, as %s', (user) => {
  it('throws within the timeout when a thread blocks signal 32 with a raw syscall; the process keeps running', () => {
    const r = runScript(`import { broadcast } from '@exile/threads';
${loadHelper()}${prelude}
const blocker = helper.blockSignal32();
const started = performance.now();
let error;
try { broadcast([{ op: 'no-new-privs' }], { timeoutMs: 1000 }); } catch (e) { error = e; }
const elapsed = performance.now() - started;
// Still alive: timers, the pool and the worker work; a second call fails the same way.
await new Promise((resolve) => setTimeout(resolve, 50));
const pool = await attempt(() => fsp.readFile('/proc/self/status'));
const again = await attempt(() => broadcast([{ op: 'no-new-privs' }], { timeoutMs: 100 }));
console.log(show({ code: error?.code, message: error?.message, report: error?.details.report, blocker, elapsed, pool, again, after: tasks() }));
process.exit(0);
`, { from: import.meta.url, user });
    expect(r.stderr).toBe('');
    const out = lastJson<{ code: string; message: string; report: ChildReport; blocker: number; elapsed: number; pool: string; again: string; after: Task[] }>(r.stdout);
    expect(out.code).toBe('ERR_EXILE_THREADS');
    expect(out.message).toContain(`tid ${out.blocker}: timeout`);
    expect(out.report.timedOut).toBe(true);
    expect(out.report.threads.filter((t) => !t.ok).map((t) => [t.tid, t.status])).toEqual([[out.blocker, 'timeout']]);
    expect(out.elapsed).toBeLessThan(5000);
    expect(out.pool).toBe('ok');
    expect(out.again).toBe('ERR_EXILE_THREADS');
    // Every other thread was reached; the handler stays installed (a signal is still pending).
    expect(out.after.filter((t) => t.nnp !== '1').map((t) => t.tid)).toEqual([out.blocker]);
    expect(out.report.handlerRestored).toBe(false);
    expect(out.after.every(catchesSignal32)).toBe(true);
  });

  it('refuses io_uring worker threads before touching any thread', () => {
    const r = runScript(`import { broadcast, ioUring } from '@exile/threads';
${prelude}
await fsp.writeFile('/dev/null', 'x');
const rings = ioUring();
let error;
try { broadcast([{ op: 'no-new-privs' }]); } catch (e) { error = e; }
console.log(show({ rings, code: error?.code, report: error?.details.report, after: tasks() }));
process.exit(0);
`, { from: import.meta.url, user, env: { UV_USE_IO_URING: '1' } });
    expect(r.stderr).toBe('');
    const out = lastJson<{ rings: { rings: number; sqpoll: number }; code: string; report: ChildReport; after: Task[] }>(r.stdout);
    expect(out.rings.sqpoll).toBeGreaterThan(0);
    expect(out.code).toBe('ERR_EXILE_THREADS');
    const io = out.report.threads.filter((t) => t.ioWorker);
    expect(io.length).toBeGreaterThan(0);
    expect(io.every((t) => t.status === 'io-worker' && !t.ok)).toBe(true);
    expect(out.report.threads.some((t) => t.status === 'self')).toBe(false);
    expect(out.after.every((t) => t.nnp === '0')).toBe(true);
  });
  it('ioUring() finds the same rings through the engine once it is loaded, and throws the same when /proc/self/fd is unlistable', () => {
    const r = runScript(`import { ioUring, requireEngine } from '@exile/threads';
import { promises as fsp } from 'node:fs';
${loadHelper()}
await fsp.writeFile('/dev/null', 'x');
const viaFs = ioUring();
requireEngine('the test');
const viaEngine = ioUring();
// Reads handled and none allowed, on this thread only (a broadcast would refuse the io_uring workers).
helper.restrictSelf(helper.landlockRuleset(process.argv[2], true, []));
let denied = 'ok';
try { ioUring(); } catch (e) { denied = e.code; }
console.log(JSON.stringify({ viaFs, viaEngine, denied }));
process.exit(0);
`, { from: import.meta.url, user, env: { UV_USE_IO_URING: '1' }, args: [sharedTempDir()] });
    expect(r.stderr).toBe('');
    const out = lastJson<{ viaFs: { rings: number; sqpoll: number }; viaEngine: unknown; denied: string }>(r.stdout);
    expect(out.viaFs.sqpoll).toBeGreaterThan(0);
    expect(out.viaEngine).toEqual(out.viaFs);
    expect(out.denied).toBe('EACCES');
  });

  it('ioUring() counts a ring whose fdinfo it may not read as SQPOLL', () => {
    const r = runScript(`import { ioUring } from '@exile/threads';
import { readFileSync, readdirSync, readlinkSync, promises as fsp } from 'node:fs';
${loadHelper()}
await fsp.writeFile('/dev/null', 'x');
const before = ioUring();
const ring = readdirSync('/proc/self/fd').find((fd) => { try { return readlinkSync('/proc/self/fd/' + fd) === 'anon_inode:[io_uring]'; } catch { return false; } });
// Reads handled, /proc/self/fd listable, /proc/self/fdinfo not: on this thread only (a broadcast
// would refuse the io_uring workers).
helper.restrictSelf(helper.landlockRuleset(process.argv[2], true, ['/proc/self/fd']));
let fdinfo = 'ok';
try { readFileSync('/proc/self/fdinfo/' + ring); } catch (e) { fdinfo = e.code; }
console.log(JSON.stringify({ before, after: ioUring(), fdinfo }));
process.exit(0);
`, { from: import.meta.url, user, env: { UV_USE_IO_URING: '1' }, args: [sharedTempDir()] });
    expect(r.stderr).toBe('');
    const out = lastJson<{ before: { rings: number; sqpoll: number; unverified: number }; after: { rings: number; sqpoll: number; unverified: number }; fdinfo: string }>(r.stdout);
    // libuv makes one SQPOLL ring and one plain ring: readable, only the first counts.
    expect(out.before.rings).toBeGreaterThan(out.before.sqpoll);
    expect(out.before.sqpoll).toBeGreaterThan(0);
    expect(out.before.unverified).toBe(0);
    expect(out.fdinfo).toBe('EACCES');
    expect(out.after).toEqual({ rings: out.before.rings, sqpoll: out.before.rings, unverified: out.before.rings });
  });
});

describe('signals that are not ours', () => {
  it('are chained to the previous signal-32 handler, which is restored after success', () => {
    const r = runScript(`import { broadcast } from '@exile/threads';
${loadHelper()}${prelude}
helper.installCounter();
const before = helper.raiseForeign();
broadcast([{ op: 'no-new-privs' }]);
const afterSuccess = helper.raiseForeign();
// Leave our handler installed (a failed broadcast), then send a foreign signal through it.
helper.blockSignal32();
try { broadcast([{ op: 'no-new-privs' }], { timeoutMs: 100 }); } catch {}
const chained = helper.raiseForeign();
console.log(show({ before, afterSuccess, chained }));
process.exit(0);
`, { from: import.meta.url });
    expect(r.stderr).toBe('');
    // raiseForeign() returns the count after its own signal was handled.
    expect(lastJson(r.stdout)).toEqual({ before: 1, afterSuccess: 2, chained: 3 });
  });
});
