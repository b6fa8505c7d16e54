import { ErrorCodes, ExileError, callNative } from '@exile/common';
import { abi } from './abi.js';
import { enforce, preflight } from './enforce.js';
import { errnoOf, native } from './native.js';
import { handledMasks, isEmpty, planRuleset, type NotEnforced, type RulesetPlan } from './plan.js';
import { planRules, type PathKind } from './rules.js';
import { normalizeSpec, type LandlockSpec, type NormalizedSpec } from './spec.js';
import { statusOf, type LandlockStatus } from './status.js';
import { RULE_NET_PORT, RULE_PATH_BENEATH, encodeNetPort, encodePathBeneath, encodeRulesetAttr } from './uapi.js';

/** Errnos that mean "this path does not exist" (a missing component or a non-directory on the way). */
const MISSING = ['ENOENT', 'ENOTDIR'];

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
        throw new ExileError(ErrorCodes.INVALID_POLICY,
          `landlock spec: ${where}: ${grant.path} does not exist (${errno}); create it first or set missingPaths: 'ignore'`,
          { path: where, file: grant.path, errnoName: errno }, { cause: error });
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
    rulesetFd = callNative('landlock: create ruleset', () => native.createRuleset(encodeRulesetAttr(plan.abi, handledMasks(plan))));
    for (const rule of rules.paths) {
      const fd = pathFds.get(rule.path) ?? -1;
      callNative(`landlock: add rule for ${rule.path}`, () => native.addRule(rulesetFd, RULE_PATH_BENEATH, encodePathBeneath(rule.allowed, fd)));
    }
    for (const rule of rules.ports) {
      callNative(`landlock: add rule for port ${rule.port}`, () => native.addRule(rulesetFd, RULE_NET_PORT, encodeNetPort(rule.allowed, rule.port)));
    }
    return { rulesetFd, notes: rules.notEnforced };
  } catch (error) {
    if (rulesetFd >= 0) closeAll([rulesetFd]);
    throw error;
  } finally {
    closeAll(pathFds.values());
  }
}

/**
 * Restricts every thread of this process (and every process it starts later) to `spec`, and
 * reports exactly what is enforced. Validation, compat decisions, opening the paths and building
 * the ruleset all happen first: if any of it fails, the process is left as it was. Then
 * no_new_privs is set and the ruleset is applied — TSYNC on ABI ≥ 8, else the @exile/threads
 * broadcast. A second call stacks another domain (the two intersect; at most 16 per thread).
 *
 * @throws ExileError ERR_EXILE_INVALID_POLICY (bad spec or missing path, `details.path`),
 *   ERR_EXILE_UNSUPPORTED (hard mode: the kernel cannot enforce something; or the layer limit),
 *   ERR_EXILE_IO_URING (an SQPOLL ring exists), ERR_EXILE_THREADS (a thread was not reached),
 *   ERR_EXILE_SYSCALL.
 */
export function restrict(spec: LandlockSpec): LandlockStatus {
  const normalized = normalizeSpec(spec);
  const plan = planRuleset(normalized, abi());
  if (isEmpty(plan)) return statusOf(plan, 0, []);
  preflight();
  const { rulesetFd, notes } = prepare(normalized, plan);
  // On failure the ruleset fd stays open on purpose: a late thread may still be applying it.
  const count = enforce(rulesetFd, plan.mechanism);
  closeAll([rulesetFd]);
  return statusOf(plan, count, notes);
}
