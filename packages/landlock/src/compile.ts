import { abi } from './abi.js';
import { modelPath, modelPort, type RulesetModel } from './evaluate.js';
import { handledMasks, isEmpty, logMask, planRuleset, rulesetAttr, type KernelView, type NotEnforced } from './plan.js';
import { resolvePath } from './resolve.js';
import type { FsAccess, NetAccess, Scope } from './rights.js';
import { allowedOn, planRules, type PathKind } from './rules.js';
import { normalizeSpec, type LandlockSpec } from './spec.js';
import {
  ADD_RULE_QUIET, PATH_BENEATH_FD_OFFSET, RESTRICT_SELF_TSYNC, RULE_NET_PORT, RULE_PATH_BENEATH, TSYNC_ABI,
  encodeNetPort, encodePathBeneath,
} from './uapi.js';
import { encodeRuleset, type FixedRule, type PathRule } from './wire.js';

/** A spec compiled for another executor: exile-launch applies `ruleset` right before `execve`. */
export interface CompiledRuleset {
  /** The ABI planned for; 0 when nothing can be applied. */
  abi: number;
  /** The ruleset as exile-launch takes it (`@exile/namespaces` pre-exec step `{ type: 'landlock', ruleset }`);
   *  empty when nothing can be applied. Opaque outside this package. */
  ruleset: Uint8Array;
  /** The rights and scopes the ruleset handles. */
  handled: { fs: FsAccess[]; net: NetAccess[]; scope: Scope[] };
  /** Every path rule: the path as the spec gave it, the file the rule is on (symlinks resolved now,
   *  once) and the spec entries that named it. */
  paths: { given: string; path: string; where: string[] }[];
  /** As in LandlockStatus, before anything is applied: `none` when nothing can be. */
  enforced: 'full' | 'partial' | 'none';
  notEnforced: NotEnforced[];
  /** The same rules for predicting the kernel's answers in user space (`missingFsRights`, `deniesPort`). */
  model: RulesetModel;
}

export interface CompileOptions {
  /** Paths that exist only in the child (a /proc the launcher mounts afresh): rules at or beneath
   *  them are opened as written, without the identity check. */
  asIs?: readonly string[];
}

/**
 * Validates `spec`, takes every compat decision (hard mode throws ERR_EXILE_UNSUPPORTED, as
 * `restrict()` does) and resolves every path once: the ruleset as bytes for exile-launch, which
 * opens each rule's resolved path without following a symlink and fails closed when it is no
 * longer the file planned here. Nothing is opened or applied. `kernel` defaults to `abi()` (with
 * the EXILE_LANDLOCK_ABI_MAX cap). A missing path throws ERR_EXILE_INVALID_POLICY unless the spec
 * says `missingPaths: 'ignore'`.
 */
export function compile(spec: LandlockSpec, kernel: KernelView = abi(), options: CompileOptions = {}): CompiledRuleset {
  const normalized = normalizeSpec(spec);
  const plan = planRuleset(normalized, kernel, 'launcher');
  if (isEmpty(plan)) {
    return { abi: 0, ruleset: new Uint8Array(0), handled: plan.handled, paths: [], enforced: 'none', notEnforced: plan.notEnforced,
      model: { abi: 0, handled: { fs: [], net: [] }, paths: [], ports: [] } };
  }
  const handled = handledMasks(plan);
  // One cache of resolved directories for the whole spec: many rules share their parents.
  const parents = new Map<string, string>();
  const resolved = (normalized.fs ?? []).map((grant) => resolvePath(grant, normalized.missingPaths, options.asIs ?? [], parents));
  const kinds = new Map<string, PathKind>(resolved.map((r) => [r.grant.path, r.kind]));
  const { ports, notEnforced } = planRules(plan, normalized.fs ?? [], kinds, normalized.net?.ports ?? []);
  const quietPaths = plan.quiet.fs.length > 0;
  const paths: PathRule[] = resolved.filter((r) => typeof r.kind === 'string'
    && (allowedOn('dir', r.grant.access, handled.fs) !== 0 || (quietPaths && r.grant.quiet === true)))
    .map((r) => {
      const quiet = quietPaths && r.grant.quiet === true;
      return {
        type: RULE_PATH_BENEATH, addFlags: quiet ? ADD_RULE_QUIET : 0, path: r.path, fdOffset: PATH_BENEATH_FD_OFFSET,
        ...(r.identity === undefined ? {} : { identity: r.identity }),
        dir: encodePathBeneath(allowedOn('dir', r.grant.access, handled.fs), 0),
        file: fileRule(allowedOn('file', r.grant.access, handled.fs), quiet),
      };
    });
  const portRules: FixedRule[] = ports.map((rule) => ({
    type: RULE_NET_PORT, addFlags: rule.quiet ? ADD_RULE_QUIET : 0, rule: encodeNetPort(rule.allowed, rule.port),
  }));
  const model: RulesetModel = {
    abi: plan.abi, handled: { fs: plan.handled.fs, net: plan.handled.net },
    paths: resolved.flatMap((r) => (typeof r.kind === 'string' && allowedOn(r.kind, r.grant.access, handled.fs) !== 0
      ? [modelPath(r.path, r.kind === 'dir', allowedOn(r.kind, r.grant.access, handled.fs))] : [])),
    ports: ports.map((rule) => modelPort(rule.port, rule.allowed)),
  };
  const restrictFlags = (plan.abi >= TSYNC_ABI ? RESTRICT_SELF_TSYNC : 0) | logMask(plan);
  return {
    abi: plan.abi,
    ruleset: encodeRuleset(rulesetAttr(plan), restrictFlags, [...paths, ...portRules]),
    handled: plan.handled,
    paths: resolved.filter((r) => typeof r.kind === 'string').map((r) => ({ given: r.grant.path, path: r.path, where: r.grant.where })),
    enforced: plan.partial ? 'partial' : 'full',
    notEnforced: [...plan.notEnforced, ...notEnforced],
    model,
  };
}

/** A rule on a non-directory keeps only the file rights; none left: nothing to add there, unless
 *  the rule is there to be quiet. */
function fileRule(allowed: number, quiet: boolean): Uint8Array {
  return allowed === 0 && !quiet ? new Uint8Array(0) : encodePathBeneath(allowed, 0);
}
