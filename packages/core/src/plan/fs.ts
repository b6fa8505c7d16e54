import type { Features } from '../features.js';
import type { NormalizedPolicy } from '../policy/types.js';
import { canUnshare, unshareMissing } from './kernel.js';
import { landlockMissing, landlockThreads, planLandlock, rightItems } from './landlock.js';
import { DEVICE_RULES, DEVICES_DETAIL } from './devices.js';
import { MODULE_CODE_DETAIL, MODULE_CODE_ITEM } from '../launch/package-code.js';
import { startsChild, type LandlockStepSpec, type PlannedItem, type Step, type Target } from './types.js';

type Fs = Exclude<NormalizedPolicy['fs'], undefined>;

/** Whether a started program gets the harmless device set: `fs.devices` (default true), never with `fs: false`. */
export function devicesFor(fs: Fs, target: Target): boolean {
  return fs !== false && fs.devices && startsChild(target);
}

/**
 * The policy's everyday vocabulary in @exile/landlock's precise one: write and exec paths are
 * readable (files read, directories listed) too; a started program's device set as exact rules.
 */
export function landlockFs(fs: Fs, target: Target): NonNullable<LandlockStepSpec['fs']> {
  if (fs === false) return { read: [], write: [], exec: [] };
  const spec = { read: [...new Set([...fs.read, ...fs.write, ...fs.exec])], write: fs.write, exec: fs.exec,
    ...(fs.makeDevices.length > 0 ? { makeDevices: fs.makeDevices } : {}), ...(fs.sockets.length > 0 ? { sockets: fs.sockets } : {}) };
  return devicesFor(fs, target) ? { ...spec, rules: DEVICE_RULES.map((rule) => ({ path: rule.path, access: [...rule.access] })) } : spec;
}

function summary(fs: Fs): string {
  if (fs === false) return 'no access to any path';
  const list = (label: string, paths: string[]) => (paths.length > 0 ? [`${label} ${paths.join(', ')}`] : []);
  return [...list('read', fs.read), ...list('write', fs.write), ...list('exec', fs.exec), ...list('make devices in', fs.makeDevices), ...list('connect to sockets', fs.sockets), 'everything else denied'].join('; ');
}

export interface FsDecision {
  landlock?: LandlockStepSpec['fs'];
  /** The mount-namespace view (child fallback). */
  mounts?: Extract<Step, { step: 'mounts' }>;
  items: PlannedItem[];
}

/**
 * File-system limits: Landlock, or for a spawned program when Landlock cannot enforce all of it
 * (@exile/landlock decides), a mount-namespace view. A launched Node child gets Landlock only: a
 * view would have to hold Node's own runtime, which a policy's paths do not name.
 */
export function planFs(fs: NormalizedPolicy['fs'], f: Features, target: Target): FsDecision {
  if (fs === undefined) return { items: [] };
  const spec = landlockFs(fs, target);
  const ruleset = planLandlock({ fs: spec }, f);
  const handles = ruleset.handled.fs.length > 0;
  const what = 'file system';
  const detail = summary(fs);
  const devices = devicesFor(fs, target);
  const deviceItem = (mechanism: string): PlannedItem[] =>
    (devices ? [{ what: 'file system: harmless devices', mechanism, enforced: true, required: true, detail: DEVICES_DETAIL }] : []);
  if (target === 'child' && (!handles || ruleset.partial) && canUnshare(f)) {
    // No device nodes in the view: its binds are nodev and the user namespace refuses mknod.
    // A socket needs only to be there: connect() checks no mount flag, so a read-only bind serves.
    const view = fs === false ? { read: [], write: [], exec: [] } : { read: [...fs.read, ...fs.sockets], write: fs.write, exec: fs.exec };
    return {
      mounts: { step: 'mounts', ...view, devices },
      items: [{ what, mechanism: 'mount namespace + bind mounts + pivot_root', enforced: true, required: true, detail },
        ...deviceItem('mount namespace: a minimal /dev')],
    };
  }
  if (!handles) {
    const why = target === 'child' ? `${landlockMissing(f)}, and ${unshareMissing(f)}` : landlockMissing(f);
    return { items: [{ what, mechanism: 'landlock', enforced: false, required: true, detail: `${detail} — not enforced: ${why}` }] };
  }
  const how = startsChild(target) ? ', applied before exec' : `, ${landlockThreads(ruleset)}`;
  const mechanism = `landlock ABI ${ruleset.abi}`;
  // A launched module reads its code besides the policy's paths: which files, said before any module is known.
  const moduleItem: PlannedItem[] = target === 'launch' ? [{ what: MODULE_CODE_ITEM, mechanism, enforced: true, required: false, detail: MODULE_CODE_DETAIL }] : [];
  return {
    landlock: spec,
    items: [{ what, mechanism, enforced: true, required: true, detail: `${detail}${how}` }, ...deviceItem(mechanism), ...moduleItem, ...rightItems(ruleset)],
  };
}
