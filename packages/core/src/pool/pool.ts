import type { ChildProcess } from 'node:child_process';
import { now } from '../clock.js';
import { ErrorCodes, ExileError, invalid, ownData } from '@exile/common';
import type { Report } from '../plan/types.js';
import { LaunchedChild, planLaunch, type PlannedLaunch } from '../launch/child.js';
import { limits, splitLimits, type LaunchPolicy } from '../launch/launch.js';
import { moduleUrl } from '../launch/target.js';
import { poolOptions, type CheckedPoolOptions, type PoolOptions } from './options.js';
import { acquireSpawner, releaseSpawner, type LauncherCall, type Spawner } from './spawner.js';

/** Per-call limits for `pool.runWith()`; `policy.timeoutMs` is the default. */
export interface RunOptions {
  /** Kill the worker and reject with ERR_EXILE_TIMEOUT when no result came this many ms after the call (queueing included). */
  timeoutMs?: number;
  /** Reject with ERR_EXILE_ABORTED when this aborts (killing the worker if the call runs). */
  signal?: AbortSignal;
}

/** Counts of a pool's workers and calls. */
export interface PoolStats {
  /** Workers started and waiting for a call. */
  idle: number;
  /** Workers running a call. */
  busy: number;
  /** Workers starting (not yet ready). */
  starting: number;
  /** Calls waiting for a worker. */
  queued: number;
  /** Workers started since the pool was created. */
  started: number;
  /** Workers that ended other than by serving their calls (failed to start, died, broke the policy or the protocol, timed out, aborted). */
  failed: number;
}

/** Sandboxed workers started before they are needed. See `createPool()`. */
export interface Pool {
  /** Calls export `exportName` of the pool's module with `args` in a worker; resolves with its result. */
  run<T = unknown>(exportName: string, ...args: unknown[]): Promise<T>;
  /** `run()` with this call's own timeout and AbortSignal. */
  runWith<T = unknown>(options: RunOptions, exportName: string, ...args: unknown[]): Promise<T>;
  /** Stops taking calls; waits for queued and running ones (or, with `force`, rejects them), then ends every worker. */
  close(options?: { force?: boolean }): Promise<void>;
  stats(): PoolStats;
  /** What each worker's sandbox enforces. */
  readonly report: Report;
}

interface Pending {
  exportName: string;
  args: unknown[];
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  limit: { clear: () => void };
  worker?: LaunchedChild;
  done: boolean;
}

class WorkerPool implements Pool {
  readonly report: Report;
  private readonly idle: LaunchedChild[] = [];
  private readonly starting = new Set<LaunchedChild>();
  private readonly busy = new Set<LaunchedChild>();
  private readonly uses = new Map<LaunchedChild, number>();
  private readonly queue: Pending[] = [];
  private readonly all = new Set<LaunchedChild>();
  private started = 0;
  private failed = 0;
  private closed = false;
  private drained: (() => void) | undefined;
  private closing: Promise<void> | undefined;
  private held = false;
  /** Workers asked of the spawner and not here yet. */
  private readonly requested = new Set<Promise<void>>();
  /** Started with the first worker after the first fill (then it does not compete with those for the CPU). */
  private spawner: Spawner | undefined;
  /** The launcher call the spawner last started for this pool: its plan is kept there until this pool plans again or closes. */
  private launcher: LauncherCall | undefined;
  private readonly useSpawner: boolean;
  private filling = false;
  private readonly onAbort = () => void this.close({ force: true });

  constructor(private readonly launch: PlannedLaunch, private readonly options: CheckedPoolOptions, private readonly policy: PoolLimits) {
    // Each read of `pending` checks the module's files: once here.
    const pending = launch.pending;
    this.report = pending.report;
    // EXILE_POOL_DIRECT=1 (benchmarks, debugging): workers forked from this process, as before the spawner.
    this.useSpawner = pending.launcher !== undefined && process.env.EXILE_POOL_DIRECT !== '1';
    // The first workers are forked here: createPool() is synchronous anyway.
    this.filling = true;
    this.fill();
    this.filling = false;
    policy.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  run<T>(exportName: string, ...args: unknown[]): Promise<T> {
    return this.runWith({}, exportName, ...args);
  }

  runWith<T>(callOptions: RunOptions, exportName: string, ...args: unknown[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // Own properties only: a polluted Object.prototype must not impose a timeout or a signal.
      const options = ownData(callOptions ?? {});
      if (typeof exportName !== 'string') throw invalid('exportName', `must be a string, got ${typeof exportName}`, {}, { context: 'pool.run()' });
      if (this.closed) throw new ExileError(ErrorCodes.ABORTED, 'pool.run(): the pool is closed');
      const signal = options.signal;
      if (signal?.aborted) throw new ExileError(ErrorCodes.ABORTED, 'pool.run(): aborted before start', { reason: signal.reason as unknown });
      if (this.idle.length === 0 && this.queue.length >= this.options.maxQueue) {
        throw new ExileError(ErrorCodes.POOL_FULL, `pool.run(): every worker is busy and ${this.options.maxQueue} calls already wait (maxQueue)`, { maxQueue: this.options.maxQueue });
      }
      const pending: Pending = { exportName, args, resolve: resolve as (value: unknown) => void, reject, limit: { clear: () => {} }, done: false };
      pending.limit = limits('pool.run()', options.timeoutMs ?? this.policy.timeoutMs, signal, (error) => this.cancel(pending, error));
      this.queue.push(pending);
      this.dispatch();
      // Starting a worker blocks this thread for milliseconds (the launcher's fork and exec): a call
      // that got a worker has it replaced once it has answered (returned()); one that waits may need one now.
      if (pending.worker === undefined) this.fill();
    });
  }

  close(closeOptions: { force?: boolean } = {}): Promise<void> {
    const options = ownData(closeOptions ?? {});
    this.closed = true;
    this.policy.signal?.removeEventListener('abort', this.onAbort);
    if (options.force === true) {
      for (const pending of this.queue.splice(0)) this.settle(pending, () => pending.reject(new ExileError(ErrorCodes.ABORTED, 'pool.run(): the pool was closed')));
      for (const worker of this.busy) worker.kill(new ExileError(ErrorCodes.ABORTED, 'pool.run(): the pool was closed; the worker was killed'));
    }
    this.closing ??= new Promise<void>((resolve) => {
      this.drained = resolve;
    }).then(async () => {
      while (this.requested.size > 0) await Promise.all(this.requested);
      const workers = [...this.all];
      for (const worker of workers) worker.kill();
      await Promise.all(workers.map((worker) => worker.exited));
      if (this.spawner !== undefined) {
        if (this.launcher !== undefined) this.spawner.forgetPlan(this.launcher);
        await releaseSpawner(this.spawner);
      }
    });
    this.dispatch();
    return this.closing;
  }

  stats(): PoolStats {
    return { idle: this.idle.length, busy: this.busy.size, starting: this.starting.size + this.requested.size, queued: this.queue.length, started: this.started, failed: this.failed };
  }

  /**
   * Starts one worker; it joins `idle` once ready. Through the spawner when there is one (after the
   * first fill), so this thread only sends a message: it never waits for a fork.
   */
  private spawn(): void {
    // Read once per start: it checks whether the module's files changed since they were planned.
    const pending = this.launch.pending;
    const launcher = pending.launcher;
    if (!this.useSpawner || launcher === undefined || this.filling) {
      this.adopt(new LaunchedChild(this.launch, pending.start()));
      return;
    }
    // A spawner killed from outside took its workers with it (their calls failed): the next worker gets a new one.
    if (this.spawner?.gone === true) {
      void releaseSpawner(this.spawner);
      this.spawner = undefined;
    }
    this.spawner ??= acquireSpawner();
    // Planned again (the module's files changed): the spawner lets the old plan go.
    if (this.launcher !== undefined && this.launcher !== launcher) this.spawner.forgetPlan(this.launcher);
    this.launcher = launcher;
    const request: Promise<void> = this.spawner.start(launcher).then((child) => {
      this.requested.delete(request);
      this.adopt(new LaunchedChild(this.launch, Object.assign(child as unknown as ChildProcess, { report: pending.report })));
      child.deliver();
    }, (error: Error) => {
      this.requested.delete(request);
      this.started++;
      this.failed++;
      // As a worker that cannot start: the calls waiting for one hear why.
      for (const pending of this.queue.splice(0)) this.settle(pending, () => pending.reject(error));
      this.dispatch();
    });
    this.requested.add(request);
  }

  private adopt(worker: LaunchedChild): LaunchedChild {
    this.started++;
    this.all.add(worker);
    this.starting.add(worker);
    this.uses.set(worker, 0);
    worker.ref(this.held);
    worker.onReady = () => {
      this.starting.delete(worker);
      this.idle.push(worker);
      this.dispatch();
    };
    worker.onEnd = (error) => {
      const wasStarting = this.starting.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      this.forget(worker);
      // A worker that cannot start fails the calls waiting for one (its error says why) instead of
      // being restarted in a loop; the next call tries again.
      if (wasStarting) for (const pending of this.queue.splice(0)) this.settle(pending, () => pending.reject(error));
      else this.fill();
      this.hold();
    };
    return worker;
  }

  /** `worker` is gone (or going): no longer counted; `all` keeps it until its process has exited, for close(). */
  private forget(worker: LaunchedChild): void {
    this.uses.delete(worker);
    if (!worker.retired) this.failed++;
    void worker.exited.then(() => this.all.delete(worker));
  }

  /** Workers that will take a call without a new start: idle, starting, and busy ones with uses left. */
  private available(): number {
    let returning = 0;
    for (const worker of this.busy) if ((this.uses.get(worker) ?? 0) < this.options.maxUses) returning++;
    return this.idle.length + this.starting.size + this.requested.size + returning;
  }

  /** Keeps `size` workers ready (once closed, only as many as queued calls need). */
  private fill(): void {
    const target = this.closed ? Math.min(this.options.size, this.queue.length) : this.options.size;
    while (this.available() < target) this.spawn();
  }

  private dispatch(): void {
    while (this.queue.length > 0 && this.idle.length > 0 && this.busy.size < this.options.size) {
      const pending = this.queue.shift()!;
      const worker = this.idle.shift()!;
      const uses = this.uses.get(worker)! + 1;
      this.uses.set(worker, uses);
      this.busy.add(worker);
      pending.worker = worker;
      const last = uses >= this.options.maxUses;
      // The worker is accounted for before the caller hears the answer (stats() then adds up).
      worker.call({ export: pending.exportName, args: pending.args }, last).then(
        (value) => { this.returned(worker, last); this.settle(pending, () => pending.resolve(value)); },
        (error: Error) => { this.returned(worker, last); this.settle(pending, () => pending.reject(error)); },
      );
    }
    if (this.queue.length === 0 && this.busy.size === 0) this.drained?.();
    this.hold();
  }

  /**
   * Workers keep this process alive while calls wait or run, or while the pool closes; idle ones
   * do not, so a pool nobody closed does not hang its process's exit (its workers then read the
   * end of their channel and exit).
   */
  private hold(): void {
    const held = this.queue.length > 0 || this.busy.size > 0 || this.closing !== undefined;
    if (held === this.held) return;
    this.held = held;
    for (const worker of this.all) worker.ref(held);
  }

  /** A call on `worker` settled: it goes back to idle, or (last use, or gone) is replaced. */
  private returned(worker: LaunchedChild, last: boolean): void {
    this.busy.delete(worker);
    if (worker.ended) this.forget(worker);
    else if (last || this.closed) {
      worker.kill();
      this.forget(worker);
    }
    else this.idle.push(worker);
    this.dispatch();
    // After the caller has heard the answer.
    setImmediate(() => this.fill());
  }

  /** A timeout or abort: a queued call just leaves the queue; a running one kills its worker. */
  private cancel(pending: Pending, error: ExileError): void {
    if (pending.worker !== undefined) {
      pending.worker.kill(error);
      return;
    }
    const at = this.queue.indexOf(pending);
    if (at >= 0) this.queue.splice(at, 1);
    this.settle(pending, () => pending.reject(error));
    this.dispatch();
  }

  private settle(pending: Pending, fn: () => void): void {
    if (pending.done) return;
    pending.done = true;
    pending.limit.clear();
    fn();
  }
}

/**
 * A pool of sandboxed Node workers for the functions a module exports, started before the
 * calls arrive. Each worker starts exactly as `launch()` starts its child (namespaces, caps,
 * no_new_privs and Landlock before exec; the module loaded; then the seccomp filter on every
 * thread) and then waits for a call, so a call costs one round trip plus the work.
 *
 * Single use by default: a worker serves one call and is killed, so nothing one call leaves
 * behind (globals, module state, files, a compromised heap, random state) reaches another.
 * `maxUses: N` lets a worker serve N calls in a row: faster, and one call can then see what an
 * earlier one left. `warmup` names calls every worker makes on its own, with the creator's
 * arguments, after its filter is installed and before it takes a call (so the call finds its code
 * compiled); what they leave is what every call starts from, and one that fails fails the
 * worker's start. At most `size` calls run at once and `size` idle workers are kept ready;
 * more calls queue (at most `maxQueue`, then `ERR_EXILE_POOL_FULL`). A worker that dies is
 * replaced; its call rejects with a typed `ExileError`. Results, errors (`ExileRemoteError`),
 * violations (`ERR_EXILE_VIOLATION`), `timeoutMs` (from the policy, or per call with
 * `runWith`) and `signal` work as in `launch()`; `policy.signal` force-closes the pool. Idle
 * workers do not keep the process alive. The policy and options are checked here, so a bad or
 * (in strict mode) unenforceable policy throws before any worker starts.
 */
/** The policy's own limits, read once: an inherited `timeoutMs` or `signal` is no one's choice. */
type PoolLimits = Pick<ReturnType<typeof splitLimits>, 'timeoutMs' | 'signal'>;

export function createPool(policy: LaunchPolicy, options: PoolOptions): Pool {
  const start = now();
  const checked = poolOptions(options);
  const { sandbox, signal, timeoutMs } = splitLimits(policy);
  if (signal?.aborted) throw new ExileError(ErrorCodes.ABORTED, 'createPool(): aborted before start', { reason: signal.reason as unknown });
  const planned = planLaunch(sandbox, { module: moduleUrl(checked.module, 'createPool()', 'options.module') }, 'pool.run()', start, {},
    { calls: checked.warmup, path: 'options.warmup' });
  return new WorkerPool(planned, checked, { timeoutMs, signal });
}
