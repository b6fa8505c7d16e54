import type { Cap } from '@exile/caps';
import type { Rule } from '@exile/seccomp';
import type { Vow } from '@exile/vows';

export type { Rule };

/**
 * File-system access. Everyday vocabulary (see ARCHITECTURE "Policy vocabulary"): a `write`
 * path is also readable, `read` never implies execute, `exec` paths are readable and executable.
 * Every path not listed (and not below a listed directory) is out of reach.
 */
export interface FsPolicy {
  read?: string[];
  write?: string[];
  exec?: string[];
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

/** One declarative sandbox: what the program may still do. Anything left out is not restricted. */
export interface Policy {
  /** `false`: no file-system access at all. */
  fs?: FsPolicy | false;
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
  /** `strict` (default): fail when anything cannot be enforced. `best-effort`: apply the rest, report it. */
  mode?: 'strict' | 'best-effort';
  /** What a vow violation does: `kill` (default, SIGSYS with a message) or `errno` (EPERM). */
  penalty?: 'kill' | 'errno';
}

/** A validated policy: paths absolute and de-duplicated, vows parsed, caps canonical, defaults filled. */
export interface NormalizedPolicy {
  fs: { read: string[]; write: string[]; exec: string[] } | false | undefined;
  net: { connect: number[]; bind: number[] } | false | undefined;
  vows: Vow[] | undefined;
  syscalls: Rule[];
  capabilities: { keep: Cap[] } | undefined;
  namespaces: Exclude<NamespaceOptions, 'all'> | undefined;
  mode: 'strict' | 'best-effort';
  penalty: 'kill' | 'errno';
  /** The errno of the `errno` penalty: OpenBSD's `error` vow modifier makes it ENOSYS, else EPERM. */
  errno: 'EPERM' | 'ENOSYS';
}
