import type { Cap } from '@exile/caps';
import type { Rule, SeccompPolicy } from '@exile/seccomp';
import type { Vow } from '@exile/vows';
import type { ProfileName } from './profiles.js';
import type { ProfileGrant } from './profile-grants.js';

export type { Rule, ProfileName };

/**
 * File-system access, in everyday words, the same as the CLI's: `read` (`--ro`) is read only,
 * `write` (`--rw`) read and write, `exec` (`--rox`) read and execute. Every path not listed (and
 * not below a listed directory) is out of reach.
 */
export interface FsPolicy {
  read?: string[];
  write?: string[];
  exec?: string[];
  /**
   * Programs started by `spawn`, `exile run` and `launch` may use the harmless devices:
   * `/dev/null`, `/dev/zero`, `/dev/full` (read and write), `/dev/random`, `/dev/urandom` (read)
   * and the terminal they inherit. Default `true`; `false` (CLI `--no-dev`) turns it off.
   */
  devices?: boolean;
  /**
   * A write path inside an exec path (or the reverse) lets the program execute what it wrote:
   * Landlock rights add up along a path. Strict mode refuses that unless this is `true`;
   * best-effort mode warns about it unless this is `true`.
   */
  allowWriteExec?: boolean;
  /** Directories where device nodes (character, block) may be created: `write` does not include
   *  it, since a block device made there reads a whole disk. Also needs `CAP_MKNOD` kept. */
  makeDevices?: string[];
}

/** Allowed TCP ports; everything else on the network is refused. */
export interface NetPorts {
  connect?: number[];
  bind?: number[];
}

/** Namespaces for a child (`spawn` / `launch` only). */
export type NamespaceOptions =
  | 'all'
  | { user?: boolean; mount?: boolean; net?: boolean; pid?: boolean; ipc?: boolean; uts?: boolean; cgroup?: boolean };

/**
 * A mount in the program's new mount namespace (`spawn` / `launch` only), applied in order on
 * top of its file-system view, as bubblewrap's `--bind`, `--ro-bind`, `--dev-bind`, `--tmpfs`
 * and `--proc` do. Targets are absolute paths inside the sandbox.
 */
export type PolicyMount =
  | { type: 'bind'; source: string; target: string; readOnly?: boolean; devices?: boolean }
  | { type: 'tmpfs'; target: string }
  | { type: 'proc'; target: string };

/** One declarative sandbox: what the program may still do. Anything left out is not restricted. */
export interface Policy {
  /** `false`: no file-system access at all. */
  fs?: FsPolicy | false;
  /**
   * What common runtimes read and run, added to `fs` (`exile help profiles`): `system`, `sh`,
   * `node`, `python`, `go`; combine freely. Paths a machine lacks are left out. Not with `fs: false`.
   */
  profiles?: ProfileName[];
  /** `false`: no network; an object: only these TCP ports; `true`: not restricted. */
  net?: boolean | NetPorts;
  /** pledge-style promises, e.g. `"stdio rpath inet"`. */
  vows?: string | Vow[];
  /** Extra seccomp rules (`@exile/seccomp` rules), tried before the vows. In JSON, 64-bit values may be strings. */
  syscalls?: Rule[];
  /** `'drop-all'`, or the capabilities to keep (`'CAP_NET_BIND_SERVICE'` or `'net_bind_service'`). */
  capabilities?: 'drop-all' | { keep: string[] };
  /** For `spawn` / `launch` only: in-process namespaces are impossible. */
  namespaces?: NamespaceOptions;
  /** The program's user id inside a new user namespace (`spawn` / `launch` only). */
  uid?: number;
  /** The program's group id inside a new user namespace (`spawn` / `launch` only). */
  gid?: number;
  /** The host name inside a new UTS namespace (`spawn` / `launch` only). */
  hostname?: string;
  /** Mounts in a new mount namespace, in order (`spawn` / `launch` only); `proc` implies a pid namespace. */
  mounts?: PolicyMount[];
  /**
   * An OCI / Docker seccomp profile, or the path of its JSON file (relative to the policy file):
   * a second filter for a started program, installed right after exile's own; a call must pass
   * both (`spawn` only).
   */
  seccompProfile?: string | object;
  /** `strict` (default): fail when anything cannot be enforced. `best-effort`: apply the rest, report it. */
  mode?: 'strict' | 'best-effort';
  /** What a vow violation does: `kill` (default, SIGSYS with a message) or `errno` (EPERM). */
  penalty?: 'kill' | 'errno';
}

/** A validated policy: paths absolute and de-duplicated, vows parsed, caps canonical, defaults filled. */
export interface NormalizedPolicy {
  fs: { read: string[]; write: string[]; exec: string[]; devices: boolean; allowWriteExec: boolean; makeDevices: string[] } | false | undefined;
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
