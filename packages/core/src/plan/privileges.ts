import type { NormalizedPolicy } from '../policy/types.js';
import { startsChild, type PlannedItem, type Step, type Target } from './types.js';

const CAPS_MECHANISM = 'capset, bounding and ambient sets';

/**
 * Capabilities and no_new_privs: always enforceable (what an unprivileged process cannot drop it
 * never had). A started program drops every capability unless the policy keeps some, the way
 * bubblewrap does: a root caller's privileges are never handed on by accident. `holdsCapabilities`:
 * the program would start with some (the caller has some, or the program gets a user namespace);
 * an unprivileged program without one has none to drop, and no_new_privs keeps it so.
 */
export function planPrivileges(capabilities: NormalizedPolicy['capabilities'], target: Target, holdsCapabilities: boolean): { steps: Step[]; items: PlannedItem[] } {
  const steps: Step[] = [];
  const items: PlannedItem[] = [];
  const byDefault = capabilities === undefined && startsChild(target) && holdsCapabilities;
  const caps = byDefault ? { keep: [] } : capabilities;
  if (caps !== undefined) {
    steps.push({ step: 'caps', keep: caps.keep });
    const what = caps.keep.length === 0 ? 'capabilities: drop all' : `capabilities: keep only ${caps.keep.join(', ')}`;
    // Keeping is not granting: what this process lacks, the program never gets.
    const detail = byDefault ? 'the default for a started program; keep some with capabilities: { keep: [...] }'
      : caps.keep.length > 0 && startsChild(target) && !holdsCapabilities ? 'this process holds none of them, so the program starts with none' : undefined;
    items.push({ what, mechanism: CAPS_MECHANISM, enforced: true, required: true, ...(detail === undefined ? {} : { detail }) });
  }
  steps.push({ step: 'no-new-privs' });
  items.push({ what: 'no new privileges (setuid/file capabilities ignored on exec)', mechanism: 'prctl(PR_SET_NO_NEW_PRIVS)', enforced: true, required: true });
  return { steps, items };
}
