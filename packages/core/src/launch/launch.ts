import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import { ErrorCodes, ExileError } from '@exile/common';
import { plan } from '../plan/plan.js';
import { findStep, type Plan } from '../plan/types.js';
import type { NormalizedPolicy, Policy } from '../policy/types.js';
import { validatePolicy } from '../policy/validate.js';
import { probe } from '../probe.js';
import { startPlanned } from '../spawn/spawn.js';
import { childSeccomp } from './child-seccomp.js';
import { freeVariables } from './free-variables.js';
import { deframer, frame, parseViolation, type LaunchRequest, type LaunchResponse, type SentError } from './protocol.js';
import { runtimePaths } from './runtime-paths.js';

/** `launch()`'s policy: a Policy plus how long the child may run and what cancels it. */
export interface LaunchPolicy extends Policy {
  /** Kill the child and reject with ERR_EXILE_TIMEOUT after this many milliseconds. */
  timeoutMs?: number;
  /** Kill the child and reject with ERR_EXILE_ABORTED when this aborts. */
  signal?: AbortSignal;
}

/** A module function to run: `{ module: './worker.js', export: 'parse' }` (default export `default`). */
export interface LaunchTarget {
  module: string | URL;
  export?: string;
}

const bootstrap = fileURLToPath(new URL('./bootstrap.js', import.meta.url));
const globals = new Set(Object.getOwnPropertyNames(globalThis));

function sourceOf(fn: (...args: never[]) => unknown): string {
  const source = fn.toString();
  let free: string[];
  try {
    free = freeVariables(source, globals);
  } catch {
    throw new ExileError(ErrorCodes.INVALID_POLICY,
      'launch(): this function cannot be sent by source (a native, bound or method-shorthand function?); pass a function expression or { module, export }', { path: 'fn' });
  }
  if (free.length > 0) {
    throw new ExileError(ErrorCodes.INVALID_POLICY,
      `launch(): the function closes over ${free.map((n) => `"${n}"`).join(', ')}, which will not exist in the child (it gets only the source). `
      + 'Pass values as arguments, import modules inside the function, or use { module, export }.', { path: 'fn', names: free });
  }
  return source;
}

function moduleUrl(target: LaunchTarget): string {
  if (target.module instanceof URL) return target.module.href;
  if (isAbsolute(target.module)) return pathToFileURL(target.module).href;
  if (/^[a-z][\w+.-]*:/i.test(target.module)) return target.module;
  throw new ExileError(ErrorCodes.INVALID_POLICY, `launch(): module must be an absolute path or a URL (new URL('./x.js', import.meta.url)), got ${JSON.stringify(target.module)}`, { path: 'target.module' });
}

function rebuild(error: SentError): Error {
  const rebuilt = typeof error.code === 'string' && error.code.startsWith('ERR_EXILE_')
    ? new ExileError(error.code as never, error.message, (error.details ?? {}) as Record<string, unknown>)
    : Object.assign(new Error(error.message), error.code === undefined ? {} : { code: error.code });
  rebuilt.name = error.name;
  if (error.stack !== undefined) rebuilt.stack = error.stack;
  return rebuilt;
}

/** The result travels back over a socket: vows always include stdio. */
function withStdio(policy: NormalizedPolicy): NormalizedPolicy {
  return policy.vows === undefined || policy.vows.includes('stdio') ? policy : { ...policy, vows: [...policy.vows, 'stdio'] };
}

/** The launched Node's pid as the child sees it: exile-launch execs it in place, or forks it as pid 2 of a new pid namespace. */
function childPid(planned: Plan, outer: number): number {
  return findStep(planned.steps, 'namespaces')?.pid === true ? 2 : outer;
}

/**
 * Runs a function in a fresh Node child restricted by `policy`, and resolves with its result.
 * The child starts through `exile-launch`: namespaces, caps, no_new_privs and Landlock are
 * applied before exec, so every thread Node starts is covered; besides the policy's paths the
 * child may read only what Node needs to start (its binary, libraries and start-up files,
 * exile's bootstrap) and, for `{ module }`, the package that holds the module. Then the target
 * loads (modules, the function's source), the child installs the seccomp filter on every thread
 * (compiled here while the child starts) and calls it. Arguments and the result cross by structured clone; a
 * thrown error is re-thrown here with its name, message and stack; a vow violation (penalty
 * `kill`) rejects with `ERR_EXILE_VIOLATION` naming the syscall and the vows that would allow it.
 * A plain function is sent by source and must not close over anything (checked here, refused
 * with `ERR_EXILE_INVALID_POLICY`); `{ module, export }` has no such limit. `policy.timeoutMs`
 * and `policy.signal` kill the child. The policy is validated and planned here first, so a bad
 * or (in strict mode) unenforceable one rejects before any child starts.
 */
export function launch<T>(policy: LaunchPolicy, target: ((...args: never[]) => T | Promise<T>) | LaunchTarget, ...args: unknown[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const start = performance.now();
    const { timeoutMs, signal, ...sandbox } = policy;
    const normalized = withStdio(validatePolicy(sandbox));
    const planned = plan(normalized, probe(), 'launch');
    const sentTarget: LaunchRequest['target'] = typeof target === 'function' ? { source: sourceOf(target) } : { module: moduleUrl(target), export: target.export ?? 'default' };
    if (signal?.aborted) throw new ExileError(ErrorCodes.ABORTED, 'launch(): aborted before start', { reason: signal.reason as unknown });
    const runtime = normalized.fs === undefined ? undefined : runtimePaths('module' in sentTarget ? sentTarget.module : undefined);
    const child = startPlanned(planned, normalized, process.execPath, ['--disable-warning=ExperimentalWarning', bootstrap], {
      // fd 3: the request and the answer, framed (see protocol.ts); exile-launch passes it through.
      stdio: ['ignore', 'inherit', 'pipe', 'pipe'],
    }, start, runtime);
    const channel = child.stdio[3] as Duplex;
    let stderr = '';
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const kill = (error: Error) => finish(() => {
      child.kill('SIGKILL');
      reject(error);
    });
    const timer = timeoutMs === undefined ? undefined
      : setTimeout(() => kill(new ExileError(ErrorCodes.TIMEOUT, `launch(): no result within ${timeoutMs} ms; the child was killed`, { timeoutMs })), timeoutMs);
    const onAbort = () => kill(new ExileError(ErrorCodes.ABORTED, 'launch(): aborted; the child was killed', { reason: signal?.reason as unknown }));
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += String(chunk);
      process.stderr.write(chunk);
    });
    channel.on('data', deframer((message) => {
      const response = message as LaunchResponse;
      finish(() => (response.ok ? resolve(response.value as T) : reject(rebuild(response.error))));
    }));
    channel.on('error', () => { /* the child died: 'close' says how */ });
    child.on('error', (error) => finish(() => reject(error)));
    child.on('close', (code, sig) => finish(() => {
      const violation = parseViolation(stderr);
      if (violation !== undefined) {
        reject(new ExileError(ErrorCodes.VIOLATION, `launch(): the function broke its policy: ${violation.line.replace(/^exile: /, '')}`,
          { syscall: violation.syscall, vows: violation.vows, signal: sig }));
      } else {
        reject(new ExileError(ErrorCodes.LAUNCH, `launch(): the child ended (${sig ?? `exit ${code}`}) without an answer`, { code, signal: sig, stderr }));
      }
    }));
    if (child.pid === undefined) return; // it never started: 'error' says why
    const seccomp = findStep(planned.steps, 'seccomp');
    let request: LaunchRequest;
    try {
      // Compiled while the child starts (it needs the child's pid).
      request = { target: sentTarget, args, ...(seccomp === undefined ? {} : { seccomp: childSeccomp(seccomp, childPid(planned, child.pid)) }) };
      channel.write(frame(request));
    } catch (error) {
      kill(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
