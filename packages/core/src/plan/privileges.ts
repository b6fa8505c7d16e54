import type { NormalizedPolicy } from '../policy/types.js';
import type { PlannedItem, Step } from './types.js';

/** Capabilities and no_new_privs: always enforceable (what an unprivileged process cannot drop it never had). */
export function planPrivileges(capabilities: NormalizedPolicy['capabilities']): { steps: Step[]; items: PlannedItem[] } {
  const steps: Step[] = [];
  const items: PlannedItem[] = [];
  if (capabilities !== undefined) {
    steps.push({ step: 'caps', keep: capabilities.keep });
    const what = capabilities.keep.length === 0 ? 'capabilities: drop all' : `capabilities: keep only ${capabilities.keep.join(', ')}`;
    items.push({ what, mechanism: 'capset, bounding and ambient sets', enforced: true, required: true });
  }
  steps.push({ step: 'no-new-privs' });
  items.push({ what: 'no new privileges (setuid/file capabilities ignored on exec)', mechanism: 'prctl(PR_SET_NO_NEW_PRIVS)', enforced: true, required: true });
  return { steps, items };
}
