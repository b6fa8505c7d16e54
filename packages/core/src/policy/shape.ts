import type { Rule } from '@exile/seccomp';
import type { Vow } from '@exile/vows';
import { PROFILE_NAMES } from './profiles.js';
import { anyObject, anyOf, array, boolean, constant, integer, object, oneOf, ref, string, typed, type Flat, type Static } from './schema-builder.js';
import type { SchemaNode } from './schema-check.js';

// The shape of a policy, written once: this is the JSON Schema the validator interprets
// (`policySchema`), the one `npm run build` writes to policy.schema.json (a test checks the shipped
// file is this), and, through `Static`, the `Policy` type of types.ts.

const paths = array(string({ minLength: 1 }));
const ports = array(integer({ minimum: 0, maximum: 65535 }));
const number = anyOf([integer({ minimum: 0 }), string({ pattern: '^(0x[0-9a-fA-F]+|[0-9]+)$' })]);
const rule = object({
  syscall: anyOf([string({ minLength: 1 }), array(string({ minLength: 1 }), { minItems: 1 })]),
  action: anyOf([
    oneOf(['allow', 'kill-process', 'kill-thread', 'trap', 'log', 'notify']),
    object({ errno: anyOf([integer({ minimum: 0, maximum: 4095 }), string({ minLength: 1 })]) }, ['errno']),
    object({ trace: integer({ minimum: 0, maximum: 65535 }) }, ['trace']),
    object({ trap: integer({ minimum: 0, maximum: 65535 }) }, ['trap']),
  ]),
  args: array(object({
    index: integer({ minimum: 0, maximum: 5 }),
    op: oneOf(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'masked-eq']),
    value: ref('number', number),
    mask: ref('number', number),
    width: oneOf([32, 64]),
  }, ['index', 'op', 'value'])),
}, ['syscall', 'action']);

/**
 * The mount types and what each takes besides `type` and `target` (its `required` fields it
 * needs): a mount in the program's new mount namespace (`spawn` / `launch` only), applied in
 * order on top of its file-system view, as bubblewrap's `--bind`, `--ro-bind`, `--dev-bind`,
 * `--tmpfs` and `--proc` do. Targets are absolute paths inside the sandbox.
 */
export const mountTypes = {
  bind: object({ source: string({ minLength: 1 }), readOnly: boolean(), devices: boolean() }, ['source']),
  tmpfs: object({}),
  proc: object({}),
};

type MountTypes = typeof mountTypes;

/** A mount: its `type`, `target` and the fields of its type. */
export type PolicyMount = { [T in keyof MountTypes]: Flat<{ type: T; target: string } & Static<MountTypes[T]>> }[keyof MountTypes];

/**
 * One object for every type, holding every type's fields, so that a bad mount is named by its
 * field rather than by three failed branches; `policy/mounts.ts` refuses the fields a type does
 * not take and asks for the ones it needs.
 */
const mount = typed<PolicyMount>(object({
  type: oneOf(Object.keys(mountTypes) as (keyof MountTypes)[]),
  target: string({ minLength: 1 }),
  ...Object.assign({}, ...Object.values(mountTypes).map((t) => t.properties)) as Record<string, SchemaNode>,
}, ['type', 'target']));

export const policyProperties = {
  $schema: string(),
  /** `false`: no file-system access at all. */
  fs: anyOf([constant(false), object({
    read: ref('paths', paths),
    write: ref('paths', paths),
    exec: ref('paths', paths),
    /**
     * Programs started by `spawn`, `exile run` and `launch` may use the harmless devices:
     * `/dev/null`, `/dev/zero`, `/dev/full` (read and write), `/dev/random`, `/dev/urandom` (read)
     * and the terminal they inherit. Default `true`; `false` (CLI `--no-dev`) turns it off.
     */
    devices: boolean({ description: 'Programs started by spawn, exile run or launch may use /dev/null, /dev/zero, /dev/full (read and write), /dev/random, /dev/urandom (read) and the terminal they inherit. Default true.' }),
    /**
     * A write path inside an exec path (or the reverse) lets the program execute what it wrote:
     * Landlock rights add up along a path. Strict mode refuses that unless this is `true`;
     * best-effort mode warns about it unless this is `true`.
     */
    allowWriteExec: boolean({ description: 'Accept a write path inside an exec path or the reverse (files written there can be executed: Landlock rights add up along a path). Without it strict mode refuses the combination and best-effort warns.' }),
    /** Directories where device nodes (character, block) may be created: `write` does not include
     *  it, since a block device made there reads a whole disk. Also needs `CAP_MKNOD` kept. */
    makeDevices: ref('paths', paths, { description: 'Directories where character and block device nodes may be created (write does not include it; the program also needs CAP_MKNOD kept).' }),
    /** Pathname UNIX sockets (or directories of them) the program may connect or send to: Landlock
     *  ABI 9 restricts them, and `write` does not include them, since a socket is a door to another
     *  program (a tmux server's socket in /tmp runs whatever it is sent). */
    sockets: ref('paths', paths, { description: 'Pathname UNIX sockets, or directories of them, the program may connect or send to (Landlock ABI 9 restricts them; write does not include them).' }),
  })], { description: 'false: no file-system access. An object: only these paths (read: read only; write: read and write; exec: read and execute).' }),
  /**
   * What common runtimes read and run, added to `fs` (`exile help profiles`): `system`, `sh`,
   * `node`, `python`, `go`; combine freely. Paths a machine lacks are left out. Not with `fs: false`.
   */
  profiles: array(oneOf(PROFILE_NAMES), { description: 'What common runtimes read and run, added to fs (exile help profiles); paths a machine lacks are left out. Not with "fs": false.' }),
  /** `false`: no network; an object: only these TCP ports; `true`: not restricted. */
  net: anyOf([boolean(), object({ connect: ref('ports', ports), bind: ref('ports', ports) })],
    { description: 'false: no network. true: not restricted. An object: only these TCP ports.' }),
  /** pledge-style promises, e.g. `"stdio rpath inet"`. */
  vows: typed<string | Vow[]>(anyOf([string(), array(string())], { description: 'pledge-style promises: a whitespace-separated string or a list of names.' })),
  /** Extra seccomp rules (`@exile/seccomp` rules), tried before the vows. In JSON, 64-bit values may be strings. */
  syscalls: typed<Rule[]>(array(ref('rule', rule), { description: 'Extra seccomp rules, tried in order before the vows.' })),
  /** `'drop-all'`, or the capabilities to keep (`'CAP_NET_BIND_SERVICE'` or `'net_bind_service'`). */
  capabilities: anyOf([oneOf(['drop-all']), object({ keep: array(string({ minLength: 1 })) }, ['keep'])]),
  /** For `spawn` / `launch` only: in-process namespaces are impossible. */
  namespaces: anyOf([oneOf(['all']), object({
    user: boolean(), mount: boolean(), net: boolean(), pid: boolean(), ipc: boolean(), uts: boolean(), cgroup: boolean(),
  })], { description: 'For spawn / launch only.' }),
  /** The program's user id inside a new user namespace (`spawn` / `launch` only). */
  uid: integer({ description: "The program's user id inside a new user namespace (spawn / launch only).", minimum: 0, maximum: 4294967294 }),
  /** The program's group id inside a new user namespace (`spawn` / `launch` only). */
  gid: integer({ description: "The program's group id inside a new user namespace (spawn / launch only).", minimum: 0, maximum: 4294967294 }),
  /** The host name inside a new UTS namespace (`spawn` / `launch` only). */
  hostname: string({ description: 'The host name inside a new UTS namespace (spawn / launch only).', minLength: 1 }),
  /** Mounts in a new mount namespace, in order (`spawn` / `launch` only); `proc` implies a pid namespace. */
  mounts: array(mount, { description: 'Mounts in a new mount namespace, in order (spawn / launch only). bind needs source; proc implies a pid namespace.' }),
  /**
   * An OCI / Docker seccomp profile, or the path of its JSON file (relative to the policy file):
   * a second filter for a started program, installed right after exile's own; a call must pass
   * both (`spawn` only).
   */
  seccompProfile: anyOf([string({ minLength: 1 }), anyObject()],
    { description: 'An OCI / Docker seccomp profile, or the path of its JSON file: a second filter for a started program (spawn only).' }),
  /** `strict` (default): fail when anything cannot be enforced. `best-effort`: apply the rest, report it. */
  mode: oneOf(['strict', 'best-effort']),
  /** What a vow violation does: `kill` (default, SIGSYS with a message) or `errno` (EPERM). */
  penalty: oneOf(['kill', 'errno']),
};

const policyObject = object(policyProperties);

/** The policy's JSON Schema (what `@exile/core/policy.schema.json` holds). */
export const policyShape = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://github.com/exile/exile/packages/core/policy.schema.json',
  title: 'exile policy',
  description: 'One declarative sandbox for @exile/core: what the program may still do.',
  ...policyObject,
  $defs: { paths, ports, number, rule },
} as typeof policyObject;

/** What a policy file may hold: the `Policy` type, and `$schema` for editors. */
export type PolicyFile = Static<typeof policyShape>;
