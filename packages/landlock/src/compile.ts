import { abi } from './abi.js';
import { handledMasks, planRuleset, type KernelView, type NotEnforced } from './plan.js';
import { allowedOn, referNote } from './rules.js';
import { NET_RIGHTS, maskOf } from './rights.js';
import { normalizeSpec, type LandlockSpec } from './spec.js';
import { RESTRICT_SELF_TSYNC, TSYNC_ABI, rulesetAttrSize } from './uapi.js';

/** A spec compiled to the numbers another executor (e.g. a launcher before `execve`) needs. */
export interface CompiledRuleset {
  /** The ABI planned for; `attrSize` is its struct landlock_ruleset_attr size. 0: nothing to apply. */
  abi: number;
  attrSize: number;
  /** handled_access_fs, handled_access_net, scoped. */
  handled: { fs: number; net: number; scoped: number };
  /** PATH_BENEATH rules: `access` when the path is a directory, `fileAccess` when it is not (the
   *  kernel rejects directory-only rights on a file). A rule whose chosen mask is 0 must be skipped. */
  paths: { path: string; access: number; fileAccess: number; where: string[] }[];
  /** NET_PORT rules. */
  ports: { port: number; access: number }[];
  /** landlock_restrict_self flags: TSYNC from ABI 8 (harmless in a single-threaded launcher). */
  restrictFlags: number;
  missingPaths: 'error' | 'ignore';
  /** As in LandlockStatus, before anything is applied: `none` when nothing can be. */
  enforced: 'full' | 'partial' | 'none';
  notEnforced: NotEnforced[];
}

/**
 * Validates `spec` and takes every compat decision (hard mode throws ERR_EXILE_UNSUPPORTED, as
 * `restrict()` does) without opening or applying anything: the ruleset as plain numbers, for an
 * executor such as @exile/namespaces' launcher. `kernel` defaults to `abi()` (with the
 * EXILE_LANDLOCK_ABI_MAX cap).
 */
export function compile(spec: LandlockSpec, kernel: KernelView = abi()): CompiledRuleset {
  const normalized = normalizeSpec(spec);
  const plan = planRuleset(normalized, kernel);
  const handled = handledMasks(plan);
  const nothing = handled.fs === 0 && handled.net === 0 && handled.scoped === 0;
  const paths = (normalized.fs ?? []).map((grant) => ({
    path: grant.path, access: allowedOn('dir', grant.access, handled.fs), fileAccess: allowedOn('file', grant.access, handled.fs), where: grant.where,
  })).filter((rule) => rule.access !== 0);
  const ports = (normalized.net?.ports ?? []).map((grant) => ({ port: grant.port, access: maskOf(NET_RIGHTS, grant.access) & handled.net }))
    .filter((rule) => rule.access !== 0);
  return {
    abi: nothing ? 0 : plan.abi, attrSize: nothing ? 0 : rulesetAttrSize(plan.abi), handled, paths, ports,
    restrictFlags: plan.abi >= TSYNC_ABI ? RESTRICT_SELF_TSYNC : 0, missingPaths: normalized.missingPaths,
    enforced: nothing ? 'none' : plan.partial ? 'partial' : 'full',
    notEnforced: [...plan.notEnforced, ...referNote(plan, normalized.fs ?? [])],
  };
}
