import type { Features } from '../features.js';
import { seccompInProcess, type Target } from './types.js';

/** Landlock as this kernel offers it: its ABI (0: unusable) and, when unusable, why. */
export interface LandlockView {
  abi: number;
  missing: string;
}

/**
 * Landlock for any target: a child gets it from exile-launch before exec, after no_new_privs
 * (which every plan sets), so it needs no privilege there either.
 */
export function landlockView(f: Features): LandlockView {
  if (f.landlock.status !== 'available' || f.landlock.abi === 0) return { abi: 0, missing: `Landlock is ${f.landlock.status} on this kernel (${f.kernel})` };
  return { abi: f.landlock.abi, missing: '' };
}

/** The process has CAP_SYS_ADMIN (root, typically). */
export function isAdmin(f: Features): boolean {
  return f.capabilities.effective.includes('CAP_SYS_ADMIN');
}

/** Whether a child can get new namespaces: unprivileged through a user namespace, or as an admin. */
export function canUnshare(f: Features): boolean {
  return f.userNamespaces.available || isAdmin(f);
}

/** Why a child cannot get new namespaces. */
export function unshareMissing(f: Features): string {
  return `user namespaces are unavailable (${f.userNamespaces.reason ?? 'unknown reason'}) and the process lacks CAP_SYS_ADMIN`;
}

/** seccomp for the target: in-process it must reach every thread at once (TSYNC). */
export function seccompUsable(f: Features, target: Target): { ok: boolean; why: string } {
  if (!f.seccomp.available) return { ok: false, why: 'seccomp filters are not available on this kernel' };
  if (seccompInProcess(target) && !f.seccomp.tsync) return { ok: false, why: 'seccomp TSYNC is not available, so a filter cannot reach every thread' };
  return { ok: true, why: '' };
}

/** How Landlock reaches every thread of this process. */
export function landlockThreads(abi: number): string {
  return abi >= 8 ? 'every thread via LANDLOCK_RESTRICT_SELF_TSYNC' : 'every thread via the @exile/threads broadcast';
}
