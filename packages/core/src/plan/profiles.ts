import type { ProfileGrant } from '../policy/profile-grants.js';
import type { PlannedItem } from './types.js';

/**
 * One report line per profile: what it granted on this machine, enforced as the file-system
 * policy it is part of is (the `file system` item, `fsItem`).
 */
export function profileItems(profiles: readonly ProfileGrant[], fsItem: PlannedItem | undefined): PlannedItem[] {
  if (fsItem === undefined) return [];
  return profiles.map((p) => {
    const parts = [...(p.exec.length > 0 ? [`read and execute ${p.exec.join(', ')}`] : []), ...(p.read.length > 0 ? [`read ${p.read.join(', ')}`] : [])];
    return { what: `file system: profile ${p.name}`, mechanism: fsItem.mechanism, enforced: fsItem.enforced, required: false, detail: parts.join('; ') || 'nothing on this machine' };
  });
}
