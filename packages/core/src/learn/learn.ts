import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix } from 'node:path';
import { now } from '../clock.js';
import { pathToFileURL } from 'node:url';
import { ErrorCodes, ExileError } from '@exile/common';
import { notifyAvailable, openListener, type Listener } from '@exile/seccomp';
import { plan } from '../plan/plan.js';
import type { Policy } from '../policy/types.js';
import { validatePolicy } from '../policy/validate.js';
import { probe } from '../probe.js';
import { startPlanned, type SpawnOptions } from '../start/planned.js';
import { decodeCall } from './decode.js';
import { runFlags } from './flags.js';
import { learnedPolicy } from './learned-policy.js';
import { mergePolicies } from './merge.js';
import type { PathFacts } from './generalise.js';
import { processContext, SocketKinds, threadGroup } from './process-context.js';
import { Recording, type Observed } from './recording.js';
import { recordingFilter } from './recording-filter.js';

/** What to learn: a program (as `spawn` takes it) or a module's export run in Node (as `launch` takes it). */
export type LearnTarget =
  | { command: string; args?: string[] }
  | { module: string | URL; export?: string; args?: unknown[] };

export interface LearnOptions extends SpawnOptions {
  /** The base policy: the only thing enforced while learning (learning is not a sandbox). */
  policy?: Policy;
  /** An earlier result to union with (several runs, several inputs). */
  merge?: Policy;
  /** Stops the run (SIGTERM): what was learned so far is returned. */
  signal?: AbortSignal;
}

export interface LearnResult {
  /** The tightest policy that lets the recorded run work (merged with `options.merge`). */
  policy: Policy;
  /** The `exile run` command line for it. */
  flags: string;
  observed: Observed;
  warnings: string[];
  /** How the recorded run ended. */
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
}

/** The files the generaliser may consult: home directories and directory listings. */
export function hostFacts(): PathFacts {
  let homes = ['/root', homedir()];
  try {
    homes = [...homes, ...readdirSync('/home').map((name) => posix.join('/home', name))];
  } catch { /* no /home */ }
  return {
    homes: [...new Set(homes)],
    entries: (dir) => {
      try {
        return readdirSync(dir);
      } catch {
        return undefined;
      }
    },
  };
}

/** A module target runs in a plain Node: import it, call the export with the arguments (JSON). */
function commandOf(target: LearnTarget): { command: string; args: string[] } {
  if ('command' in target) return { command: target.command, args: target.args ?? [] };
  const url = target.module instanceof URL || /^[a-z]+:/.test(target.module) ? String(target.module) : pathToFileURL(target.module).href;
  const script = 'const [u, e, a] = process.argv.slice(-3); const m = await import(u); await m[e](...JSON.parse(a));';
  return { command: process.execPath, args: ['--input-type=module', '-e', script, url, target.export ?? 'default', JSON.stringify(target.args ?? [])] };
}

/**
 * Runs `target` once under its base policy with every call outside `stdio` recorded (seccomp user
 * notification, answered "continue": unprivileged, no ptrace), across every process and thread it
 * starts, and resolves to the tightest policy that lets that run work. Learning is not a sandbox:
 * only `options.policy` is enforced meanwhile, so run it on trusted input. Throws
 * `ERR_EXILE_UNSUPPORTED` where user notification is unavailable (an old kernel, or this process
 * already under a seccomp filter).
 */
export function learn(target: LearnTarget, options: LearnOptions = {}): Promise<LearnResult> {
  const { policy: base = {}, merge, signal, ...spawnOptions } = options;
  if (!notifyAvailable()) {
    throw new ExileError(ErrorCodes.UNSUPPORTED, 'exile learn needs seccomp user notification (Linux ≥ 5.5, and this process not already under a seccomp filter)', { what: 'user notification' });
  }
  const start = now();
  const normalized = validatePolicy(base);
  const planned = plan(normalized, probe(), 'child');
  const { command, args } = commandOf(target);
  const recording = new Recording();
  const sockets = new SocketKinds();
  const tgids = new Map<number, number>();
  let undecoded = 0;
  let ended = false;
  let afterEnd: (() => void) | undefined;
  const listener: Listener = openListener((n) => {
    try {
      if (n.syscall === 'socket') sockets.sawSocket(n.pid, n.args);
      if (n.syscall !== undefined) recording.add(decodeCall(n.syscall, n.args, threadGroup(n.pid, tgids), processContext(listener, n, sockets)));
    } catch {
      undecoded++;
    }
    // Throwing here would end the process (it runs as the listener thread's callback): a call
    // delivered after the run ended, once the listener is closed, has nobody left to answer.
    try {
      listener.continue(n.id);
    } catch { /* closed */ }
  }, {
    onEnd: () => {
      ended = true;
      afterEnd?.();
    },
  });
  const child = startPlanned(planned, normalized, command, args, spawnOptions, start, undefined,
    [{ type: 'seccomp', filter: recordingFilter(spawnOptions.stdio), listener: listener.socket }]);
  listener.releaseSocket();
  const stop = (): void => { child.kill('SIGTERM'); };
  signal?.addEventListener('abort', stop, { once: true });
  return new Promise((resolve, reject) => {
    let failure: Error | undefined;
    child.on('error', (error) => { failure = error; });
    child.on('close', (exitCode, exitSignal) => {
      signal?.removeEventListener('abort', stop);
      const finish = (): void => {
        if (failure !== undefined) {
          reject(failure);
          return;
        }
        const learned = learnedPolicy({ files: recording.fileEvents(), net: recording.netEvents(), calls: recording.observedCalls() }, hostFacts());
        const warnings = [...learned.warnings];
        if (undecoded > 0) warnings.push(`${undecoded} calls could not be decoded and are missing from the policy`);
        const policy = merge === undefined ? learned.policy : mergePolicies(merge, learned.policy);
        for (const key of ['capabilities', 'namespaces', 'mode', 'penalty'] as const) if (base[key] !== undefined) Object.assign(policy, { [key]: base[key] });
        resolve({ policy, flags: runFlags(policy, [command, ...args]), observed: recording.observed(), warnings, exitCode, exitSignal });
      };
      // The listener's thread delivers its last message before the result is given out, so
      // nothing of it is left in flight when the caller exits. Processes CMD left behind are
      // no longer recorded: their calls fail (ENOSYS) once the listener is closed.
      if (ended) finish();
      else {
        // The listener's thread does not keep the event loop alive: this timer does, until it ends.
        const hold = setInterval(() => undefined, 1000);
        afterEnd = () => {
          clearInterval(hold);
          finish();
        };
        listener.close();
      }
    });
  });
}
