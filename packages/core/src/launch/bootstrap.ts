// The launched child: load the target, restrict this process, run it, send back one answer.
import { Socket } from 'node:net';
import { constants, runInThisContext } from 'node:vm';
import { enable } from '../enable/enable.js';
import { deframer, frame, type LaunchRequest, type LaunchResponse, type SentError } from './protocol.js';

type Fn = (...args: unknown[]) => unknown;

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

function sent(error: unknown): SentError {
  if (!(error instanceof Error)) return { name: 'Error', message: `non-Error thrown: ${String(error)}` };
  const { code, details } = error as Error & { code?: unknown; details?: unknown };
  return { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }), ...(code === undefined ? {} : { code }), ...(details === undefined ? {} : { details }) };
}

/** fd 3, set up by launch(): one framed request in, one framed answer out. */
const channel = new Socket({ fd: 3, readable: true, writable: true });

function answer(response: LaunchResponse): void {
  let bytes: Buffer;
  try {
    bytes = frame(response);
  } catch (error) {
    // The value could not be cloned: say so instead.
    bytes = frame({ ok: false, error: sent(error) } satisfies LaunchResponse);
  }
  channel.end(bytes, () => process.exit(0));
}

channel.on('data', deframer((message) => {
  const request = message as LaunchRequest;
  channel.pause();
  void (async () => {
    try {
      // Modules load before the sandbox, the way OpenBSD programs pledge after start-up.
      const fn = await load(request.target);
      enable(request.policy);
      answer({ ok: true, value: await fn(...request.args) });
    } catch (error) {
      answer({ ok: false, error: sent(error) });
    }
  })();
}));
