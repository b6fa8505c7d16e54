import { expect } from 'vitest';
import { lastJson, runScript, sharedTempDir } from '@exile/test-utils';

export type User = 'current' | 'nobody';
export const USERS: User[] = ['current', 'nobody'];

/**
 * Helpers every child script starts with. `attempt` and `attemptAsync` turn an operation into
 * 'ok' or its error code; `fsOps` lists the same file operations for any fs flavour, so each
 * channel (sync, pool, promises, worker, shell) is checked with identical cases.
 */
const HELPERS = `
const print = (value) => console.log(JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? String(v) : v)));
const attempt = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code ?? String(e); } };
const attemptAsync = async (fn) => { try { await fn(); return 'ok'; } catch (e) { return e.code ?? String(e); } };
const errorOf = (fn) => { try { return { result: fn() }; } catch (e) { return { code: e.code, message: e.message, details: e.details }; } };
const flavours = {
  sync: { readFile: fs.readFileSync, readdir: fs.readdirSync, writeFile: fs.writeFileSync, unlink: fs.unlinkSync,
    mkdir: fs.mkdirSync, rmdir: fs.rmdirSync, rename: fs.renameSync, truncate: fs.truncateSync, symlink: fs.symlinkSync },
  pool: Object.fromEntries(['readFile', 'readdir', 'writeFile', 'unlink', 'mkdir', 'rmdir', 'rename', 'truncate', 'symlink']
    .map((name) => [name, promisify(fs[name])])),
  promises: fs.promises,
};
const OPS = ['read', 'list', 'write', 'create', 'unlink', 'mkdir', 'rmdir', 'rename', 'truncate', 'symlink'];
/** Creates, in directory d, what the operations of channel tag need (before restricting). */
const prepareOps = (d, tag) => {
  fs.mkdirSync(d, { recursive: true, mode: 0o777 });
  fs.writeFileSync(d + '/file', 'original', { mode: 0o666 });
  fs.writeFileSync(d + '/del-' + tag, 'x', { mode: 0o666 });
  fs.writeFileSync(d + '/mv-' + tag, 'x', { mode: 0o666 });
  fs.mkdirSync(d + '/sub-' + tag, { mode: 0o777 });
};
const fsOps = (f, d, tag) => [
  ['read', () => f.readFile(d + '/file')],
  ['list', () => f.readdir(d)],
  ['write', () => f.writeFile(d + '/file', 'changed')],
  ['create', () => f.writeFile(d + '/new-' + tag, 'x')],
  ['unlink', () => f.unlink(d + '/del-' + tag)],
  ['mkdir', () => f.mkdir(d + '/dir-' + tag)],
  ['rmdir', () => f.rmdir(d + '/sub-' + tag)],
  ['rename', () => f.rename(d + '/mv-' + tag, d + '/mv-' + tag + '-2')],
  ['truncate', () => f.truncate(d + '/file', 0)],
  ['symlink', () => f.symlink('file', d + '/ln-' + tag)],
];
const runOps = async (f, d, tag) => {
  const out = {};
  for (const [name, fn] of fsOps(f, d, tag)) out[name] = await attemptAsync(fn);
  return out;
};
/** What survived: denied operations must have left their targets in place. */
const survivors = (d, tag) => ({
  file: fs.existsSync(d + '/file') ? fs.readFileSync(d + '/file', 'utf8') : null,
  del: fs.existsSync(d + '/del-' + tag), mv: fs.existsSync(d + '/mv-' + tag), sub: fs.existsSync(d + '/sub-' + tag),
  created: fs.existsSync(d + '/new-' + tag) || fs.existsSync(d + '/dir-' + tag) || fs.existsSync(d + '/ln-' + tag),
});
/** Opens every thread's status file now, so it can be re-read after a restriction hides /proc. */
const openThreadStatus = () => fs.readdirSync('/proc/self/task').map((tid) => fs.openSync('/proc/self/task/' + tid + '/status', 'r'));
/** Whether every thread opened by openThreadStatus shows NoNewPrivs: 1 now (pread at offset 0). */
const nnpEverywhere = (fds) => fds.every((fd) => {
  const buf = Buffer.alloc(4096);
  const text = buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0)).toString();
  return /NoNewPrivs:\\s*1/.test(text);
});
const taskCount = () => fs.readdirSync('/proc/self/task').length;
`;

/** Imports every child script and worker needs. */
const IMPORTS = `
import fs from 'node:fs';
import { spawnSync, spawn } from 'node:child_process';
import { Worker, parentPort } from 'node:worker_threads';
import { promisify } from 'node:util';
`;

/** The start of every child script: imports, helpers, and `startWorker(body)`, which runs body
 *  (with the same helpers) in a worker from a data: URL and resolves once the worker posts. A
 *  worker never imports @exile/landlock (data: URLs cannot resolve bare specifiers). */
export const PRELUDE = `${IMPORTS}
import { restrict, prepareRestrict, abi } from '@exile/landlock';
const dir = process.argv[2];
${HELPERS}
const WORKER_PRELUDE = ${JSON.stringify(IMPORTS + HELPERS)};
const startWorker = async (body) => {
  const worker = new Worker(new URL('data:text/javascript,' + encodeURIComponent(WORKER_PRELUDE + body)));
  await new Promise((resolve) => worker.once('message', resolve));
  return worker;
};
const ask = (worker, message) => new Promise((resolve) => { worker.once('message', resolve); worker.postMessage(message); });
`;

export interface ChildOptions {
  user?: User;
  env?: NodeJS.ProcessEnv;
  /** The shared temp dir passed as argv[2]; a fresh one by default. */
  dir?: string;
}

/** Runs PRELUDE + body in a fresh Node process and returns its last JSON line. */
export function child<T = Record<string, unknown>>(body: string, options: ChildOptions = {}): T {
  const dir = options.dir ?? sharedTempDir('exile-landlock-');
  const result = runScript(`${PRELUDE}\n${body}`, {
    from: import.meta.url, user: options.user ?? 'current', env: options.env ?? {}, args: [dir],
  });
  expect(result.stderr, `child stderr (status ${String(result.status)})`).not.toMatch(/Error|error:/);
  expect(result.status, result.stderr).toBe(0);
  return lastJson<T>(result.stdout);
}
