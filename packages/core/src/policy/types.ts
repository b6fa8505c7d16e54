import type { Cap } from '@exile/caps';
import type { Rule, SeccompPolicy } from '@exile/seccomp';
import type { Vow } from '@exile/vows';
import type { ProfileName } from './profiles.js';
import type { ProfileGrant } from './profile-grants.js';
import type { PolicyFile, PolicyMount } from './shape.js';

export type { Rule, ProfileName, PolicyMount };

/**
 * One declarative sandbox: what the program may still do. Anything left out is not restricted.
 * Its shape is written once, in `shape.ts` (the JSON Schema the validator interprets and
 * policy.schema.json is written from); each field's documentation is there.
 */
export type Policy = Omit<PolicyFile, '$schema'>;

/**
 * File-system access, in everyday words, the same as the CLI's: `read` (`--ro`) is read only,
 * `write` (`--rw`) read and write, `exec` (`--rox`) read and execute. Every path not listed (and
 * not below a listed directory) is out of reach.
 */
export type FsPolicy = Exclude<NonNullable<Policy['fs']>, false>;

/** Allowed TCP ports; everything else on the network is refused. */
export type NetPorts = Exclude<NonNullable<Policy['net']>, boolean>;

/** Namespaces for a child (`spawn` / `launch` only). */
export type NamespaceOptions = NonNullable<Policy['namespaces']>;

/** A validated policy: paths absolute and de-duplicated, vows parsed, caps canonical, defaults filled. */
export interface NormalizedPolicy {
  fs: { read: string[]; write: string[]; exec: string[]; devices: boolean; allowWriteExec: boolean; makeDevices: string[]; sockets: string[] } | false | undefined;
  /** The profiles as granted on this machine (their paths are in `fs` too). */
  profiles: ProfileGrant[];
  net: { connect: number[]; bind: number[] } | false | undefined;
  vows: Vow[] | undefined;
  syscalls: Rule[];
  capabilities: { keep: Cap[] } | undefined;
  namespaces: Exclude<NamespaceOptions, 'all'> | undefined;
  uid: number | undefined;
  gid: number | undefined;
  hostname: string | undefined;
  mounts: PolicyMount[];
  /** The profile (`source`: its absolute path, or the object) and its translation by `@exile/seccomp`'s `fromOCI()` for this machine. */
  seccompProfile: { source: string | object; filter: SeccompPolicy } | undefined;
  mode: 'strict' | 'best-effort';
  penalty: 'kill' | 'errno';
  /** The errno of the `errno` penalty: OpenBSD's `error` vow modifier makes it ENOSYS, else EPERM. */
  errno: 'EPERM' | 'ENOSYS';
}
