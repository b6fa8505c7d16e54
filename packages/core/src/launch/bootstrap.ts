// The launched child: read the request, load the target, install the seccomp filter, run it,
// send back one answer. Everything else was applied by exile-launch before Node started. This
// file imports as little as it can: each module is start-up time of every launch().
import { readSync, writeSync } from 'node:fs';
import { constants, runInThisContext } from 'node:vm';
import { frame, readMessage, type LaunchRequest, type LaunchResponse, type SentError } from './protocol.js';

type Fn = (...args: unknown[]) => unknown;

/** fd 3, set up by launch(): one framed request in, one framed answer out; nothing else to do meanwhile, so blocking I/O. */
const CHANNEL = 3;

function readExactly(length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  for (let at = 0; at < length;) {
    const got = readSync(CHANNEL, buffer, at, length - at, null);
    if (got === 0) throw new Error('launch(): the parent closed the channel before the request was complete');
    at += got;
  }
  return buffer;
}

async function load(target: LaunchRequest['target']): Promise<Fn> {
  if ('source' in target) return runInThisContext(`(${target.source})`, {
    filename: 'launched-function.js',
    // `await import('node:fs')` inside the function resolves like in any module.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }) as Fn;
  const module = (await import(target.module)) as Record<string, unknown>;
  const fn = module[target.export];
  if (typeof fn !== 'function') throw new TypeError(`${target.module} has no function export "${target.export}"`);
  return fn as Fn;
}

/** The in-process part of the sandbox: the seccomp filter, on every thread (TSYNC). */
async function restrict(seccomp: LaunchRequest['seccomp']): Promise<void> {
  if (seccomp === undefined) return;
  // Node creates stdout/stderr lazily, with syscalls (ioctl, fstat) the vows may not grant.
  for (const stream of [process.stdout, process.stderr]) void stream.fd;
  const { installCompiled } = await import('@exile/vows/install');
  installCompiled(seccomp);
}

function sent(error: unknown): SentError {
  if (!(error instanceof Error)) return { name: 'Error', message: `non-Error thrown: ${String(error)}` };
  const { code, details } = error as Error & { code?: unknown; details?: unknown };
  return { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }), ...(code === undefined ? {} : { code }), ...(details === undefined ? {} : { details }) };
}

let answered = false;

function answer(response: LaunchResponse): void {
  answered = true;
  let bytes: Buffer;
  try {
    bytes = frame(response);
  } catch (error) {
    // The value could not be cloned: say so instead.
    bytes = frame({ ok: false, error: sent(error) } satisfies LaunchResponse);
  }
  for (let at = 0; at < bytes.length;) at += writeSync(CHANNEL, bytes, at);
}

// Node ends a process whose pending promises wait on nothing (exit 13): say which promise.
process.on('exit', () => {
  if (!answered) answer({ ok: false, error: { name: 'Error', message: 'launch(): the function returned a promise that never settles: nothing was left to run in the child' } });
});

let response: LaunchResponse;
try {
  const request = readMessage(readExactly) as LaunchRequest;
  // Modules load before the filter, the way OpenBSD programs pledge after start-up.
  const fn = await load(request.target);
  await restrict(request.seccomp);
  response = { ok: true, value: await fn(...request.args) };
} catch (error) {
  response = { ok: false, error: sent(error) };
}
answer(response);
process.exit(0);
