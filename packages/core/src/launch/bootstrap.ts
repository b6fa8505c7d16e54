// The launched child: read the setup, load the target, install the seccomp filter, make the
// setup's warm-up calls, say ready, then answer each call that arrives, until the parent closes the channel (or kills us).
// Everything else was applied by exile-launch before Node started. This file imports as little
// as it can: each module is start-up time of every launch().
import { readSync, writeSync } from 'node:fs';
import { constants, runInThisContext } from 'node:vm';
import { frame, readMessage, SYSTEM_ERROR_FIELDS, type Call, type ChildMessage, type SentError, type Setup, type Start } from './protocol.js';

type Fn = (...args: unknown[]) => unknown;

/** fd 3, set up by the parent: framed messages both ways; nothing else to do meanwhile, so blocking I/O. */
const CHANNEL = 3;
/** fd 4: where the vows reporter records a violation that kills (see protocol.ts). */
const RECORD = 4;

/** Exactly `length` bytes, or undefined when the channel ends before the first of them. */
function readExactly(length: number): Buffer | undefined {
  const buffer = Buffer.allocUnsafe(length);
  for (let at = 0; at < length;) {
    const got = readSync(CHANNEL, buffer, at, length - at, null);
    if (got === 0) {
      if (at === 0) return undefined;
      throw new Error('launch(): the parent closed the channel inside a message');
    }
    at += got;
  }
  return buffer;
}

async function load(target: Setup['target']): Promise<Fn | Record<string, unknown>> {
  if ('source' in target) return runInThisContext(`(${target.source})`, {
    filename: 'launched-function.js',
    // `await import('node:fs')` inside the function resolves like in any module.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }) as Fn;
  return (await import(target.module)) as Record<string, unknown>;
}

function callee(loaded: Fn | Record<string, unknown>, name: string | undefined): Fn {
  if (typeof loaded === 'function') return loaded;
  const fn = Object.hasOwn(loaded, name ?? 'default') ? loaded[name ?? 'default'] : undefined;
  if (typeof fn !== 'function') throw new TypeError(`the module has no function export "${name ?? 'default'}"`);
  return fn as Fn;
}

/** The in-process part of the sandbox: the seccomp filter, on every thread (TSYNC). */
async function restrict(setup: Setup, start: Start): Promise<void> {
  if (setup.seccomp === undefined) return;
  // Node creates stdout/stderr lazily, with syscalls (ioctl, fstat) the vows may not grant.
  for (const stream of [process.stdout, process.stderr]) void stream.fd;
  const { installCompiled } = await import('@exile/vows/install');
  installCompiled(setup.seccomp, { fd: RECORD, token: start.token });
}

function sent(error: unknown): SentError {
  if (!(error instanceof Error)) return { name: 'Error', message: `non-Error thrown: ${String(error)}` };
  const { code, details } = error as Error & { code?: unknown; details?: unknown };
  const fields = error as unknown as Record<string, unknown>;
  return {
    name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(typeof details === 'object' && details !== null ? { details: details as Record<string, unknown> } : {}),
    // What the caller needs to explain a denial (`details.denial`).
    ...Object.fromEntries(Object.entries(SYSTEM_ERROR_FIELDS).filter(([key, type]) => typeof fields[key] === type).map(([key]) => [key, fields[key]])),
  };
}

function send(message: ChildMessage): void {
  let bytes: Buffer;
  try {
    bytes = frame(message);
  } catch (error) {
    // The value could not be cloned, or is too big: say so instead.
    bytes = frame({ type: 'error', error: sent(error) } satisfies ChildMessage);
  }
  for (let at = 0; at < bytes.length;) at += writeSync(CHANNEL, bytes, at);
}

/** What runs now: a call, or the warm-up of that index; Node ends a process whose pending promises wait on nothing (exit 13): say which promise. */
let pending: 'call' | number | undefined;

process.on('exit', () => {
  if (pending === undefined) return;
  const message = 'launch(): the function returned a promise that never settles: nothing was left to run in the child';
  send({ type: 'error', error: { name: 'Error', message }, ...(pending === 'call' ? { final: true } : { warmup: pending }) });
});

/**
 * The setup's warm-up calls, under the whole sandbox, before the first real call: each `times`
 * times with a fresh copy of its arguments. What they leave (globals, caches, compiled code) is
 * what every call of this child starts from; their results are dropped. False once one threw
 * (the parent has been told which): the child does not start.
 */
async function warmUp(loaded: Fn | Record<string, unknown>, warmups: Setup['warmup'] = []): Promise<boolean> {
  for (const [index, warmup] of warmups.entries()) {
    pending = index;
    try {
      const fn = callee(loaded, warmup.export);
      for (let i = 0; i < warmup.times; i++) await fn(...structuredClone(warmup.args));
    } catch (error) {
      pending = undefined;
      send({ type: 'error', error: sent(error), warmup: index });
      return false;
    }
  }
  pending = undefined;
  return true;
}

async function serve(): Promise<void> {
  let loaded: Fn | Record<string, unknown>;
  let setup: Setup | undefined;
  try {
    const start = readMessage(readExactly) as Start | undefined;
    setup = readMessage(readExactly) as Setup | undefined;
    if (start === undefined || setup === undefined) return;
    // Modules load before the filter, the way OpenBSD programs pledge after start-up.
    loaded = await load(setup.target);
    await restrict(setup, start);
  } catch (error) {
    send({ type: 'error', error: sent(error) });
    return;
  }
  if (!(await warmUp(loaded, setup.warmup))) return;
  send({ type: 'ready' });
  for (;;) {
    const call = readMessage(readExactly) as Call | undefined;
    if (call === undefined) return;
    pending = 'call';
    let message: ChildMessage;
    try {
      message = { type: 'result', value: await callee(loaded, call.export)(...call.args) };
    } catch (error) {
      message = { type: 'error', error: sent(error) };
    }
    pending = undefined;
    send(message);
  }
}

await serve();
process.exit(0);
