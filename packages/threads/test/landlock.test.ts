import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lastJson, runScript, sharedTempDir } from '@exile/test-utils';
import { prelude, type ChildReport, type Task } from './child.js';
import { loadHelper } from './helper.js';

const script = (handleReads: boolean) => `import { broadcast } from '@exile/threads';
import { writeFileSync } from 'node:fs';
${loadHelper()}${prelude}
const [allowed, outside] = process.argv.slice(2);
const fd = helper.landlockRuleset(allowed, ${handleReads});
// Threads keep appearing while the broadcast runs; with handleReads, /proc/<tid>/stat of those
// found after the caller restricted itself is unreadable (EACCES), and they must still be reached.
if (${handleReads}) helper.startChurn(2);
const report = broadcast([{ op: 'no-new-privs' }, { op: 'landlock-restrict', rulesetFd: fd }]);
if (${handleReads}) helper.stopChurn();
const after = ${handleReads ? '[]' : 'tasks()'};
const denied = {
  main: await attempt(() => writeFileSync(outside + '/main', 'x')),
  pool: await attempt(() => fsp.writeFile(outside + '/pool', 'x')),
  poolMkdir: await attempt(() => fsp.mkdir(outside + '/dir')),
  worker: await inWorker('write', outside + '/worker'),
  ${handleReads ? `readMain: await attempt(() => readFileSync('/etc/hostname')),
  readPool: await attempt(() => fsp.readFile('/etc/hostname')),
  readWorker: await inWorker('read', '/etc/hostname'),` : ''}
};
const allowedResults = {
  main: await attempt(() => writeFileSync(allowed + '/main', 'x')),
  pool: await attempt(() => fsp.writeFile(allowed + '/pool', 'x')),
  worker: await inWorker('write', allowed + '/worker'),
  devNull: await attempt(() => fsp.writeFile('/dev/null', 'x')),
};
console.log(show({ report, after, denied, allowed: allowedResults }));
process.exit(0);
`;

interface Out { report: ChildReport; after: Task[]; denied: Record<string, unknown>; allowed: Record<string, unknown> }

describe.each(['current', 'nobody'] as const)('landlock-restrict on every thread, as %s', (user) => {
  it('denies writes outside the allowed directory on the main thread, the pool and an earlier worker', () => {
    const allowed = sharedTempDir();
    const outside = sharedTempDir();
    const r = runScript(script(false), { from: import.meta.url, user, args: [allowed, outside] });
    expect(r.stderr).toBe('');
    const out = lastJson<Out>(r.stdout);
    expect(out.report.ok).toBe(true);
    expect(out.report.threads.every((t) => t.ops.every((o) => o.ran && o.errno === 0))).toBe(true);
    expect(out.after.every((t) => t.nnp === '1')).toBe(true);
    expect(out.denied).toEqual({ main: 'EACCES', pool: 'EACCES', poolMkdir: 'EACCES', worker: { sync: 'EACCES', async: 'EACCES' } });
    expect(out.allowed).toEqual({ main: 'ok', pool: 'ok', worker: { sync: 'ok', async: 'ok' }, devNull: 'ok' });
    expect(existsSync(`${outside}/main`) || existsSync(`${outside}/pool`) || existsSync(`${outside}/worker.async`)).toBe(false);
  });

  it('keeps finding new threads after the caller may no longer read /proc, and denies reads everywhere', () => {
    // Whether a churn thread appears mid-broadcast, and is still alive when its /proc entry is
    // read, is a race the scheduler decides (under load one run may miss it): up to 8 fresh
    // processes, until a broadcast needed a third round and met a live thread it could not stat.
    const lateOf = (o: Out) => o.report.threads.filter((t) => t.round > 1);
    let out: Out | undefined;
    for (let run = 0; run < 8 && !(out && out.report.rounds >= 3 && lateOf(out).some((t) => t.statErrno === 13)); run++) {
      const r = runScript(script(true), { from: import.meta.url, user, args: [sharedTempDir(), sharedTempDir()] });
      expect(r.stderr).toBe('');
      out = lastJson<Out>(r.stdout);
      expect(out.report.ok).toBe(true);
    }
    if (out === undefined) throw new Error('no run');
    expect(out.report.rounds).toBeGreaterThanOrEqual(3);
    const late = lateOf(out);
    expect(late.length).toBeGreaterThan(0);
    // Unreadable: EACCES from Landlock (ENOENT if the thread was already gone).
    expect(late.every((t) => (t.statErrno === 13 || t.statErrno === 2) && t.starttime === '0')).toBe(true);
    expect(late.some((t) => t.statErrno === 13)).toBe(true);
    expect(late.every((t) => t.status === 'done' || t.status === 'exited')).toBe(true);
    expect(out.denied).toMatchObject({ main: 'EACCES', pool: 'EACCES', readMain: 'EACCES', readPool: 'EACCES', readWorker: { sync: 'EACCES', async: 'EACCES' } });
    expect(out.allowed).toMatchObject({ main: 'ok', pool: 'ok', worker: { sync: 'ok', async: 'ok' } });
  });
});

describe.each(['current', 'nobody'] as const)('a second broadcast under a layer that denies /proc, as %s', (user) => {
  it('still lists and reaches every thread (the /proc/self/task fd outlives the first call)', () => {
    const dir = sharedTempDir();
    const r = runScript(`import { broadcast } from '@exile/threads';
import { mkdirSync, writeFileSync } from 'node:fs';
${loadHelper()}${prelude}
const [dir] = process.argv.slice(2);
mkdirSync(dir + '/inner', { mode: 0o777 });
const before = tasks().map((t) => t.tid);
// Layer 1: reads and writes only beneath dir (so /proc is unreadable from now on).
broadcast([{ op: 'no-new-privs' }, { op: 'landlock-restrict', rulesetFd: helper.landlockRuleset(dir, true) }]);
let proc = 'ok';
try { readdirSync('/proc/self/task'); } catch (e) { proc = e.code; }
const firstLayer = await attempt(() => fsp.writeFile(dir + '/pool1', 'x'));
// Layer 2: writes only beneath dir/inner; only a broadcast that reaches every thread enforces it everywhere.
const report = broadcast([{ op: 'landlock-restrict', rulesetFd: helper.landlockRuleset(dir + '/inner', true) }]);
const denied = {
  main: await attempt(() => writeFileSync(dir + '/main', 'x')),
  pool: await attempt(() => fsp.writeFile(dir + '/pool', 'x')),
  worker: await inWorker('write', dir + '/worker'),
};
const allowed = {
  main: await attempt(() => writeFileSync(dir + '/inner/main', 'x')),
  pool: await attempt(() => fsp.writeFile(dir + '/inner/pool', 'x')),
  worker: await inWorker('write', dir + '/inner/worker'),
};
console.log(show({ before, proc, firstLayer, report, denied, allowed }));
process.exit(0);
`, { from: import.meta.url, user, args: [dir] });
    expect(r.stderr).toBe('');
    const out = lastJson<{ before: number[]; proc: string; firstLayer: string; report: ChildReport; denied: unknown; allowed: unknown }>(r.stdout);
    expect(out.proc).toBe('EACCES');
    expect(out.firstLayer).toBe('ok');
    expect(out.report.ok).toBe(true);
    const reached = out.report.threads.filter((t) => t.status === 'self' || t.status === 'done').map((t) => t.tid);
    expect(reached.sort()).toEqual(out.before.sort());
    expect(out.report.threads.every((t) => t.statErrno === 13)).toBe(true);
    expect(out.denied).toEqual({ main: 'EACCES', pool: 'EACCES', worker: { sync: 'EACCES', async: 'EACCES' } });
    expect(out.allowed).toEqual({ main: 'ok', pool: 'ok', worker: { sync: 'ok', async: 'ok' } });
  });
});
