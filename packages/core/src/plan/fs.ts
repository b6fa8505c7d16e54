import type { Features } from '../features.js';
import type { NormalizedPolicy } from '../policy/types.js';
import { canUnshare, landlockThreads, unshareMissing, type LandlockView } from './kernel.js';
import { startsChild, type LandlockStepSpec, type PlannedItem, type Step, type Target } from './types.js';

/** Landlock ABI that restricts everything a plain read/write/exec spec implies (refer, truncate). */
export const FS_TARGET_ABI = 3;

type Fs = Exclude<NormalizedPolicy['fs'], undefined>;

/** The policy's everyday vocabulary in @exile/landlock's precise one: write and exec paths are readable too. */
export function landlockFs(fs: Fs): NonNullable<LandlockStepSpec['fs']> {
  if (fs === false) return { read: [], write: [], exec: [] };
  return { read: [...new Set([...fs.read, ...fs.write])], write: fs.write, exec: fs.exec };
}

function summary(fs: Fs): string {
  if (fs === false) return 'no access to any path';
  const list = (label: string, paths: string[]) => (paths.length > 0 ? [`${label} ${paths.join(', ')}`] : []);
  return [...list('read', fs.read), ...list('write', fs.write), ...list('exec', fs.exec), 'everything else denied'].join('; ');
}

export interface FsDecision {
  landlock?: LandlockStepSpec['fs'];
  /** The mount-namespace view (child fallback). */
  mounts?: Extract<Step, { step: 'mounts' }>;
  items: PlannedItem[];
}

/**
 * File-system limits: Landlock, or for a spawned program without a usable Landlock, a
 * mount-namespace view. A launched Node child gets Landlock only: a view would have to hold
 * Node's own runtime, which a policy's paths do not name.
 */
export function planFs(fs: NormalizedPolicy['fs'], f: Features, target: Target, landlock: LandlockView): FsDecision {
  if (fs === undefined) return { items: [] };
  const abi = landlock.abi;
  const what = 'file system';
  const detail = summary(fs);
  if (target === 'child' && abi < FS_TARGET_ABI && canUnshare(f)) {
    const view = fs === false ? { read: [], write: [], exec: [] } : fs;
    return {
      mounts: { step: 'mounts', ...view },
      items: [{ what, mechanism: 'mount namespace + bind mounts + pivot_root', enforced: true, required: true, detail }],
    };
  }
  if (abi === 0) {
    const why = target === 'child' ? `${landlock.missing}, and ${unshareMissing(f)}` : landlock.missing;
    return { items: [{ what, mechanism: 'landlock', enforced: false, required: true, detail: `${detail} — not enforced: ${why}` }] };
  }
  const how = startsChild(target) ? ', applied before exec' : `, ${landlockThreads(abi)}`;
  const items: PlannedItem[] = [{ what, mechanism: `landlock ABI ${abi}`, enforced: true, required: true, detail: `${detail}${how}` }];
  if (abi < FS_TARGET_ABI) {
    items.push({ what: 'file system: truncate', mechanism: 'landlock', enforced: false, required: true,
      detail: `truncating files outside the write paths is only restricted from Landlock ABI ${FS_TARGET_ABI}; this kernel has ABI ${abi}` });
  }
  return { landlock: landlockFs(fs), items };
}
