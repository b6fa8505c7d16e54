import type { ChildProcess, SpawnOptions, StdioOptions } from 'node:child_process';
import { closeSync } from 'node:fs';
import { ensureExecutable } from '@exile/common';
import { buildPlan } from './build-plan.js';
import { launcherPath } from './launcher.js';
import type { LaunchOptions } from './options.js';
import type { LaunchPlan } from './plan.js';
import { encodePlan } from './plan-codec.js';
import { planFile } from './plan-file.js';
import { readStatus } from './status.js';

/** Options that belong to the sandboxed program, not to Node's spawn of the launcher. */
const SANDBOX_ONLY = ['namespaces', 'uid', 'gid', 'hostname', 'fs', 'preExec', 'dieWithParent', 'newSession', 'clearEnv', 'cwd', 'env', 'argv0', 'stdio'] as const;

function userStdio(stdio: SpawnOptions['stdio'], count: number): unknown[] {
  const given = stdio === undefined ? 'pipe' : stdio;
  const list: unknown[] = typeof given === 'string' ? [given, given, given] : [...given];
  while (list.length < count) list.push('pipe');
  return list.slice(0, count);
}

/**
 * Starts `command` with `args` inside new namespaces, with its own file-system view and
 * pre-exec restrictions, through `exile-launch`. Returns a normal `ChildProcess` (stdio,
 * `kill`, 'exit' with the program's own code or signal). Bad options throw
 * `ERR_EXILE_INVALID_POLICY` synchronously; a failure while setting up the sandbox is emitted
 * as 'error' with `ERR_EXILE_LAUNCH` (`details.step`, `errno`, `path`), right before 'exit'.
 */
export function spawn(command: string, args: readonly string[] = [], options: LaunchOptions = {}): ChildProcess {
  const plan = buildPlan(command, args, options);
  const nodeOptions: Record<string, unknown> = { ...options };
  for (const key of SANDBOX_ONLY) delete nodeOptions[key];
  return spawnPlan(plan, { ...nodeOptions, stdio: options.stdio }, command);
}

/**
 * Runs the launcher on an already built (and possibly hand-edited) plan — for `@exile/core`
 * and for tests of the launcher's own checks. `options` are Node's spawn options for the
 * launcher; `stdio` gets `plan.keepFds` entries (missing ones are pipes, extra ones dropped).
 */
export function spawnPlan(plan: LaunchPlan, options: SpawnOptions = {}, command = plan.argv[0] ?? ''): ChildProcess {
  ensureExecutable(launcherPath);
  const fd = planFile(encodePlan(plan));
  const listener = plan.steps.find((s) => s.step === 'seccomp' && s.listener !== undefined);
  const socket = listener?.step === 'seccomp' ? [listener.listener] : [];
  const stdio = [...userStdio(options.stdio, plan.keepFds), fd, ...socket] as StdioOptions;
  let child: ChildProcess;
  try {
    // node:child_process loads on the first start, not at import (it brings net, dgram and streams).
    child = process.getBuiltinModule('node:child_process').spawn(launcherPath, [String(plan.planFd)], { ...options, stdio, env: {} });
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  if (child.pid === undefined) {
    closeSync(fd); // the launcher did not start: Node emits 'error' itself
    return child;
  }
  (child.stdio as unknown as unknown[]).splice(plan.keepFds); // the plan fd is ours, not the caller's
  // The launcher has exited when 'exit' fires, so its record (if any) is complete: emit it first.
  const emit = child.emit.bind(child);
  child.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    if (event === 'exit') {
      child.emit = emit;
      const error = readStatus(fd, command, plan.exec.length);
      if (error !== undefined) emit('error', error);
    }
    return emit(event, ...args);
  }) as ChildProcess['emit'];
  return child;
}
