/** Child-script pieces: each case runs in a fresh Node process (runScript). */
import { lastJson, runScript, TASK_STATUS, type RunOptions } from '@exile/test-utils';
import { expect } from 'vitest';

/**
 * A worker started before the restriction that tries, on request, chown (sync and on its own pool)
 * and listening on a port; a warmed libuv pool; `tasks()`, a per-tid view of /proc; `attempt()`.
 */
export const prelude = `
import { Worker } from 'node:worker_threads';
import { readdirSync, readFileSync, writeFileSync, chownSync, promises as fsp } from 'node:fs';
import { createServer } from 'node:net';
const listen = (port) => new Promise((resolve) => {
  const server = createServer();
  server.once('error', (e) => resolve(e.code));
  // LISTEN_HOST: a loopback address of its own, so port 80 is not already taken by another test.
  server.listen(port, process.env.LISTEN_HOST ?? '127.0.0.1', () => server.close(() => resolve('ok')));
});
const worker = new Worker([
  "const { parentPort } = require('node:worker_threads');",
  "const fs = require('node:fs');",
  "const { createServer } = require('node:net');",
  'const listen = ' + listen.toString() + ';',
  "parentPort.on('message', async ({ file, uid, port }) => {",
  '  const r = {};',
  "  try { fs.chownSync(file, uid, uid); r.chownSync = 'ok'; } catch (e) { r.chownSync = e.code; }",
  "  try { await fs.promises.chown(file, uid, uid); r.chownAsync = 'ok'; } catch (e) { r.chownAsync = e.code; }",
  '  r.listen = await listen(port);',
  '  parentPort.postMessage(r);',
  '});',
].join('\\n'), { eval: true });
await new Promise((resolve) => worker.once('online', resolve));
const inWorker = (request) => new Promise((resolve) => { worker.once('message', resolve); worker.postMessage(request); });
await Promise.all(Array.from({ length: 4 }, () => fsp.readFile('/proc/self/status')));
const attempt = async (fn) => { try { await fn(); return 'ok'; } catch (e) { return e.code; } };
${TASK_STATUS}
const tasks = () => taskStatus({ sigBlk: 'SigBlk', nnp: 'NoNewPrivs', eff: 'CapEff', prm: 'CapPrm', inh: 'CapInh', bnd: 'CapBnd', amb: 'CapAmb' });
const show = (v) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x));
`;

export interface Task { tid: number; sigBlk: string; nnp: string; eff: string; prm: string; inh: string; bnd: string; amb: string }

/** /proc's CapXxx value of an empty set. */
export const EMPTY = '0000000000000000';

/**
 * Runs `body` in a fresh child after `imports` and the prelude; the body prints its result with
 * `show()`. Returns that result, once the child wrote nothing on stderr.
 */
export function inChild<T = unknown>(imports: string, body: string, options: Omit<RunOptions, 'from'>): T {
  const r = runScript(`${imports}\n${prelude}\n${body}\nprocess.exit(0);`, { from: import.meta.url, ...options });
  expect(r.stderr).toBe('');
  return lastJson<T>(r.stdout);
}
