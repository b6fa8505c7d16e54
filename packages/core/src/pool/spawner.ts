import type { ChildProcess, StdioOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { ErrorCodes, ExileError } from '@exile/common';
import { buildPlan, type LaunchOptions, type LaunchPlan } from '@exile/namespaces';
import { ownFile } from '../own-file.js';

/** What the pool asks its spawner (spawner-child.ts): a plan once, then starts by the plan's number. */
export type SpawnerRequest =
  | { type: 'plan'; plan: number; command: string; launch: LaunchPlan; stdio: StdioOptions }
  | { type: 'forget'; plan: number }
  | { type: 'start'; id: number; plan: number }
  | { type: 'kill'; id: number };

/** One launcher call as a pool makes it (`PendingChild.launcher`): the same object for every worker of one plan. */
export interface LauncherCall {
  command: string;
  args: string[];
  options: LaunchOptions;
}

/** What the spawner answers; `fd` messages carry the pipe as their handle. */
export type SpawnerReply =
  | { type: 'started'; id: number; pid: number }
  | { type: 'fd'; id: number; index: number }
  | { type: 'error'; id: number; error: { code?: string; message: string; details?: unknown } }
  | { type: 'exit'; id: number; code: number | null; signal: NodeJS.Signals | null };

/**
 * A worker started by the spawner, as a `ChildProcess` looks to `LaunchedChild`: its pid, its
 * pipes (received from the spawner, read and written here directly), 'error' (the launcher's
 * failure record) before 'close' (once it has exited and its pipes are closed), `kill()` (through
 * the spawner, which still holds it unreaped), `ref()`/`unref()`.
 */
class RemoteChild extends EventEmitter {
  readonly stdio: (Socket | null)[];
  pid: number | undefined;
  private exit: [number | null, NodeJS.Signals | null] | undefined;
  private open = 0;
  private referenced = true;
  /** Events that happened before whoever started this child listened (see deliver()). */
  private queued: [string, unknown[]][] | undefined = [];

  constructor(private readonly spawner: Spawner, private readonly id: number, slots: number) {
    super();
    this.stdio = Array.from({ length: slots }, () => null);
  }

  /** A pipe arrived: it counts toward 'close' until it ends. */
  attach(index: number, pipe: Socket): void {
    this.stdio[index] = pipe;
    this.open++;
    if (!this.referenced) pipe.unref();
    pipe.once('close', () => {
      this.open--;
      this.closeIfDone();
    });
  }

  exited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exit !== undefined) return;
    this.spawner.forget(this.id, this);
    this.exit = [code, signal];
    this.closeIfDone();
  }

  private closeIfDone(): void {
    if (this.exit !== undefined && this.open === 0) this.post('close', ...this.exit);
  }

  /** Emits `event` now, or once deliver() is called. */
  post(event: string, ...args: unknown[]): void {
    if (this.queued === undefined) this.emit(event, ...args);
    else this.queued.push([event, args]);
  }

  /** Whoever started this child listens now: what happened meanwhile is emitted, in order. */
  deliver(): void {
    const queued = this.queued ?? [];
    this.queued = undefined;
    for (const [event, args] of queued) this.emit(event, ...args);
  }

  kill(): boolean {
    if (this.exit !== undefined) return false;
    this.spawner.send({ type: 'kill', id: this.id });
    return true;
  }

  ref(): void {
    if (!this.referenced && this.exit === undefined) this.spawner.hold(1);
    this.referenced = true;
  }

  unref(): void {
    if (this.referenced && this.exit === undefined) this.spawner.hold(-1);
    this.referenced = false;
  }

  get held(): boolean {
    return this.referenced && this.exit === undefined;
  }
}

interface Starting {
  child: RemoteChild;
  pipes: number;
  arrived: number;
  resolve: (child: RemoteChild) => void;
  reject: (error: Error) => void;
  /** Why the launcher could not be started at all (no pid). */
  error?: Error;
}

/**
 * The pool's spawner: one small Node process (spawner-child.ts) per process that uses pools,
 * started when a pool first needs another worker, ended with the last pool closed. The caller forks once,
 * for the spawner; every worker after the first fill is forked from there.
 */
class Spawner {
  private readonly helper: ChildProcess;
  private readonly children = new Map<number, RemoteChild>();
  private readonly starting = new Map<number, Starting>();
  /** The plans the spawner holds, by the launcher call they were built from: each is built and sent once, not per worker. */
  private readonly plans = new WeakMap<LauncherCall, number>();
  private nextId = 1;
  private nextPlan = 1;
  private holds = 0;
  /** The spawner process has ended (killed from outside, or ended by its last pool). */
  gone = false;
  readonly exited: Promise<void>;
  /** Pools using this spawner. */
  users = 0;

  constructor() {
    // Its own session: a terminal's ^C goes to the caller, which decides; the spawner ends with the caller's channel.
    this.helper = process.getBuiltinModule('node:child_process').fork(ownFile('dist', 'pool', 'spawner-child.js'), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [], detached: true });
    this.exited = new Promise((resolve) => this.helper.once('exit', () => resolve()));
    this.helper.on('message', (message: SpawnerReply, handle?: Socket) => this.receive(message, handle));
    this.helper.once('exit', () => this.lost());
    this.helper.on('error', () => this.lost());
    this.hold(0);
  }

  /** Starts `launcher` from the spawner; resolves with the started child (pipes attached). */
  start(launcher: LauncherCall): Promise<RemoteChild> {
    if (this.gone) return Promise.reject(new ExileError(ErrorCodes.LAUNCH, 'pool.run(): the pool\'s spawner process has ended'));
    const { options } = launcher;
    let plan = this.plans.get(launcher);
    if (plan === undefined) {
      plan = this.nextPlan++;
      // The worker dies with the spawner, as it would with the caller (PR_SET_PDEATHSIG in exile-launch).
      const built = { ...buildPlan(launcher.command, launcher.args, { ...options, dieWithParent: true }), parentPid: this.helper.pid ?? 0 };
      this.plans.set(launcher, plan);
      this.send({ type: 'plan', plan, command: launcher.command, launch: built, stdio: options.stdio ?? 'pipe' });
    }
    const id = this.nextId++;
    // A worker's launch names each stdio slot (launch/child.ts): a slot each here, and the spawner passes back its pipes.
    const stdio = Array.isArray(options.stdio) ? options.stdio : [];
    const child = new RemoteChild(this, id, stdio.length);
    this.children.set(id, child);
    this.hold(1);
    return new Promise((resolve, reject) => {
      this.starting.set(id, { child, pipes: stdio.filter((s) => s === 'pipe').length, arrived: 0, resolve, reject });
      this.send({ type: 'start', id, plan });
    });
  }

  /** A pool no longer starts `launcher` (it planned again, or closed): the spawner lets its plan go. */
  forgetPlan(launcher: LauncherCall): void {
    const plan = this.plans.get(launcher);
    if (plan === undefined) return;
    this.plans.delete(launcher);
    this.send({ type: 'forget', plan });
  }

  send(message: SpawnerRequest): void {
    if (!this.gone && this.helper.connected) this.helper.send(message);
  }

  /** A child has exited: no longer counted. */
  forget(id: number, child: RemoteChild): void {
    if (child.held) this.hold(-1);
    this.children.delete(id);
  }

  /** Keeps this process alive while some child is referenced (its pool holds it), or not. */
  hold(delta: number): void {
    this.holds += delta;
    const channel = this.helper.channel as { ref?: () => void; unref?: () => void } | undefined;
    if (this.holds > 0) {
      this.helper.ref();
      channel?.ref?.();
    } else {
      this.helper.unref();
      channel?.unref?.();
    }
  }

  /** Ends the spawner (it kills what still runs) and resolves once it has exited. */
  end(): Promise<void> {
    if (!this.gone && this.helper.connected) this.helper.disconnect();
    this.hold(0);
    this.helper.ref();
    return this.exited;
  }

  private receive(message: SpawnerReply, handle: Socket | undefined): void {
    const child = this.children.get(message.id);
    if (child === undefined) {
      handle?.destroy();
      return;
    }
    const starting = this.starting.get(message.id);
    switch (message.type) {
      case 'started':
        child.pid = message.pid;
        break;
      case 'fd':
        if (handle === undefined || starting === undefined) break;
        child.attach(message.index, handle);
        if (++starting.arrived === starting.pipes) this.ready(message.id);
        break;
      case 'error': {
        const { code, message: text, details } = message.error;
        const error = code === undefined ? new Error(text) : new ExileError(code as ExileError['code'], text, (details ?? {}) as Record<string, unknown>);
        if (starting !== undefined && child.pid === undefined) starting.error = error;
        else child.post('error', error);
        break;
      }
      case 'exit':
        if (starting !== undefined && child.pid === undefined) {
          this.starting.delete(message.id);
          starting.reject(starting.error ?? new ExileError(ErrorCodes.LAUNCH, 'pool.run(): the launcher could not be started'));
        } else if (starting !== undefined) this.ready(message.id);
        child.exited(message.code, message.signal);
        break;
    }
  }

  private ready(id: number): void {
    const starting = this.starting.get(id);
    if (starting === undefined) return;
    this.starting.delete(id);
    starting.resolve(starting.child);
  }

  /** The spawner ended: what it started dies with it (PDEATHSIG); each child's pipes end and say so. */
  private lost(): void {
    if (this.gone) return;
    this.gone = true;
    if (shared === this) shared = undefined;
    for (const [id, child] of [...this.children]) {
      const starting = this.starting.get(id);
      this.starting.delete(id);
      starting?.reject(new ExileError(ErrorCodes.LAUNCH, 'pool.run(): the pool\'s spawner process ended while starting a worker'));
      child.exited(null, 'SIGKILL');
    }
  }
}

let shared: Spawner | undefined;

/** The process's spawner, started on first use; `releaseSpawner()` ends it once no pool uses it. */
export function acquireSpawner(): Spawner {
  shared ??= new Spawner();
  shared.users++;
  return shared;
}

export async function releaseSpawner(spawner: Spawner): Promise<void> {
  if (--spawner.users > 0) return;
  if (shared === spawner) shared = undefined;
  await spawner.end();
}

export type { Spawner, RemoteChild };
