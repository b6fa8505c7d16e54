import { within } from '@exile/common';
import { FS_RIGHTS, NET_RIGHTS, maskOf, namesOf, type FsAccess, type NetAccess } from './rights.js';

/**
 * A compiled ruleset as the kernel will hold it, for predicting its answers in user space
 * (`exile run --diagnose`): the handled rights, and every rule on the file it was resolved to.
 */
export interface RulesetModel {
  abi: number;
  handled: { fs: FsAccess[]; net: NetAccess[] };
  /** `dir`: the rule is on a directory and covers everything beneath it; else only that file. */
  paths: { path: string; dir: boolean; access: FsAccess[] }[];
  ports: { port: number; access: NetAccess[] }[];
}

/**
 * What the kernel checks for each file-system operation, and on which file: the file itself, or
 * the directory an entry is made in or removed from (security/landlock/fs.c).
 */
export const OPERATION_RIGHTS = {
  'read': { on: 'file', rights: ['read-file'] },
  'list': { on: 'file', rights: ['read-dir'] },
  'write': { on: 'file', rights: ['write-file'] },
  'truncate': { on: 'file', rights: ['truncate'] },
  'execute': { on: 'file', rights: ['execute'] },
  'make-reg': { on: 'parent', rights: ['make-reg'] },
  'make-dir': { on: 'parent', rights: ['make-dir'] },
  'make-sym': { on: 'parent', rights: ['make-sym'] },
  'make-sock': { on: 'parent', rights: ['make-sock'] },
  'make-fifo': { on: 'parent', rights: ['make-fifo'] },
  'make-char': { on: 'parent', rights: ['make-char'] },
  'make-block': { on: 'parent', rights: ['make-block'] },
  'remove-file': { on: 'parent', rights: ['remove-file'] },
  'remove-dir': { on: 'parent', rights: ['remove-dir'] },
  /** Renaming or linking into another directory: checked on both directories. */
  'refer': { on: 'parent', rights: ['refer'] },
  /** connect() or sendmsg() to a pathname UNIX socket: checked on the socket file (ABI 9). */
  'connect-unix': { on: 'file', rights: ['resolve-unix'] },
} as const satisfies Record<string, { on: 'file' | 'parent'; rights: readonly FsAccess[] }>;

export type FsOperation = keyof typeof OPERATION_RIGHTS;

const parentOf = (path: string): string => path.slice(0, Math.max(1, path.lastIndexOf('/')));

/** The rights the rules grant on `path`: a directory's rule on it and beneath, a file's rule on it. */
function grantedOn(model: RulesetModel, path: string): number {
  let granted = 0;
  for (const rule of model.paths) {
    if (rule.dir ? within(path, rule.path) : path === rule.path) granted |= maskOf(FS_RIGHTS, rule.access);
  }
  return granted;
}

/**
 * The rights `operation` on `path` (absolute, every directory resolved) needs and the ruleset
 * does not grant, with the file they are checked on; `[]` when it allows it. Rights the ruleset
 * does not handle are allowed, so the answer is per ABI; below refer's ABI the kernel refuses
 * every cross-directory rename or link. Not predicted: a rename or link that would give the file
 * rights it lacked where it was (also refused by the kernel).
 */
export function missingFsRights(model: RulesetModel, operation: FsOperation, path: string): { path: string; missing: FsAccess[] } {
  const { on, rights } = OPERATION_RIGHTS[operation];
  const checked = on === 'file' ? path : parentOf(path);
  const needed = maskOf(FS_RIGHTS, rights);
  if (operation === 'refer' && model.abi < FS_RIGHTS.refer.abi && model.handled.fs.length > 0) return { path: checked, missing: ['refer'] };
  const missing = needed & maskOf(FS_RIGHTS, model.handled.fs) & ~grantedOn(model, checked);
  return { path: checked, missing: namesOf(FS_RIGHTS, missing) };
}

/** Whether the ruleset refuses `access` to TCP/UDP `port`. */
export function deniesPort(model: RulesetModel, access: NetAccess, port: number): boolean {
  if (!model.handled.net.includes(access)) return false;
  return !model.ports.some((rule) => rule.port === port && rule.access.includes(access));
}

/** The model's rule on a path: `allowed` is the rule's mask for that kind of file. */
export function modelPath(path: string, dir: boolean, allowed: number): RulesetModel['paths'][number] {
  return { path, dir, access: namesOf(FS_RIGHTS, allowed) };
}

/** The model's rule on a port. */
export function modelPort(port: number, allowed: number): RulesetModel['ports'][number] {
  return { port, access: namesOf(NET_RIGHTS, allowed) };
}
