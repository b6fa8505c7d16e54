import { now } from '../clock.js';
import type { Readable, Writable } from 'node:stream';
import { ErrorCodes, ExileError, jsonPath } from '@exile/common';
import { nativeArch } from '@exile/seccomp';
import { readViolationRecord, violationReport, type Vow } from '@exile/vows';
import { plan, type StartOptions } from '../plan/plan.js';
import { findStep, type Report } from '../plan/types.js';
import type { NormalizedPolicy, Policy } from '../policy/types.js';
import { validatePolicy } from '../policy/validate.js';
import { probe } from '../probe.js';
import { preparePlanned, type PendingChild, type SandboxedChild } from '../start/planned.js';
import { childSeccomp } from './child-seccomp.js';
import { childMessage, deframer, frame, type Call, type SentError, type Setup, type Start, type Warmup } from './protocol.js';
import { ExileRemoteError } from './remote-error.js';
import { denialOf } from '../denial/explain-denial.js';
import { runtimePaths } from './runtime-paths.js';
import { ownFile } from '../own-file.js';

/** A policy validated and planned for launched children, with what they load: done once, before any child starts. */
export interface PlannedLaunch {
  /** How to start one child: planned, its Landlock ruleset and launcher options built once, for every child alike. */
  pending: PendingChild;
  /**
   * The Setup message (target, filter, warm-up), framed once: the same bytes for every child. Its
   * seccomp filter, which each child installs on itself once its target is loaded, is compiled
   * on the first call, while the first child starts.
   */
  setup: () => Buffer;
  target: Setup['target'];
  /** The API this is for, in messages: `launch()`, `pool.run()`. */
  api: string;
  /** Turns what a function threw into the error the caller sees. */
  remoteError: (sent: SentError) => Error;
  /** The vows the filter grants: what the reporter's record of a violation is explained against. */
  vows: readonly Vow[];
  /** Calls each child makes on its own before it is ready (a pool's `warmup`, checked); `warmupPath` names them in errors. */
  warmup: readonly Warmup[];
  warmupPath: string;
}

/** The result travels back over a socket: vows always include stdio. */
function withStdio(policy: NormalizedPolicy): NormalizedPolicy {
  return policy.vows === undefined || policy.vows.includes('stdio') ? policy : { ...policy, vows: [...policy.vows, 'stdio'] };
}

/**
 * Validates and plans `policy` for a launched child (strict mode refuses here what this kernel
 * cannot enforce), and works out the paths Node needs to start. `start`: when the caller's
 * call began, for the report's time.
 */
export function planLaunch(policy: Policy, target: Setup['target'], api: string, start: number, startOptions: StartOptions = {},
  warmup: { calls: readonly Warmup[]; path: string } = { calls: [], path: '' }): PlannedLaunch {
  const normalized = withStdio(validatePolicy(policy));
  const newSession = startOptions.newSession ?? true;
  const planned = plan(normalized, probe(), 'launch', { newSession });
  const fs = normalized.fs;
  const prepare = (at: number) => {
    const runtime = fs === undefined ? undefined : runtimePaths('module' in target ? target.module : undefined, {
      policyPaths: fs === false ? [] : [...fs.read, ...fs.write, ...fs.exec], landlock: findStep(planned.steps, 'landlock') !== undefined, api,
    });
    const pending = preparePlanned(planned, normalized, process.execPath, ['--disable-warning=ExperimentalWarning', ownFile('dist', 'launch', 'bootstrap.js')], {
      // fd 3: the protocol's messages; fd 4: the violation record (see protocol.ts). exile-launch passes both through.
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'], newSession,
    }, at, runtime);
    return { runtime, pending };
  };
  let prepared = prepare(start);
  const seccomp = findStep(planned.steps, 'seccomp');
  let setup: Buffer | undefined;
  return {
    // A module's code is granted file by file, each rule on the file found when planned: once its
    // files change (a rebuild, an install replaces them), a child started on the old rules would
    // fail (ESTALE) and new files would be unreadable, so a pool's next worker is planned again.
    get pending() {
      if (prepared.runtime?.current?.() === false) {
        try {
          prepared = prepare(now());
        } catch {
          // Planning failed now (a file gone mid-walk, too many files): the old rules stay, and the start says which file changed.
        }
      }
      return prepared.pending;
    },
    setup: () => {
      if (setup !== undefined) return setup;
      const vows = seccomp === undefined ? undefined : childSeccomp(seccomp);
      setup = frame({ target, ...(vows === undefined ? {} : { seccomp: vows }), ...(warmup.calls.length === 0 ? {} : { warmup: [...warmup.calls] }) } satisfies Setup);
      return setup;
    },
    target,
    api,
    vows: seccomp?.vows ?? [],
    warmup: warmup.calls,
    warmupPath: warmup.path,
    remoteError: (sent) => {
      // Worked out here from what the function's error says (its call and path): advice, never a verdict.
      const denial = denialOf(sent, normalized);
      return new ExileRemoteError(sent, denial === undefined ? {} : { denial });
    },
  };
}

/** How much of the child's stderr, and of its violation record channel, is kept for the error that says why it ended. */
const TAIL = 8192;

function tail(kept: Buffer, chunk: Buffer): Buffer {
  const joined = Buffer.concat([kept, chunk]);
  return joined.length > TAIL ? joined.subarray(joined.length - TAIL) : joined;
}

interface Inflight {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  last: boolean;
}

/**
 * One launched Node child, started the way `launch()` starts one (exile-launch applies
 * namespaces, caps, no_new_privs and Landlock before exec; the child loads its target and
 * installs the seccomp filter on every thread), then ready for calls, one at a time. Its stdout
 * and stderr are pipes forwarded to this process's; it never holds the caller's terminal.
 * Everything it sends is checked against the protocol: anything else kills it and fails the
 * call with `ERR_EXILE_LAUNCH`.
 */
export class LaunchedChild {
  readonly report: Report;
  /** Resolves once the process has ended and its pipes are closed. */
  readonly exited: Promise<void>;
  /** Called once, when the child is ready and no call is waiting for it. */
  onReady: () => void = () => {};
  /** Called once, when the child ends while no call is running on it (it failed to start, or died idle). */
  onEnd: (error: Error) => void = () => {};

  private readonly child: SandboxedChild;
  private readonly channel: Writable & Readable;
  // node:crypto loads here, not at import: it costs every importer of @exile/core milliseconds.
  private readonly token = process.getBuiltinModule('node:crypto').randomBytes(16);
  private record: Buffer = Buffer.alloc(0);
  private stderr: Buffer = Buffer.alloc(0);
  private launchError: Error | undefined;
  private started = false;
  private over = false;
  private quiet = false;
  private inflight: Inflight | undefined;

  /** `started`: the launcher already started elsewhere (a pool), instead of `launch.pending.start()` here. */
  constructor(private readonly launch: PlannedLaunch, started?: SandboxedChild) {
    this.child = started ?? launch.pending.start();
    this.report = this.child.report;
    this.exited = new Promise((resolve) => this.child.once('close', () => resolve()));
    this.channel = this.child.stdio[3] as Writable & Readable;
    const [, stdout, stderr, , record] = this.child.stdio as Readable[];
    stdout!.on('data', (chunk: Buffer) => process.stdout.write(chunk));
    stderr!.on('data', (chunk: Buffer) => {
      this.stderr = tail(this.stderr, chunk);
      process.stderr.write(chunk);
    });
    record!.on('data', (chunk: Buffer) => { this.record = tail(this.record, chunk); });
    const onChunk = deframer((message) => this.receive(message));
    this.channel.on('data', (chunk: Buffer) => {
      try {
        onChunk(chunk);
      } catch (error) {
        this.fail(new ExileError(ErrorCodes.LAUNCH, `${this.launch.api}: the child broke the launch protocol (${(error as Error).message}); it was killed`, { pid: this.child.pid }));
      }
    });
    this.channel.on('error', () => { /* the child died: 'close' says how */ });
    this.child.on('error', (error) => {
      // exile-launch's own failure record (it precedes 'exit'), or the launcher could not start at all.
      this.launchError = error;
      if (this.child.pid === undefined) this.fail(error);
    });
    this.child.once('close', (code, signal) => this.fail(this.endedBecause(code, signal)));
    if (this.child.pid === undefined) return;
    try {
      this.channel.write(frame({ token: this.token } satisfies Start));
      this.channel.write(launch.setup());
    } catch (error) {
      // After the constructor returns, so that whoever started this child hears it.
      queueMicrotask(() => this.fail(error instanceof Error ? error : new Error(String(error))));
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Ended after answering its last call, or killed on purpose while idle: nothing went wrong. */
  get retired(): boolean {
    return this.over && this.quiet;
  }

  /** Ended: killed, retired, or gone by itself. */
  get ended(): boolean {
    return this.over;
  }

  /** Ready for a call (started and not ended) and not running one. */
  get idle(): boolean {
    return this.started && !this.over && this.inflight === undefined;
  }

  /**
   * Sends one call (also before the child is ready: it reads it once it is) and settles with its
   * answer. `last`: nothing more is read from the child after this answer, and it is killed.
   */
  call(call: Call, last: boolean): Promise<unknown> {
    if (this.over || this.inflight !== undefined) return Promise.reject(new Error('internal: call() on a child that is busy or gone'));
    return new Promise((resolve, reject) => {
      this.inflight = { resolve, reject, last };
      try {
        this.channel.write(frame(call));
      } catch (error) {
        this.inflight = undefined;
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Kills the child; a running call rejects with `reason`. onEnd is not called. */
  kill(reason: Error = new ExileError(ErrorCodes.ABORTED, `${this.launch.api}: the child was killed`)): void {
    this.end(reason, false);
  }

  /** Keeps this process alive while the child lives (true), or not. */
  ref(on: boolean): void {
    for (const handle of [this.child, ...this.child.stdio] as ({ ref?: () => void; unref?: () => void; destroyed?: boolean } | null)[]) {
      // A destroyed socket (the channel, once the child is ended) would only queue the call for a 'connect' that never comes.
      if (handle?.destroyed === true) continue;
      if (on) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  private receive(raw: unknown): void {
    if (this.over) return;
    const message = childMessage(raw);
    if (message.type === 'ready') {
      if (this.started) throw new Error('a second "ready"');
      this.started = true;
      if (this.inflight === undefined) this.onReady();
      return;
    }
    if (!this.started) {
      // The target failed to load or the filter to install (the child exits), or a result out of turn.
      if (message.type !== 'error') throw new Error('a result before "ready"');
      if (message.warmup !== undefined && message.warmup >= this.launch.warmup.length) throw new Error('an error of a warm-up it was not given');
      this.end(message.warmup === undefined ? this.launch.remoteError(message.error) : this.warmupFailed(message.warmup, message.error));
      return;
    }
    const inflight = this.inflight;
    // An answer nobody asked for: a leftover of an earlier call, or forged.
    if (inflight === undefined) throw new Error('an answer without a call');
    this.inflight = undefined;
    if (inflight.last || (message.type === 'error' && message.final === true)) this.end(undefined);
    // What the child wrote to stdout/stderr before answering was in those pipes before the answer
    // reached the channel, so this turn of the event loop reads and forwards it (any order among
    // the three): the caller hears the answer after its output.
    setImmediate(() => (message.type === 'result' ? inflight.resolve(message.value) : inflight.reject(this.launch.remoteError(message.error))));
  }

  /** A warm-up call threw (`index` of the setup's): the child does not start, and says why in a typed error. */
  private warmupFailed(index: number, sent: SentError): ExileError {
    const warmup = this.launch.warmup[index];
    const path = jsonPath(this.launch.warmupPath, index);
    return new ExileError(ErrorCodes.LAUNCH, `${this.launch.api}: the worker's warm-up ${path} (${JSON.stringify(warmup?.export)}) threw ${sent.name}: ${sent.message}; the worker did not start`,
      { path, remote: sent }, { cause: this.launch.remoteError(sent) });
  }

  /** Why the child ended, from what only the kernel and exile-launch say: the wait status, the launcher's record, the reporter's record. */
  private endedBecause(code: number | null, signal: NodeJS.Signals | null): Error {
    const record = signal === 'SIGSYS' ? readViolationRecord(this.record, this.token) : undefined;
    if (record !== undefined) {
      // The call as the kernel trapped it, explained here the way the child's reporter explained it on its stderr.
      const { syscall, vows, line } = violationReport(record, this.launch.vows, nativeArch() ?? process.arch);
      // Before Ready the filter is in force only while the warm-up runs (the module loads before it).
      const warming = !this.started && this.launch.warmup.length > 0;
      const who = warming ? `the worker's warm-up (${this.launch.warmupPath}) broke its policy, so the worker did not start` : 'the function broke its policy';
      return new ExileError(ErrorCodes.VIOLATION, `${this.launch.api}: ${who}: ${line.slice('exile: '.length).trimEnd()}`,
        { syscall, vows, args: record.args, signal, ...(warming ? { path: this.launch.warmupPath } : {}) });
    }
    return this.launchError ?? new ExileError(ErrorCodes.LAUNCH, `${this.launch.api}: the child ended (${signal ?? `exit ${code}`}) without an answer`,
      { code, signal, stderr: this.stderr.toString() });
  }

  /** An unexpected end: kills the child and fails what was waiting on it (its call, or else onEnd). */
  private fail(error: Error): void {
    if (!this.over) this.end(error);
  }

  /**
   * Ends this child (once): kills it and stops reading from it. With an error, the running call
   * rejects with it, or, with none running, onEnd hears it; without one (retired, or killed on
   * purpose with nothing running) nobody is told.
   */
  private end(error: Error | undefined, notify = true): void {
    if (this.over) return;
    this.over = true;
    this.child.kill('SIGKILL');
    this.channel.removeAllListeners('data');
    this.channel.destroy();
    const inflight = this.inflight;
    this.inflight = undefined;
    this.quiet = error === undefined || (inflight === undefined && !notify && this.started);
    if (error === undefined) return;
    if (inflight !== undefined) inflight.reject(error);
    else if (notify) this.onEnd(error);
  }
}
