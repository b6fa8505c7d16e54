/** Snippets for child scripts (each test case runs in a fresh Node process via runScript). */
import { TASK_STATUS } from '@exile/test-utils';

/** A worker started before, a warmed libuv pool, `tasks()` (per-tid /proc view) and `show()`. */
export const prelude = `
import { Worker } from 'node:worker_threads';
import { readdirSync, readFileSync, promises as fsp } from 'node:fs';
// A worker started before the restriction; inWorker(op, path) makes it try op ('write' | 'read')
// synchronously and on its own pool, and returns { sync, async }: 'ok' or the error code.
const worker = new Worker(\`
  const { parentPort } = require('node:worker_threads');
  const fs = require('node:fs');
  parentPort.on('message', async ({ op, path }) => {
    const r = {};
    try { op === 'write' ? fs.writeFileSync(path + '.sync', 'x') : fs.readFileSync(path); r.sync = 'ok'; } catch (e) { r.sync = e.code; }
    try { op === 'write' ? await fs.promises.writeFile(path + '.async', 'x') : await fs.promises.readFile(path); r.async = 'ok'; } catch (e) { r.async = e.code; }
    parentPort.postMessage(r);
  });\`, { eval: true });
await new Promise((resolve) => worker.once('online', resolve));
const inWorker = (op, path) => new Promise((resolve) => { worker.once('message', resolve); worker.postMessage({ op, path }); });
const attempt = async (fn) => { try { await fn(); return 'ok'; } catch (e) { return e.code; } };
await Promise.all(Array.from({ length: 4 }, () => fsp.readFile('/proc/self/status')));
${TASK_STATUS}
const tasks = () => taskStatus({ nnp: 'NoNewPrivs', sigBlk: 'SigBlk', sigCgt: 'SigCgt', capEff: 'CapEff' });
const show = (v) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x));
`;

export interface Task { tid: number; nnp: string; sigBlk: string; sigCgt: string; capEff: string }
export interface ChildThread { tid: number; status: string; ok: boolean; ioWorker: boolean; starttime: string; round: number; statErrno: number; ops: { op: string; ran: boolean; errno: number; error?: string }[] }
export interface ChildReport { ok: boolean; rounds: number; handlerRestored: boolean; engine: string; timedOut: boolean; threads: ChildThread[] }

/** SigBlk of Node's inspector signal thread: everything but 9, 19, 32 and 33. */
export const INSPECTOR_SIGBLK = 'fffffffe7ffbfeff';

/** Signal 32's bit in SigCgt. */
export const catchesSignal32 = (t: Task): boolean => (BigInt('0x' + t.sigCgt) & (1n << 31n)) !== 0n;
