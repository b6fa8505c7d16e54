import { ErrorCodes, ExileError } from '@exile/common';
import type { LandlockAvailability } from './abi.js';
import { FS_RIGHTS, NEWEST_ABI, NET_RIGHTS, SCOPES, knownAt, maskOf, type FsAccess, type NetAccess, type Scope } from './rights.js';
import type { NormalizedSpec } from './spec.js';
import { ERRATUM_SCOPED_SIGNAL_SAME_PROCESS, TSYNC_ABI } from './uapi.js';

/** What the library believes about the kernel (after the EXILE_LANDLOCK_ABI_MAX cap). */
export interface KernelView {
  abi: number;
  errata: number;
  status: LandlockAvailability;
}

/** Something the spec asked for, or the kernel could handle, that is not in the ruleset. */
export interface NotEnforced {
  what: string;
  reason: string;
}

/** The ruleset-level decisions: every compat question answered before anything is opened. */
export interface RulesetPlan {
  /** The ABI used (kernel's, capped, at most NEWEST_ABI). 0 when Landlock is unusable. */
  abi: number;
  /** The lowest ABI that defines everything the spec names or implies. */
  targetAbi: number;
  handled: { fs: FsAccess[]; net: NetAccess[]; scope: Scope[] };
  mechanism: 'tsync' | 'broadcast';
  /** Items dropped: required ones make the result `partial`, the others are informational. */
  notEnforced: NotEnforced[];
  /** A required item was dropped (best-effort only; hard mode throws instead). */
  partial: boolean;
}

/** One right or scope a spec touches, and whether its target ABI requires it. */
interface Item {
  kind: 'fs' | 'net' | 'scope';
  name: string;
  what: string;
  abi: number;
  required: boolean;
}

/** Lowest ABI defining every right the spec names or implies. A file-system spec implies refer and
 *  truncate (ABI 3); net implies TCP (4); scopes need 6; UDP needs 10; named rights their own ABI. */
export function targetAbi(spec: NormalizedSpec): number {
  let target = 0;
  if (spec.fs !== undefined) {
    target = 3;
    for (const grant of spec.fs) {
      for (const info of Object.values(FS_RIGHTS)) {
        if ((grant.access & info.value) !== 0) target = Math.max(target, info.abi);
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
  return items;
}

function unavailableReason(kernel: KernelView): string {
  return kernel.status === 'available' ? 'Landlock is capped to ABI 0 by EXILE_LANDLOCK_ABI_MAX' : `Landlock is ${kernel.status} on this kernel`;
}

/**
 * Decides the ruleset for `spec` on `kernel`: handled rights, mechanism and what is dropped.
 * Hard mode throws ERR_EXILE_UNSUPPORTED naming everything required that cannot be enforced.
 */
export function planRuleset(spec: NormalizedSpec, kernel: KernelView): RulesetPlan {
  const abi = kernel.status === 'available' ? Math.min(kernel.abi, NEWEST_ABI) : 0;
  const target = targetAbi(spec);
  const mechanism = abi >= TSYNC_ABI ? 'tsync' : 'broadcast';
  const handled: RulesetPlan['handled'] = { fs: [], net: [], scope: [] };
  const missing: (NotEnforced & { required: boolean })[] = [];
  for (const item of wanted(spec, target)) {
    let reason: string | undefined;
    if (abi === 0) reason = unavailableReason(kernel);
    else if (item.abi > abi) {
      reason = `${item.required ? 'requested' : 'not named by the spec'}; needs Landlock ABI ${item.abi}, this kernel has ${abi}`;
    } else if (item.name === 'signal' && mechanism === 'broadcast' && (kernel.errata & ERRATUM_SCOPED_SIGNAL_SAME_PROCESS) === 0) {
      // Before ABI 8 every thread gets its own domain; without erratum 2 fixed the signal scope
      // would block signals between our own threads (including the broadcast's own).
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
    else handled.scope.push(item.name as Scope);
  }
  const required = missing.filter((item) => item.required);
  if (spec.compat === 'hard' && required.length > 0) {
    throw new ExileError(ErrorCodes.UNSUPPORTED,
      `landlock: this kernel cannot enforce ${required.map((item) => `${item.what} (${item.reason})`).join(', ')}; nothing was applied`,
      { abi, targetAbi: target, status: kernel.status, unsupported: required.map(({ what, reason }) => ({ what, reason })) });
  }
  return {
    abi, targetAbi: target, handled, mechanism, partial: required.length > 0,
    notEnforced: missing.map(({ what, reason }) => ({ what, reason })),
  };
}

/** The handled masks of a plan, for the ruleset attr. */
export function handledMasks(plan: RulesetPlan): { fs: number; net: number; scoped: number } {
  return { fs: maskOf(FS_RIGHTS, plan.handled.fs), net: maskOf(NET_RIGHTS, plan.handled.net), scoped: maskOf(SCOPES, plan.handled.scope) };
}

/** Nothing to put in a ruleset (the kernel rejects an empty one with ENOMSG). */
export function isEmpty(plan: RulesetPlan): boolean {
  return plan.handled.fs.length === 0 && plan.handled.net.length === 0 && plan.handled.scope.length === 0;
}
