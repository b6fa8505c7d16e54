import { within } from '@exile/common';
import { vowsToAdd, type ObservedCall } from '@exile/vows';
import { grantUnitOf } from '../learn/path-rules.js';
import type { NormalizedPolicy, Policy } from '../policy/types.js';
import { validatePolicy } from '../policy/validate.js';

/** What refused a call, in the policy's own words, and the change that allows it. */
export interface Denial {
  by: 'landlock' | 'vows' | 'seccomp';
  /** `read`, `write`, `exec`, `connect` or `bind`. */
  access: string;
  /** The file, or `port N`. */
  path: string;
  /** `add "/etc/hostname" to fs.read`; inside a store, the store (`add "/repo/.git" to fs.read`), as exile learn grants it */
  fix: string;
}

type Access = 'read' | 'write' | 'exec' | 'connect' | 'bind';

/**
 * Node's `error.syscall` → what the call needed and the kernel call behind it (for the vows).
 * `open` does not say its flags: read is assumed unless the policy already grants it.
 */
const OPERATIONS: Readonly<Record<string, { access: Access; call: ObservedCall }>> = {
  open: { access: 'read', call: { syscall: 'openat', args: [0, 0, 0] } },
  scandir: { access: 'read', call: { syscall: 'openat', args: [0, 0, 0o200000] } },
  opendir: { access: 'read', call: { syscall: 'openat', args: [0, 0, 0o200000] } },
  mkdir: { access: 'write', call: { syscall: 'mkdirat' } },
  rmdir: { access: 'write', call: { syscall: 'unlinkat', args: [0, 0, 0x200] } },
  unlink: { access: 'write', call: { syscall: 'unlinkat' } },
  rename: { access: 'write', call: { syscall: 'renameat' } },
  link: { access: 'write', call: { syscall: 'linkat' } },
  symlink: { access: 'write', call: { syscall: 'symlinkat' } },
  copyfile: { access: 'write', call: { syscall: 'openat', args: [0, 0, 0o1101] } },
  connect: { access: 'connect', call: { syscall: 'connect' } },
  bind: { access: 'bind', call: { syscall: 'bind' } },
  listen: { access: 'bind', call: { syscall: 'bind' } },
  spawn: { access: 'exec', call: { syscall: 'execve' } },
};
/** O_WRONLY | O_CREAT | O_TRUNC: an `open` the policy lets read was a write. */
const OPEN_WRITE: ObservedCall = { syscall: 'openat', args: [0, 0, 0o1101] };

const FS_LIST: Record<'read' | 'write' | 'exec', 'read' | 'write' | 'exec'> = { read: 'read', write: 'write', exec: 'exec' };

function under(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => within(path, root));
}

/** Whether `fs` lets `access` reach `path`: write and exec paths are readable too. */
function fsAllows(fs: NonNullable<NormalizedPolicy['fs']>, access: 'read' | 'write' | 'exec', path: string): boolean {
  if (fs === false) return false;
  if (access === 'read') return under(path, [...fs.read, ...fs.write, ...fs.exec]);
  return under(path, fs[access]);
}

function landlock(policy: NormalizedPolicy, access: Access, error: NodeJS.ErrnoException & { port?: number; dest?: string }): Denial | undefined {
  if (access === 'connect' || access === 'bind') {
    const ports = policy.net === undefined || policy.net === false ? undefined : policy.net[access];
    if (ports === undefined || error.port === undefined || ports.includes(error.port)) return undefined;
    return { by: 'landlock', access, path: `port ${error.port}`, fix: `add ${error.port} to net.${access} (--${access} ${error.port})` };
  }
  const path = access === 'write' && error.dest !== undefined && error.syscall !== 'rename' ? error.dest : error.path;
  if (path === undefined || policy.fs === undefined) return undefined;
  let needed: 'read' | 'write' | 'exec' = access;
  if (error.syscall === 'open' && fsAllows(policy.fs, 'read', path)) needed = 'write';
  if (fsAllows(policy.fs, needed, path)) return undefined; // not the policy's doing (a mode-000 file)
  return { by: 'landlock', access: needed, path, fix: `add ${JSON.stringify(grantUnitOf(path))} to fs.${FS_LIST[needed]}` };
}

function vows(policy: NormalizedPolicy, operation: { access: Access; call: ObservedCall }, error: NodeJS.ErrnoException): Denial | undefined {
  if (policy.vows === undefined || policy.penalty !== 'errno' || error.code !== policy.errno) return undefined;
  let missing = vowsToAdd(operation.call, policy.vows);
  if (missing?.length === 0 && operation.call.syscall === 'openat') missing = vowsToAdd(OPEN_WRITE, policy.vows);
  if (missing === undefined || missing.length === 0) return undefined;
  return { by: 'vows', access: operation.access, path: error.path ?? '', fix: `add ${missing.map((v) => `"${v}"`).join(' and ')} to vows` };
}

/** `explainDenial()` for an already validated policy (what `launch()` holds). */
export function denialOf(error: unknown, policy: NormalizedPolicy): Denial | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as NodeJS.ErrnoException & { port?: number; dest?: string };
  if (e.code !== 'EACCES' && e.code !== 'EPERM' && e.code !== 'EXDEV' && e.code !== 'ENOSYS') return undefined;
  const operation = OPERATIONS[(e.syscall ?? '').split(' ')[0]!];
  if (operation === undefined) return undefined;
  return (e.code === 'EACCES' || e.code === 'EXDEV' ? landlock(policy, operation.access, e) : undefined) ?? vows(policy, operation, e);
}

/**
 * Explains an error a sandboxed call threw (`EACCES`, `EPERM`, `EXDEV`), after `enable()` or
 * inside `launch()`: which part of `policy` refused it and what to add, from `error.syscall`,
 * `error.path` (`dest`) and `error.port`. Undefined when the policy does not explain it — a
 * mode-000 file the policy lets read is not exile's doing and gets no advice. Pure.
 */
export function explainDenial(error: unknown, policy: Policy): Denial | undefined {
  return denialOf(error, validatePolicy(policy));
}
