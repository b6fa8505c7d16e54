import type { Mount } from './options.js';
import type { MountOp } from './plan.js';
import { invalid } from '@exile/common';
import { absolutePath, cString, integer, isRecord, knownKeys, optionalBoolean } from './validate.js';

/** Corners of a fresh /proc that act on the whole host (sysctls, SysRq, IRQ affinity, PCI/USB
 * config). They belong to the host's root, so only a sandbox whose ids map to the host's root can
 * write them: then they are made read-only, as bubblewrap does. */
const PROC_COVERED = ['sys', 'sysrq-trigger', 'irq', 'bus'] as const;
/** Host devices a minimal /dev gets, bound when the host has them. */
const DEVICES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'] as const;
/** /dev symlinks every program expects. */
const DEV_LINKS: readonly [string, string][] = [
  ['ptmx', 'pts/ptmx'], ['fd', '/proc/self/fd'], ['stdin', '/proc/self/fd/0'], ['stdout', '/proc/self/fd/1'], ['stderr', '/proc/self/fd/2'],
];
const MAX_MODE = 0o7777;
/** The launcher's limit for one string of the plan. */
const MAX_FILE = 65536;

const KEYS: Record<Mount['type'], readonly string[]> = {
  bind: ['type', 'source', 'target', 'readOnly', 'recursive', 'optional', 'noexec', 'devices'],
  tmpfs: ['type', 'target', 'mode', 'size', 'readOnly', 'noexec'],
  proc: ['type', 'target'],
  dev: ['type', 'target'],
  dir: ['type', 'target', 'mode'],
  symlink: ['type', 'target', 'linkTo'],
  file: ['type', 'target', 'content', 'mode'],
  'remount-ro': ['type', 'target', 'optional'],
};

function target(value: unknown, path: string): string {
  const t = absolutePath(value, path);
  if (t === '/') throw invalid(path, 'cannot mount over the root itself');
  return t;
}

function mode(value: unknown, fallback: number, path: string): number {
  return value === undefined ? fallback : integer(value, path, 0, MAX_MODE);
}

/** How mounts expand: into an empty root or the host's tree; with the caller being the host's root. */
export interface MountContext {
  emptyRoot: boolean;
  hostRoot: boolean;
}

/** A fresh proc; for the host's root, with its host-wide corners read-only. */
export function procOps(root: string, hostRoot: boolean): MountOp[] {
  return [
    { op: 'proc', target: root },
    ...(hostRoot ? PROC_COVERED : []).map((name): MountOp => ({ op: 'remount-ro', target: `${root}/${name}`, optional: true, nosuid: true, nodev: true, noexec: true })),
  ];
}

/** The minimal /dev: a tmpfs with the host's basic devices, a private devpts and the usual links. */
function devOps(root: string): MountOp[] {
  const at = (name: string): string => `${root}/${name}`;
  return [
    { op: 'tmpfs', target: root, mode: 0o755, size: 0, readOnly: false, nosuid: true, nodev: true, noexec: true },
    ...DEVICES.map((d): MountOp => ({
      op: 'bind', source: `/dev/${d}`, target: at(d), readOnly: false, recursive: false, optional: true, nosuid: true, nodev: false, noexec: true,
    })),
    { op: 'mkdir', target: at('shm'), mode: 0o1777 },
    { op: 'devpts', target: at('pts') },
    ...DEV_LINKS.map(([name, linkTo]): MountOp => ({ op: 'symlink', target: at(name), linkTo })),
  ];
}

/** Validates one public `Mount` (at JSON path `path`) and expands it into launcher operations. */
export function mountOps(mount: unknown, path: string, { emptyRoot, hostRoot }: MountContext): MountOp[] {
  if (!isRecord(mount)) throw invalid(path, 'must be an object');
  const type = mount.type as Mount['type'];
  const keys = KEYS[type];
  if (keys === undefined) throw invalid(`${path}.type`, `must be one of ${Object.keys(KEYS).join(', ')}`);
  knownKeys(mount, keys, path);
  if (!emptyRoot && (type === 'dir' || type === 'symlink' || type === 'file')) {
    throw invalid(`${path}.type`, `'${type}' needs fs.root 'empty' (it would change the host's file system)`);
  }
  const flag = (key: string): boolean | undefined => optionalBoolean(mount[key], `${path}.${key}`);
  switch (type) {
    case 'bind': {
      const source = absolutePath(mount.source, `${path}.source`);
      return [{
        op: 'bind', source, target: target(mount.target ?? source, `${path}.target`), readOnly: flag('readOnly') ?? false,
        recursive: flag('recursive') ?? true, optional: flag('optional') ?? false, nosuid: true, nodev: !(flag('devices') ?? false),
        noexec: flag('noexec') ?? false,
      }];
    }
    case 'tmpfs':
      return [{
        op: 'tmpfs', target: target(mount.target, `${path}.target`), mode: mode(mount.mode, 0o755, `${path}.mode`),
        size: mount.size === undefined ? 0 : integer(mount.size, `${path}.size`, 1, Number.MAX_SAFE_INTEGER),
        readOnly: flag('readOnly') ?? false, nosuid: true, nodev: true, noexec: flag('noexec') ?? false,
      }];
    case 'proc':
      return procOps(target(mount.target ?? '/proc', `${path}.target`), hostRoot);
    case 'dev':
      return devOps(target(mount.target ?? '/dev', `${path}.target`));
    case 'remount-ro':
      return [{ op: 'remount-ro', target: target(mount.target, `${path}.target`), optional: flag('optional') ?? false, nosuid: true, nodev: true, noexec: false }];
    case 'dir':
      return [{ op: 'mkdir', target: target(mount.target, `${path}.target`), mode: mode(mount.mode, 0o755, `${path}.mode`) }];
    case 'symlink':
      return [{ op: 'symlink', target: target(mount.target, `${path}.target`), linkTo: cString(mount.linkTo, `${path}.linkTo`) }];
    case 'file': {
      const content = mount.content;
      if (typeof content !== 'string' && !(content instanceof Uint8Array)) throw invalid(`${path}.content`, 'must be a string or Uint8Array');
      const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
      if (bytes.length > MAX_FILE) throw invalid(`${path}.content`, 'must be at most 64 KiB');
      return [{ op: 'file', target: target(mount.target, `${path}.target`), mode: mode(mount.mode, 0o644, `${path}.mode`), content: bytes }];
    }
  }
}
