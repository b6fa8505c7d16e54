import { ErrorCodes, ExileError, callNative } from '@exile/common';
import { prepareBroadcast, requireEngine, type BroadcastReport, type IoUringRings, type ThreadOp } from '@exile/threads';
import { abi } from './abi.js';
import { prepareEnforce, preflight, type Enforced } from './enforce.js';
import { errnoOf, native } from './native.js';
import { isEmpty, logMask, planRuleset, rulesetAttr, type NotEnforced, type RulesetPlan } from './plan.js';
import { MISSING, missingPath } from './resolve.js';
import { planRules, type PathKind } from './rules.js';
import { normalizeSpec, type LandlockSpec, type NormalizedSpec } from './spec.js';
import { statusOf, type LandlockStatus } from './status.js';
import { ADD_RULE_QUIET, RULE_NET_PORT, RULE_PATH_BENEATH, encodeNetPort, encodePathBeneath } from './uapi.js';

/** Opens every spec path O_PATH|O_CLOEXEC. On error every fd opened so far is closed. */
function openPaths(spec: NormalizedSpec, fds: Map<string, number>): Map<string, PathKind> {
  const kinds = new Map<string, PathKind>();
  for (const grant of spec.fs ?? []) {
    try {
      const [fd, isDir] = callNative(`landlock: open ${grant.path}`, () => native.openPath(grant.path));
      fds.set(grant.path, fd);
      kinds.set(grant.path, isDir ? 'dir' : 'file');
    } catch (error) {
      const errno = errnoOf(error);
      const where = grant.where[0] ?? 'fs';
      if (errno !== undefined && MISSING.includes(errno)) {
        if (spec.missingPaths === 'ignore') {
          kinds.set(grant.path, { missing: errno });
          continue;
        }
        throw missingPath(grant, errno, error);
      }
      throw new ExileError(ErrorCodes.SYSCALL, `landlock spec: ${where}: cannot open ${grant.path} (${errno ?? String(error)})`,
        { path: where, file: grant.path, errnoName: errno }, { cause: error });
    }
  }
  return kinds;
}

function closeAll(fds: Iterable<number>): void {
  for (const fd of fds) {
    try {
      native.close(fd);
    } catch {
      // Closing an O_PATH fd cannot fail in a way that matters here.
    }
  }
}

/** Everything reversible: open paths, create the ruleset, add the rules. Returns the ruleset fd. */
function prepare(spec: NormalizedSpec, plan: RulesetPlan): { rulesetFd: number; notes: NotEnforced[] } {
  const pathFds = new Map<string, number>();
  let rulesetFd = -1;
  try {
    const kinds = openPaths(spec, pathFds);
    const rules = planRules(plan, spec.fs ?? [], kinds, spec.net?.ports ?? []);
    rulesetFd = callNative('landlock: create ruleset', () => native.createRuleset(rulesetAttr(plan)));
    for (const rule of rules.paths) {
      const fd = pathFds.get(rule.path) ?? -1;
      callNative(`landlock: add rule for ${rule.path}`, () => native.addRule(rulesetFd, RULE_PATH_BENEATH, encodePathBeneath(rule.allowed, fd), rule.quiet ? ADD_RULE_QUIET : 0));
    }
    for (const rule of rules.ports) {
      callNative(`landlock: add rule for port ${rule.port}`, () => native.addRule(rulesetFd, RULE_NET_PORT, encodeNetPort(rule.allowed, rule.port), rule.quiet ? ADD_RULE_QUIET : 0));
    }
    return { rulesetFd, notes: rules.notEnforced };
  } catch (error) {
    if (rulesetFd >= 0) closeAll([rulesetFd]);
    throw error;
  } finally {
    closeAll(pathFds.values());
  }
}

/** Options of `prepareRestrict()`. */
export interface PrepareRestrictOptions {
  /**
   * A caller's own per-thread ops, run on every thread right after the restrict, in the same round
   * over the threads (`@exile/core` drops capabilities this way): `enforceWithReport()` returns
   * that broadcast's report.
   */
  after?: readonly ThreadOp[];
  /**
   * This process's io_uring rings as the caller has just read them with `@exile/threads`' `ioUring()`
   * (`@exile/core` reads them to plan): the check for SQPOLL rings before preparing takes them
   * instead of listing every file descriptor again. `enforce()` always checks afresh.
   */
  rings?: IoUringRings;
}

/** A Landlock ruleset built and checked for this process but not applied: `prepareRestrict()`'s result. */
export interface PreparedRestrict {
  /** What `enforce()` will apply; `threads` is 0 and `enforced` `none` until then. */
  readonly status: LandlockStatus;
  /** `enforce()` sets no_new_privs on every thread: there is a ruleset to apply on this kernel. */
  readonly restricts: boolean;
  /**
   * Sets no_new_privs and applies the ruleset to every thread — the point of no return — then
   * closes it. Checks again for io_uring SQPOLL rings (one may have been created since). Once.
   *
   * @throws ExileError ERR_EXILE_IO_URING, ERR_EXILE_THREADS, ERR_EXILE_UNSUPPORTED (the layer
   *   limit), ERR_EXILE_INVALID_POLICY (already enforced or closed).
   */
  enforce(): LandlockStatus;
  /**
   * `enforce()`, also returning the report of the broadcast that ran the ruleset and the `after`
   * ops (`threads`; absent when no broadcast ran: under TSYNC without `after` ops, or nothing to apply).
   */
  enforceWithReport(): { status: LandlockStatus; threads?: BroadcastReport };
  /** Closes the ruleset without applying it (a caller that gave up before its point of no return). */
  close(): void;
}

/**
 * `restrict()` in two halves: validates `spec`, decides what this kernel can enforce, opens every
 * path, builds the ruleset and prepares the broadcast — all that can fail for a reason known in
 * advance — changing nothing but holding one file descriptor; `enforce()` is the rest. A caller
 * with a point of no return (`@exile/core`'s `prepare()`) builds the ruleset long before it applies it.
 *
 * @throws like `restrict()`, except ERR_EXILE_THREADS.
 */
export function prepareRestrict(spec: LandlockSpec, opts: PrepareRestrictOptions = {}): PreparedRestrict {
  const normalized = normalizeSpec(spec);
  const after = opts.after ?? [];
  const plan = planRuleset(normalized, abi());
  const none = statusOf(plan, 0, []);
  if (isEmpty(plan)) {
    const rest = after.length === 0 ? undefined : prepareBroadcast(after);
    const enforceWithReport = (): { status: LandlockStatus; threads?: BroadcastReport } =>
      (rest === undefined ? { status: none } : { status: none, threads: rest.run() });
    return { status: none, restricts: false, enforce: () => none, enforceWithReport, close: () => undefined };
  }
  // Without TSYNC only the engine reaches every thread: know it is there before opening anything.
  if (plan.mechanism === 'broadcast') requireEngine('landlock: restricting every thread on a kernel without TSYNC');
  preflight(opts.rings);
  const { rulesetFd, notes } = prepare(normalized, plan);
  let enforceNow: () => Enforced;
  try {
    enforceNow = prepareEnforce(rulesetFd, plan.mechanism, logMask(plan), after);
  } catch (error) {
    closeAll([rulesetFd]);
    throw error;
  }
  let state: 'ready' | 'used' = 'ready';
  // In parentheses, V8 compiles these with prepareRestrict(), not at their first call inside enforce().
  const use = (function use(): void {
    if (state !== 'ready') throw new ExileError(ErrorCodes.INVALID_POLICY, 'landlock: this prepared ruleset was enforced or closed already; prepare another', {});
    state = 'used';
  });
  const enforceWithReport = (function enforceWithReport(): { status: LandlockStatus; threads?: BroadcastReport } {
    use();
    preflight();
    // On failure the ruleset fd stays open on purpose: a late thread may still be applying it.
    const { count, threads } = enforceNow();
    closeAll([rulesetFd]);
    return threads === undefined ? { status: statusOf(plan, count, notes) } : { status: statusOf(plan, count, notes), threads };
  });
  return {
    status: statusOf(plan, 0, notes),
    restricts: true,
    enforce: () => enforceWithReport().status,
    enforceWithReport,
    close(): void {
      use();
      closeAll([rulesetFd]);
    },
  };
}

/**
 * Restricts every thread of this process (and every process it starts later) to `spec`, and
 * reports exactly what is enforced. Validation, compat decisions, opening the paths and building
 * the ruleset all happen first: if any of it fails, the process is left as it was. Then
 * no_new_privs is set and the ruleset is applied — TSYNC on ABI ≥ 8, else the @exile/threads
 * broadcast. A second call stacks another domain (the two intersect; at most 16 per thread).
 * `prepareRestrict(spec).enforce()`.
 *
 * @throws ExileError ERR_EXILE_INVALID_POLICY (bad spec or missing path, `details.path`),
 *   ERR_EXILE_UNSUPPORTED (hard mode: the kernel cannot enforce something; or the layer limit),
 *   ERR_EXILE_UNSUPPORTED also where @exile/threads' engine is not built and the kernel has no TSYNC,
 *   ERR_EXILE_IO_URING (an SQPOLL ring exists), ERR_EXILE_THREADS (a thread was not reached),
 *   ERR_EXILE_SYSCALL.
 */
export function restrict(spec: LandlockSpec): LandlockStatus {
  return prepareRestrict(spec).enforce();
}
