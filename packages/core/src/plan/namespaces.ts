import { ErrorCodes, ExileError } from '@exile/common';
import type { Features } from '../features.js';
import type { NormalizedPolicy } from '../policy/types.js';
import { canUnshare, isAdmin, unshareMissing } from './kernel.js';
import type { PlannedItem, Step, Target } from './types.js';

export const NAMESPACE_NAMES = ['user', 'mount', 'net', 'pid', 'ipc', 'uts', 'cgroup'] as const;
export type NamespaceName = (typeof NAMESPACE_NAMES)[number];
type NamespaceStep = Extract<Step, { step: 'namespaces' }>;

/**
 * The namespaces step for a child: what the policy asks for plus what fallbacks need
 * (`extra`). Unprivileged processes get a user namespace too, since that is what makes the
 * others possible. In-process namespaces are impossible: always an error, in any mode.
 */
export function planNamespaces(asked: NormalizedPolicy['namespaces'], extra: NamespaceName[], f: Features, target: Target): { step?: NamespaceStep; items: PlannedItem[] } {
  const wanted = NAMESPACE_NAMES.filter((n) => asked?.[n] === true);
  if (target === 'process' && wanted.length > 0) {
    throw new ExileError(ErrorCodes.UNSUPPORTED,
      `namespaces (${wanted.join(', ')}) cannot be entered by a running multithreaded process; use spawn() or launch() to start a sandboxed child`,
      { what: 'namespaces', namespaces: wanted });
  }
  // A pid namespace gets its own /proc (else /proc shows the host's pids): that needs a mount namespace.
  const all = new Set<NamespaceName>([...wanted, ...extra, ...(wanted.includes('pid') ? (['mount'] as const) : [])]);
  if (all.size === 0) return { items: [] };
  const ok = canUnshare(f);
  const items: PlannedItem[] = wanted.map((n) => ok
    ? { what: `namespace: ${n}`, mechanism: 'exile-launch (unshare)', enforced: true, required: true }
    : { what: `namespace: ${n}`, mechanism: 'exile-launch (unshare)', enforced: false, required: true, detail: unshareMissing(f) });
  if (!ok) return { items };
  if (!isAdmin(f)) all.add('user');
  const step = { step: 'namespaces' } as NamespaceStep;
  for (const n of NAMESPACE_NAMES) step[n] = all.has(n);
  return { step, items };
}
