import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastJson, runScript, sharedTempDir } from '@exile/test-utils';
import { prelude, type Task } from './child.js';

const addon = join(import.meta.dirname, '..', 'prebuilds', `linux-${process.arch}`, '@exile+threads.node');

/** Two workers broadcast `rounds` times each at the same time as the main thread. */
const concurrent = (rounds: number) => `
const code = \`
  const { parentPort, workerData } = require('node:worker_threads');
  const load = workerData.copy ? () => ({ broadcast: (ops) => { const b = require(workerData.copy).broadcast(new BigInt64Array([1n, 0n, 0n, 0n, 0n]), 5000); if (b.result !== 0) throw new Error('copy failed ' + b.result); return { engine: b.engine }; } })
                               : () => null;
  (async () => {
    const api = load() ?? await import('@exile/threads');
    const engines = new Set();
    let failures = 0;
    for (let i = 0; i < ${rounds}; i++) {
      try { engines.add(api.broadcast([{ op: 'no-new-privs' }], { timeoutMs: 5000 }).engine); } catch { failures++; }
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    parentPort.postMessage({ failures, engines: [...engines] });
  })();\`;
const run = (copy) => {
  const w = new Worker(code, { eval: true, workerData: { copy } });
  return new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
};
`;

describe('concurrency', () => {
  it('serialises two workers and the main thread broadcasting at the same time', () => {
    const r = runScript(`import { broadcast } from '@exile/threads';
${prelude}${concurrent(200)}
const both = Promise.all([run(), run()]);
let mainFailures = 0;
for (let i = 0; i < 200; i++) {
  try { broadcast([{ op: 'no-new-privs' }], { timeoutMs: 5000 }); } catch { mainFailures++; }
  if (i % 10 === 0) await new Promise((r) => setImmediate(r));
}
console.log(show({ workers: await both, mainFailures, after: tasks() }));
process.exit(0);
`, { from: import.meta.url, timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    const out = lastJson<{ workers: { failures: number }[]; mainFailures: number; after: Task[] }>(r.stdout);
    expect(out.workers.map((w) => w.failures)).toEqual([0, 0]);
    expect(out.mainFailures).toBe(0);
    expect(out.after.every((t) => t.nnp === '1')).toBe(true);
  });

  it.each(['package first', 'copy first'])('shares one engine between two copies of the addon (%s)', (order) => {
    const copy = join(sharedTempDir(), 'copy-of-threads.node');
    copyFileSync(addon, copy);
    const r = runScript(`import { createRequire } from 'node:module';
${prelude}${concurrent(100)}
const require = createRequire(import.meta.url);
let api;
if (${order === 'copy first'}) { require(${JSON.stringify(copy)}); api = await import('@exile/threads'); }
// The package loads its addon on first use, not at import.
else { api = await import('@exile/threads'); api.requireEngine('this test'); require(${JSON.stringify(copy)}); }
const viaCopy = run(${JSON.stringify(copy)});
const viaPackage = run();
let mainFailures = 0;
const engines = new Set();
for (let i = 0; i < 100; i++) {
  try { engines.add(api.broadcast([{ op: 'no-new-privs' }], { timeoutMs: 5000 }).engine); } catch { mainFailures++; }
  if (i % 10 === 0) await new Promise((r) => setImmediate(r));
}
console.log(show({ copy: await viaCopy, pkg: await viaPackage, mainFailures, engines: [...engines], after: tasks() }));
process.exit(0);
`, { from: import.meta.url, timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    const out = lastJson<{ copy: { failures: number; engines: string[] }; pkg: { failures: number; engines: string[] }; mainFailures: number; engines: string[]; after: Task[] }>(r.stdout);
    expect([out.copy.failures, out.pkg.failures, out.mainFailures]).toEqual([0, 0, 0]);
    const expected = order === 'copy first' ? copy : expect.stringMatching(/prebuilds\/linux-x64\/@exile\+threads\.node$/);
    expect([...out.copy.engines, ...out.pkg.engines, ...out.engines]).toEqual([expected, expected, expected]);
    expect(out.after.every((t) => t.nnp === '1')).toBe(true);
    // One engine means one handler: after the last success signal 32 is no longer caught.
    expect(out.after.every((t) => (BigInt('0x' + t.sigCgt) & (1n << 31n)) === 0n)).toBe(true);
  });
});
