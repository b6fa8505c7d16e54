import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions, type StdioOptions } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { buildPlan } from './build-plan.js';
import { launcherPath } from './launcher.js';
import type { LaunchOptions } from './options.js';
import type { Plan } from './plan.js';
import { encodePlan } from './plan-codec.js';
import { parseStatus } from './status.js';

/** Options that belong to the sandboxed program, not to Node's spawn of the launcher. */
const SANDBOX_ONLY = ['namespaces', 'uid', 'gid', 'hostname', 'fs', 'preExec', 'dieWithParent', 'newSession', 'clearEnv', 'cwd', 'env', 'argv0', 'stdio'] as const;

function userStdio(stdio: SpawnOptions['stdio'], count: number): unknown[] {
  const given = stdio === undefined ? 'pipe' : stdio;
  const list: unknown[] = typeof given === 'string' ? [given, given, given] : [...given];
  while (list.length < count) list.push('pipe');
  return list.slice(0, count);
}

/**
 * Holds back 'exit' and 'close' until the launcher's status fd reaches EOF, so a setup failure
 * is emitted as 'error' before them — the order Node uses when a spawn itself fails.
 */
function deferExit(child: ChildProcess): (error: Error | undefined) => void {
  const emit = child.emit.bind(child);
  const held: [string | symbol, unknown[]][] = [];
  let holding = true;
  child.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    if (holding && (event === 'exit' || event === 'close')) {
      held.push([event, args]);
      return true;
    }
    return emit(event, ...args);
  }) as ChildProcess['emit'];
  return (error) => {
    if (!holding) return;
    holding = false;
    if (error !== undefined) emit('error', error);
    for (const [event, args] of held) emit(event, ...args);
  };
}

/**
 * Starts `command` with `args` inside new namespaces, with its own file-system view and
 * pre-exec restrictions, through `exile-launch`. Returns a normal `ChildProcess` (stdio,
 * `kill`, 'exit' with the program's own code or signal). Bad options throw
 * `ERR_EXILE_INVALID_POLICY` synchronously; a failure while setting up the sandbox is emitted
 * as 'error' with `ERR_EXILE_LAUNCH` (`details.step`, `errno`, `path`), before 'exit'.
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
 * launcher; `stdio` must have `plan.keepFds` entries (missing ones are pipes).
 */
export function spawnPlan(plan: Plan, options: SpawnOptions = {}, command = plan.argv[0] ?? ''): ChildProcess {
  const bytes = encodePlan(plan);
  const stdio = [...userStdio(options.stdio, plan.keepFds), 'pipe', 'pipe'] as StdioOptions;
  const child = nodeSpawn(launcherPath, [String(plan.keepFds), String(plan.statusFd)], { ...options, stdio, env: {} });
  const planStream = child.stdio[plan.keepFds] as Writable | null | undefined;
  const statusStream = child.stdio[plan.statusFd] as Readable | null | undefined;
  if (planStream == null || statusStream == null) return child; // the launcher did not start: Node emits 'error'
  // Keep the launcher's private fds out of the caller's view.
  (child.stdio as unknown as unknown[]).splice(plan.keepFds);
  const settle = deferExit(child);
  planStream.on('error', () => { /* the launcher died before reading: its status says why */ });
  (planStream as unknown as Readable).resume();
  planStream.end(bytes);
  const chunks: Buffer[] = [];
  statusStream.on('data', (chunk: Buffer) => chunks.push(chunk));
  statusStream.on('error', () => { /* reported through 'close' below */ });
  statusStream.on('close', () => settle(parseStatus(Buffer.concat(chunks), command)));
  return child;
}
