// The launched child: load the target, restrict this process, run it, send back one answer.
import { constants, runInThisContext } from 'node:vm';
import { enable } from '../enable/enable.js';
import type { LaunchRequest, LaunchResponse, SentError } from './protocol.js';

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

function answer(response: LaunchResponse): void {
  try {
    process.send!(response, () => process.exit(0));
  } catch (error) {
    // The value could not be cloned: say so instead.
    process.send!({ ok: false, error: sent(error) } satisfies LaunchResponse, () => process.exit(0));
  }
}

process.once('message', (request: LaunchRequest) => {
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
});
