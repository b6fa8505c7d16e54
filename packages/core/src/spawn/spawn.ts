import { now } from '../clock.js';
import { ownData } from '@exile/common';
import { plan } from '../plan/plan.js';
import type { Policy } from '../policy/types.js';
import { validatePolicy } from '../policy/validate.js';
import { probe } from '../probe.js';
import { preparePlanned, type PendingChild, type SandboxedChild, type SpawnOptions } from '../start/planned.js';

export type { SandboxedChild, SpawnOptions };

/**
 * Starts `command` in a sandbox made from `policy`, through `exile-launch`: namespaces, the
 * file-system view, then caps → no_new_privs → Landlock → seccomp before execve, so every thread of the
 * program inherits them. Validation, planning (strict mode refuses what this kernel cannot
 * enforce) and BPF compilation happen here and throw synchronously; a failure while the
 * launcher sets up the sandbox is emitted as 'error' (`ERR_EXILE_LAUNCH`) before 'exit'.
 * Returns Node's `ChildProcess` with `report` added. The program gets a new session
 * (`setsid()`) unless `options.newSession` is false, and drops every capability unless the
 * policy keeps some.
 */
export function spawn(policy: Policy, command: string, args: string[] = [], options: SpawnOptions = {}): SandboxedChild {
  return prepareSpawn(policy, command, args, options).start();
}

/** `spawn()` in two halves, for `exile run --report`: everything up to starting the program, then `start()`. */
export function prepareSpawn(policy: Policy, command: string, args: string[] = [], options: SpawnOptions = {}): PendingChild {
  const start = now();
  const normalized = validatePolicy(policy);
  const own = ownData(options);
  return preparePlanned(plan(normalized, probe(), 'child', { newSession: own.newSession ?? true }), normalized, command, args, own, start);
}
