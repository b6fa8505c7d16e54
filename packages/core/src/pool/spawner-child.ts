// The pool's spawner: a small Node process that starts the pool's workers, so that the caller's
// thread never forks. Node's spawn forks the whole calling process and then waits until the
// child has exec'd: tens of milliseconds on a loaded machine, during which the caller's event loop
// stands still. Here that wait is this process's. It loads only @exile/namespaces.
//
// Messages (advanced serialization) from the pool: { type: 'plan', plan, command, launch, stdio }
// once per plan (a launch plan built once, kept here by its number), { type: 'forget', plan },
// { type: 'start', id, plan } per worker, and { type: 'kill', id }. To the pool: { type: 'started', id, pid } then one { type: 'fd', id,
// index } per pipe with that pipe as the handle; { type: 'error', id, error } (the launcher's
// failure record, or a start that failed); { type: 'exit', id, code, signal }. When the pool's
// process goes away (the channel ends), every worker is killed and this process exits.
import type { ChildProcess, StdioOptions } from 'node:child_process';
import type { Socket } from 'node:net';
import { spawnPlan, type LaunchPlan } from '@exile/namespaces';
import type { SpawnerReply, SpawnerRequest } from './spawner.js';

const workers = new Map<number, ChildProcess>();
const plans = new Map<number, { command: string; launch: LaunchPlan; stdio: StdioOptions }>();

function send(message: SpawnerReply, handle?: Socket): void {
  // Once a pipe is sent its handle has left this process: the stream is let go, so that Node does
  // not try to read or flush it when the worker exits.
  if (process.connected) process.send!(message, handle, {}, () => handle?.destroy());
}

function plain(error: unknown): { code?: string; message: string; details?: unknown } {
  const { code, details, message } = error as { code?: unknown; details?: unknown; message?: unknown };
  return { message: String(message ?? error), ...(typeof code === 'string' ? { code } : {}), ...(details === undefined ? {} : { details }) };
}

function start(id: number, planned: number): void {
  let child: ChildProcess;
  try {
    const plan = plans.get(planned);
    if (plan === undefined) throw new Error(`no plan ${planned}`);
    child = spawnPlan(plan.launch, { stdio: plan.stdio }, plan.command);
    // Node's sockets start reading at once: nothing may be read (or its end seen) here, before the
    // pipe reaches the pool.
    for (const pipe of child.stdio) (pipe as unknown as { _handle?: { readStop?: () => void } } | null)?._handle?.readStop?.();
  } catch (error) {
    send({ type: 'error', id, error: plain(error) });
    send({ type: 'exit', id, code: null, signal: null });
    return;
  }
  child.on('error', (error) => send({ type: 'error', id, error: plain(error) }));
  if (child.pid === undefined) {
    child.once('error', () => send({ type: 'exit', id, code: null, signal: null }));
    return;
  }
  workers.set(id, child);
  child.once('exit', (code, signal) => {
    workers.delete(id);
    send({ type: 'exit', id, code, signal });
    if (!process.connected && workers.size === 0) process.exit(0);
  });
  send({ type: 'started', id, pid: child.pid });
  // Each pipe goes to the pool, which reads and writes it directly; this process keeps no copy.
  child.stdio.forEach((pipe, index) => {
    if (pipe !== null && index > 0) send({ type: 'fd', id, index }, pipe as Socket);
  });
}

process.on('message', (message: SpawnerRequest) => {
  if (message.type === 'plan') plans.set(message.plan, { command: message.command, launch: message.launch, stdio: message.stdio });
  else if (message.type === 'forget') plans.delete(message.plan);
  else if (message.type === 'start') start(message.id, message.plan);
  else if (message.type === 'kill') workers.get(message.id)?.kill('SIGKILL');
});

process.on('disconnect', () => {
  for (const child of workers.values()) child.kill('SIGKILL');
  if (workers.size === 0) process.exit(0);
});
