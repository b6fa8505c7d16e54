import { ErrorCodes, ExileError } from '@exile/common';
import type { LandlockAvailability } from './abi.js';
import { FS_RIGHTS, NEWEST_ABI, NET_RIGHTS, SCOPES, knownAt, maskOf, type FsAccess, type NetAccess, type Scope } from './rights.js';
import { normalizeSpec, type LandlockSpec, type NormalizedSpec } from './spec.js';
import { ERRATUM_SCOPED_SIGNAL_SAME_PROCESS, LOG_FLAGS, QUIET_ABI, TSYNC_ABI, encodeRulesetAttr, type LogFlag } from './uapi.js';

/** What the library believes about the kernel (after the EXILE_LANDLOCK_ABI_MAX cap). */
export interface KernelView {
  abi: number;
  errata: number;
  status: LandlockAvailability;
}

/**
 * Who applies the ruleset. `process`: restrict() on every thread of this process (TSYNC, or the
 * broadcast that gives each thread its own domain). `launcher`: exile-launch, one thread right
 * before execve, so every thread the program later starts shares that one domain.
 */
export type Enforcer = 'process' | 'launcher';

/** Something the spec asked for, or the kernel could handle, that is not in the ruleset. */
export interface NotEnforced {
  what: string;
  reason: string;
  /** Set on rights and scopes (`fs:…`, `net:…`, `scope:…`): whether the spec's target ABI requires
   *  it (hard mode refuses then). Absent on notes about single rules. */
  required?: boolean;
}

/** The ruleset-level decisions: every compat question answered before anything is opened. */
export interface RulesetPlan {
  /** The ABI used (kernel's, capped, at most NEWEST_ABI). 0 when Landlock is unusable. */
  abi: number;
  /** The lowest ABI that defines everything the spec names or implies. */
  targetAbi: number;
  handled: { fs: FsAccess[]; net: NetAccess[]; scope: Scope[] };
  /** The audit-log flags the domain is restricted with. */
  log: LogFlag[];
  /** The rights whose denials are not logged on quiet paths and ports, and the quiet scopes. */
  quiet: { fs: FsAccess[]; net: NetAccess[]; scope: Scope[] };
  mechanism: 'tsync' | 'broadcast';
  /** Items dropped: required ones make the result `partial`, the others are informational. */
  notEnforced: NotEnforced[];
  /** A required item was dropped (best-effort only; hard mode throws instead). */
  partial: boolean;
}

/** One right or scope a spec touches, and whether its target ABI requires it. */
interface Item {
  kind: 'fs' | 'net' | 'scope' | 'log' | 'quiet';
  name: string;
  what: string;
  abi: number;
  required: boolean;
}

/** Lowest ABI defining every right the spec names or implies (`log` and `quiet` are required on
 *  their own: they change what is logged, not which rights a kernel must know). A file-system spec implies refer and
 *  truncate (ABI 3); net implies TCP (4); scopes need 6; UDP needs 10; named rights their own ABI. */
export function targetAbi(spec: NormalizedSpec): number {
  let target = 0;
  if (spec.fs !== undefined) {
    target = 3;
    for (const grant of spec.fs) {
      for (const info of Object.values(FS_RIGHTS)) {
        if ((grant.named & info.value) !== 0) target = Math.max(target, info.abi);
      }
    }
  }
  if (spec.net !== undefined) target = Math.max(target, 4, ...spec.net.named.map((name) => NET_RIGHTS[name].abi));
  if (spec.scope.length > 0) target = Math.max(target, ...spec.scope.map((name) => SCOPES[name].abi));
  return target;
}

/** Every restriction the spec requires at its target ABI, plus the newer ones it would get on a
 *  newer kernel (`required: false`). */
function wanted(spec: NormalizedSpec, target: number): Item[] {
  const items: Item[] = [];
  if (spec.fs !== undefined) {
    for (const name of knownAt(FS_RIGHTS, NEWEST_ABI)) {
      items.push({ kind: 'fs', name, what: `fs:${name}`, abi: FS_RIGHTS[name].abi, required: FS_RIGHTS[name].abi <= target });
    }
  }
  if (spec.net !== undefined) {
    for (const name of knownAt(NET_RIGHTS, NEWEST_ABI)) {
      items.push({ kind: 'net', name, what: `net:${name}`, abi: NET_RIGHTS[name].abi, required: NET_RIGHTS[name].abi <= target });
    }
  }
  for (const name of spec.scope) items.push({ kind: 'scope', name, what: `scope:${name}`, abi: SCOPES[name].abi, required: true });
  for (const flag of spec.log) items.push({ kind: 'log', name: flag, what: `log:${flag}`, abi: LOG_FLAGS[flag].abi, required: true });
  if (spec.quiet !== undefined) items.push({ kind: 'quiet', name: 'quiet', what: 'quiet', abi: QUIET_ABI, required: true });
  return items;
}

function unavailableReason(kernel: KernelView): string {
  return kernel.status === 'available' ? 'Landlock is capped to ABI 0 by EXILE_LANDLOCK_ABI_MAX' : `Landlock is ${kernel.status} on this kernel`;
}

/**
 * Decides the ruleset for `spec` on `kernel`: handled rights, mechanism and what is dropped.
 * Hard mode throws ERR_EXILE_UNSUPPORTED naming everything required that cannot be enforced.
 */
export function planRuleset(spec: NormalizedSpec, kernel: KernelView, enforcer: Enforcer = 'process'): RulesetPlan {
  const abi = kernel.status === 'available' ? Math.min(kernel.abi, NEWEST_ABI) : 0;
  const target = targetAbi(spec);
  const mechanism = abi >= TSYNC_ABI ? 'tsync' : 'broadcast';
  const handled: RulesetPlan['handled'] = { fs: [], net: [], scope: [] };
  const log: LogFlag[] = [];
  let quiet = false;
  const missing: Required<NotEnforced>[] = [];
  for (const item of wanted(spec, target)) {
    let reason: string | undefined;
    if (abi === 0) reason = unavailableReason(kernel);
    else if (item.abi > abi) {
      reason = `${item.required ? 'requested' : 'not named by the spec'}; needs Landlock ABI ${item.abi}, this kernel has ${abi}`;
    } else if (item.name === 'signal' && enforcer === 'process' && mechanism === 'broadcast'
      && (kernel.errata & ERRATUM_SCOPED_SIGNAL_SAME_PROCESS) === 0) {
      // The broadcast gives every thread its own domain; without erratum 2 fixed the signal scope
      // would block signals between our own threads (including the broadcast's own). One thread
      // restricted before exec leaves one domain, which erratum 2 never concerned.
      reason = 'requested; without TSYNC (ABI 8) the signal scope needs Landlock erratum 2 fixed, and this kernel lacks it';
    }
    // On ABI 1 reparenting is always denied: refer is enforced, more strictly than asked.
    if (reason !== undefined && !(item.name === 'refer' && abi >= 1)) {
      missing.push({ what: item.what, reason, required: item.required });
      continue;
    }
    if (reason !== undefined) continue;
    if (item.kind === 'fs') handled.fs.push(item.name as FsAccess);
    else if (item.kind === 'net') handled.net.push(item.name as NetAccess);
    else if (item.kind === 'scope') handled.scope.push(item.name as Scope);
    else if (item.kind === 'log') log.push(item.name as LogFlag);
    else quiet = true;
  }
  const required = missing.filter((item) => item.required);
  if (spec.compat === 'hard' && required.length > 0) {
    throw new ExileError(ErrorCodes.UNSUPPORTED,
      `landlock: this kernel cannot enforce ${required.map((item) => `${item.what} (${item.reason})`).join(', ')}; nothing was applied`,
      { abi, targetAbi: target, status: kernel.status, unsupported: required.map(({ what, reason }) => ({ what, reason })) });
  }
  return {
    abi, targetAbi: target, handled, log, quiet: quiet ? quietRights(spec, handled) : { fs: [], net: [], scope: [] },
    mechanism, partial: required.length > 0, notEnforced: missing,
  };
}

/** The quiet rights: those asked for (every handled one by default) that are handled, and only
 *  where a path or port is quiet (the kernel refuses a quiet rule of a kind with no quiet right). */
function quietRights(spec: NormalizedSpec, handled: RulesetPlan['handled']): RulesetPlan['quiet'] {
  const quiet = spec.quiet;
  const paths = spec.fs?.some((grant) => grant.quiet === true) === true;
  const ports = spec.net?.ports.some((grant) => grant.quiet === true) === true;
  return {
    fs: paths ? handled.fs.filter((name) => quiet?.fs?.includes(name) ?? true) : [],
    net: ports ? handled.net.filter((name) => quiet?.net?.includes(name) ?? true) : [],
    scope: handled.scope.filter((name) => quiet?.scope.includes(name) === true),
  };
}

/** The handled masks of a plan, for the ruleset attr. */
export function handledMasks(plan: RulesetPlan): { fs: number; net: number; scoped: number } {
  return { fs: maskOf(FS_RIGHTS, plan.handled.fs), net: maskOf(NET_RIGHTS, plan.handled.net), scoped: maskOf(SCOPES, plan.handled.scope) };
}

/** The quiet masks of a plan, for the ruleset attr. */
export function quietMasks(plan: RulesetPlan): { fs: number; net: number; scoped: number } {
  return { fs: maskOf(FS_RIGHTS, plan.quiet.fs), net: maskOf(NET_RIGHTS, plan.quiet.net), scoped: maskOf(SCOPES, plan.quiet.scope) };
}

/** The struct landlock_ruleset_attr of a plan, for this process and for a child alike: a new attr
 *  field is planned here and encoded in uapi.ts, and the callers stay as they are. */
export function rulesetAttr(plan: RulesetPlan): Buffer {
  return encodeRulesetAttr(plan.abi, handledMasks(plan), quietMasks(plan));
}

/** The landlock_restrict_self flags of a plan, beside the mechanism's: its audit-log flags. */
export function logMask(plan: RulesetPlan): number {
  return plan.log.reduce((mask, flag) => mask | LOG_FLAGS[flag].value, 0);
}

/** Whether this kernel takes the audit-log flags (`log` in a spec), so a caller can ask for them
 *  only where a strict spec would not be refused for them. */
export function canLog(kernel: KernelView): boolean {
  return kernel.status === 'available' && Object.values(LOG_FLAGS).every((flag) => kernel.abi >= flag.abi);
}

/** Nothing to put in a ruleset (the kernel rejects an empty one with ENOMSG). */
export function isEmpty(plan: RulesetPlan): boolean {
  return plan.handled.fs.length === 0 && plan.handled.net.length === 0 && plan.handled.scope.length === 0;
}

/**
 * The planner for callers that report before they apply (such as @exile/core): the decisions for
 * `spec` on `kernel` when `enforcer` applies it, each item left out marked `required` or not.
 * Never refuses: a hard spec's refusal is its required items. Validates the spec; opens nothing.
 */
export function planSpec(spec: LandlockSpec, kernel: KernelView, enforcer: Enforcer = 'process'): RulesetPlan {
  return planRuleset({ ...normalizeSpec(spec), compat: 'best-effort' }, kernel, enforcer);
}
