import type { Features } from '../features.js';
import { seccompInProcess, type Target } from './types.js';

/** Whether a child can get new namespaces: always inside a user namespace, root too (see planNamespaces). */
export function canUnshare(f: Features): boolean {
  return f.userNamespaces.available;
}

/** Why a child cannot get new namespaces. */
export function unshareMissing(f: Features): string {
  return `user namespaces are unavailable (${f.userNamespaces.reason ?? 'unknown reason'})`;
}

/** seccomp for the target: in-process it must reach every thread at once (TSYNC). */
export function seccompUsable(f: Features, target: Target): { ok: boolean; why: string } {
  if (!f.seccomp.available) return { ok: false, why: 'seccomp filters are not available on this kernel' };
  if (seccompInProcess(target) && !f.seccomp.tsync) return { ok: false, why: 'seccomp TSYNC is not available, so a filter cannot reach every thread' };
  return { ok: true, why: '' };
}
