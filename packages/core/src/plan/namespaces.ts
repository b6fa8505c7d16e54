import { ErrorCodes, ExileError } from '@exile/common';
import type { Features } from '../features.js';
import type { NormalizedPolicy } from '../policy/types.js';
import { canUnshare, unshareMissing } from './kernel.js';
import type { PlannedItem, Step, Target } from './types.js';

export const NAMESPACE_NAMES = ['user', 'mount', 'net', 'pid', 'ipc', 'uts', 'cgroup'] as const;
export type NamespaceName = (typeof NAMESPACE_NAMES)[number];
type NamespaceStep = Extract<Step, { step: 'namespaces' }>;

/** The namespaces the policy's identity and mounts live in: uid/gid a user one, hostname UTS, mounts a mount one, a proc mount a pid one. */
export function viewNamespaces(policy: Pick<NormalizedPolicy, 'uid' | 'gid' | 'hostname' | 'mounts'>): NamespaceName[] {
  return [
    ...(policy.uid !== undefined || policy.gid !== undefined ? (['user'] as const) : []),
    ...(policy.hostname !== undefined ? (['uts'] as const) : []),
    ...(policy.mounts.length > 0 ? (['mount'] as const) : []),
    ...(policy.mounts.some((m) => m.type === 'proc') ? (['pid'] as const) : []),
  ];
}

/**
 * The namespaces step for a child: what the policy asks for plus what fallbacks need
 * (`extra`), always with a user namespace: what makes them possible unprivileged, and what
 * keeps a root caller's capabilities out of the child's reach. In-process namespaces are impossible: always an error, in any mode.
 */
export function planNamespaces(asked: NormalizedPolicy['namespaces'], extra: NamespaceName[], f: Features, target: Target): { step?: NamespaceStep; items: PlannedItem[] } {
  const wanted = NAMESPACE_NAMES.filter((n) => asked?.[n] === true);
  if (target === 'process' && wanted.length > 0) {
    throw new ExileError(ErrorCodes.UNSUPPORTED,
      `namespaces (${wanted.join(', ')}) cannot be entered by a running multithreaded process; use spawn() or launch() to start a sandboxed child`,
      { what: 'namespaces', namespaces: wanted });
  }
  // A pid namespace gets its own /proc (else /proc shows the host's pids): that needs a mount namespace.
  const all = new Set<NamespaceName>([...wanted, ...extra]);
  if (all.has('pid')) all.add('mount');
  if (all.size === 0) return { items: [] };
  const ok = canUnshare(f);
  const items: PlannedItem[] = wanted.map((n) => ok
    ? { what: `namespace: ${n}`, mechanism: 'exile-launch (unshare)', enforced: true, required: true }
    : { what: `namespace: ${n}`, mechanism: 'exile-launch (unshare)', enforced: false, required: true, detail: unshareMissing(f) });
  if (!ok) return { items };
  // Always a user namespace, root too (mapped 0 → 0): namespaces created with the caller's own
  // privileges would leave a root program the host's capabilities over them (setns back into
  // the caller's network namespace, a procfs showing the caller's root).
  all.add('user');
  const step = { step: 'namespaces' } as NamespaceStep;
  for (const n of NAMESPACE_NAMES) step[n] = all.has(n);
  return { step, items };
}
