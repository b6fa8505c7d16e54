import { resolve } from 'node:path';
import { invalid, jsonPath, ownData, type ExileError } from '@exile/common';
import { EXEC, FS_ACCESS_NAMES, FS_RIGHTS, MAKE_DEVICES, NET_ACCESS_NAMES, READ, SCOPE_NAMES, SOCKETS, WRITE, maskOf, type FsAccess, type NetAccess, type Scope } from './rights.js';
import type { LogFlag } from './uapi.js';

/** What `restrict()` takes. Every category present is restricted; see the README for the vocabulary. */
export interface LandlockSpec {
  /** Present → file-system access is handled: only what these rules grant stays allowed.
   *  `read` = read-file + read-dir; `write` = create/change/remove (no read, no ioctl-dev, no
   *  resolve-unix, no device nodes); `exec` = execute + read-file; `makeDevices` = make-char +
   *  make-block (creating a device node also needs CAP_MKNOD). */
  fs?: {
    read?: string[];
    write?: string[];
    exec?: string[];
    makeDevices?: string[];
    /** Pathname UNIX sockets, or directories of them, that may be connected or sent to
     *  (`resolve-unix`, ABI 9). Below ABI 9 the kernel restricts no such socket, so this never
     *  raises the ABI the spec needs. */
    sockets?: string[];
    rules?: { path: string; access: FsAccess[] }[];
  };
  /** Present → TCP (and, on ABI 10, UDP) access is handled: only these ports stay allowed. */
  net?: { bindTcp?: number[]; connectTcp?: number[]; bindUdp?: number[]; connectUdp?: number[] };
  /** IPC towards processes outside the sandbox to block. */
  scope?: Scope[];
  /** Audit logging of the domain's denials (ABI 7; the kernel logs only while its audit is on).
   *  Unset keys keep the kernel's defaults: `sameExec: true` (denials of this program are logged),
   *  `newExec: false` (not those of a program it executes), `subdomains: true` (nested domains
   *  log their own). */
  log?: { sameExec?: boolean; newExec?: boolean; subdomains?: boolean };
  /** Denials left out of the audit log (ABI 10): those on `paths` (and beneath) and on `ports`, for
   *  the rights in `fs` / `net` (default: every handled one), and every denial by the scopes in
   *  `scope` (which must be in `scope`). A quiet path or port is granted nothing by being quiet. */
  quiet?: { paths?: string[]; ports?: number[]; fs?: FsAccess[]; net?: NetAccess[]; scope?: Scope[] };
  /** `hard` (default): anything this kernel cannot enforce throws ERR_EXILE_UNSUPPORTED and nothing
   *  is applied. `best-effort`: apply the rest and list every dropped item in `notEnforced`. */
  compat?: 'hard' | 'best-effort';
  /** `error` (default): a path that does not exist throws, naming it. `ignore`: skip and report it. */
  missingPaths?: 'error' | 'ignore';
}

/** One path of the spec with every right granted on it (the same path may appear in several lists). */
export interface PathGrant {
  path: string;
  access: number;
  /** The rights `rules` named on it: only those raise the ABI the spec needs (a list such as
   *  `write` or `sockets` grants a right where the kernel knows it, and nothing is restricted
   *  where it does not). */
  named: number;
  /** JSON paths of the spec entries that named it, e.g. `$.fs.read[0]`. */
  where: string[];
  /** Named in `quiet.paths`. */
  quiet?: true;
}

/** One port with the net rights granted on it. */
export interface PortGrant {
  port: number;
  access: NetAccess[];
  /** Named in `quiet.ports`. */
  quiet?: true;
}

/** The quiet part of a spec; the rights undefined when the spec leaves them to the handled set. */
export interface QuietSpec {
  fs?: FsAccess[];
  net?: NetAccess[];
  scope: Scope[];
}

/** A validated spec in a form the planner can use directly. */
export interface NormalizedSpec {
  /** Present iff the spec has `fs`. */
  fs: PathGrant[] | undefined;
  /** Present iff the spec has `net`. */
  net: { ports: PortGrant[]; named: NetAccess[] } | undefined;
  scope: Scope[];
  /** The log flags that change the kernel's defaults. */
  log: LogFlag[];
  /** Present iff the spec has `quiet`. */
  quiet: QuietSpec | undefined;
  compat: 'hard' | 'best-effort';
  missingPaths: 'error' | 'ignore';
}

const NET_KEYS: Readonly<Record<string, NetAccess>> = {
  bindTcp: 'bind-tcp', connectTcp: 'connect-tcp', bindUdp: 'bind-udp', connectUdp: 'connect-send-udp',
};

const invalidSpec = (path: string, problem: string): ExileError => invalid(path, problem, {}, { context: 'landlock spec' });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (!isRecord(value)) throw invalidSpec(path, 'must be an object');
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw invalidSpec(jsonPath(path, key), `is not a known key (expected one of ${keys.join(', ')})`);
  }
  return value;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalidSpec(path, 'must be an array');
  return value;
}

function filePath(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') throw invalidSpec(path, 'must be a non-empty path string');
  if (value.includes('\0')) throw invalidSpec(path, 'must not contain a NUL byte');
  return resolve(value);
}

function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw invalidSpec(path, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function normalizeFs(value: unknown): PathGrant[] {
  const fs = object(value, '$.fs', ['read', 'write', 'exec', 'makeDevices', 'sockets', 'rules']);
  const grants = new Map<string, PathGrant>();
  const grant = (raw: unknown, where: string, access: readonly FsAccess[], named = false): void => {
    const path = filePath(raw, where);
    const entry = grants.get(path) ?? { path, access: 0, named: 0, where: [] };
    entry.access |= maskOf(FS_RIGHTS, access);
    if (named) entry.named |= maskOf(FS_RIGHTS, access);
    entry.where.push(where);
    grants.set(path, entry);
  };
  const groups: [string, readonly FsAccess[]][] = [['read', READ], ['write', WRITE], ['exec', EXEC], ['makeDevices', MAKE_DEVICES], ['sockets', SOCKETS]];
  for (const [key, access] of groups) {
    if (fs[key] === undefined) continue;
    array(fs[key], jsonPath('$.fs', key)).forEach((raw, i) => grant(raw, jsonPath(jsonPath('$.fs', key), i), access));
  }
  if (fs.rules !== undefined) {
    array(fs.rules, '$.fs.rules').forEach((raw, i) => {
      const where = jsonPath('$.fs.rules', i);
      const rule = object(raw, where, ['path', 'access']);
      const access = array(rule.access, jsonPath(where, 'access')).map((name, j) => {
        if (typeof name !== 'string' || !(FS_ACCESS_NAMES as string[]).includes(name)) {
          throw invalidSpec(jsonPath(jsonPath(where, 'access'), j), `must be one of ${FS_ACCESS_NAMES.join(', ')}`);
        }
        return name as FsAccess;
      });
      if (access.length === 0) throw invalidSpec(jsonPath(where, 'access'), 'must name at least one right');
      grant(rule.path, jsonPath(where, 'path'), access, true);
    });
  }
  return [...grants.values()];
}

function normalizeNet(value: unknown): { ports: PortGrant[]; named: NetAccess[] } {
  const net = object(value, '$.net', Object.keys(NET_KEYS));
  const ports = new Map<number, PortGrant>();
  const named: NetAccess[] = [];
  for (const [key, access] of Object.entries(NET_KEYS)) {
    if (net[key] === undefined) continue;
    named.push(access);
    array(net[key], jsonPath('$.net', key)).forEach((port, i) => {
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
        throw invalidSpec(jsonPath(jsonPath('$.net', key), i), 'must be a port number 0-65535');
      }
      const entry = ports.get(port) ?? { port, access: [] };
      if (!entry.access.includes(access)) entry.access.push(access);
      ports.set(port, entry);
    });
  }
  return { ports: [...ports.values()], named };
}

/** A list of names from `known`, in `known`'s order. */
function names<T extends string>(value: unknown, path: string, known: readonly T[]): T[] {
  const given = array(value, path).map((name, i) => {
    if (typeof name !== 'string' || !(known as readonly string[]).includes(name)) {
      throw invalidSpec(jsonPath(path, i), `must be one of ${known.join(', ')}`);
    }
    return name as T;
  });
  return known.filter((name) => given.includes(name));
}

function normalizeScope(value: unknown): Scope[] {
  return value === undefined ? [] : names(value, '$.scope', SCOPE_NAMES);
}

/** The kernel's defaults, and the flag that changes each. */
const LOG_KEYS: Readonly<Record<string, { kernel: boolean; flag: LogFlag }>> = {
  sameExec: { kernel: true, flag: 'same-exec-off' },
  newExec: { kernel: false, flag: 'new-exec-on' },
  subdomains: { kernel: true, flag: 'subdomains-off' },
};

function normalizeLog(value: unknown): LogFlag[] {
  if (value === undefined) return [];
  const log = object(value, '$.log', Object.keys(LOG_KEYS));
  const flags: LogFlag[] = [];
  for (const [key, { kernel, flag }] of Object.entries(LOG_KEYS)) {
    if (log[key] === undefined) continue;
    if (typeof log[key] !== 'boolean') throw invalidSpec(jsonPath('$.log', key), 'must be true or false');
    if (log[key] !== kernel) flags.push(flag);
  }
  return flags;
}

/** Validates `quiet` and marks its paths and ports on the grants (a quiet-only one grants nothing). */
function normalizeQuiet(value: unknown, spec: Pick<NormalizedSpec, 'fs' | 'net' | 'scope'>): QuietSpec {
  const quiet = object(value, '$.quiet', ['paths', 'ports', 'fs', 'net', 'scope']);
  const paths = quiet.paths === undefined ? [] : array(quiet.paths, '$.quiet.paths');
  const ports = quiet.ports === undefined ? [] : array(quiet.ports, '$.quiet.ports');
  if (paths.length > 0 && spec.fs === undefined) throw invalidSpec('$.quiet.paths', 'needs fs: only a handled right is denied, and only a denial is logged');
  if (ports.length > 0 && spec.net === undefined) throw invalidSpec('$.quiet.ports', 'needs net: only a handled right is denied, and only a denial is logged');
  if (quiet.fs !== undefined && paths.length === 0) throw invalidSpec('$.quiet.fs', 'needs quiet.paths: the rights are quiet only on quiet paths');
  if (quiet.net !== undefined && ports.length === 0) throw invalidSpec('$.quiet.net', 'needs quiet.ports: the rights are quiet only on quiet ports');
  paths.forEach((raw, i) => {
    const where = jsonPath('$.quiet.paths', i);
    const path = filePath(raw, where);
    let grant = spec.fs?.find((g) => g.path === path);
    if (grant === undefined) {
      grant = { path, access: 0, named: 0, where: [] };
      spec.fs?.push(grant);
    }
    grant.quiet = true;
    grant.where.push(where);
  });
  ports.forEach((port, i) => {
    const where = jsonPath('$.quiet.ports', i);
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) throw invalidSpec(where, 'must be a port number 0-65535');
    let grant = spec.net?.ports.find((g) => g.port === port);
    if (grant === undefined) {
      grant = { port, access: [] };
      spec.net?.ports.push(grant);
    }
    grant.quiet = true;
  });
  const scope = quiet.scope === undefined ? [] : names(quiet.scope, '$.quiet.scope', SCOPE_NAMES);
  scope.forEach((name) => {
    if (!spec.scope.includes(name)) throw invalidSpec('$.quiet.scope', `names ${name}, which is not in scope: only a scope's own denials can be quiet`);
  });
  return {
    ...(quiet.fs === undefined ? {} : { fs: names(quiet.fs, '$.quiet.fs', FS_ACCESS_NAMES) }),
    ...(quiet.net === undefined ? {} : { net: names(quiet.net, '$.quiet.net', NET_ACCESS_NAMES) }),
    scope,
  };
}

/**
 * Validates a spec (throws ERR_EXILE_INVALID_POLICY naming the JSON path of the bad part) and
 * returns it normalized: paths absolute, grants merged per path and per port.
 */
export function normalizeSpec(spec: unknown): NormalizedSpec {
  // Own data only: a polluted Object.prototype must not add rules.
  const root = object(ownData(spec), '$', ['fs', 'net', 'scope', 'log', 'quiet', 'compat', 'missingPaths']);
  const fs = root.fs === undefined ? undefined : normalizeFs(root.fs);
  const net = root.net === undefined ? undefined : normalizeNet(root.net);
  const scope = normalizeScope(root.scope);
  const normalized: NormalizedSpec = {
    fs, net, scope,
    log: normalizeLog(root.log),
    quiet: root.quiet === undefined ? undefined : normalizeQuiet(root.quiet, { fs, net, scope }),
    compat: oneOf(root.compat, '$.compat', ['hard', 'best-effort'], 'hard'),
    missingPaths: oneOf(root.missingPaths, '$.missingPaths', ['error', 'ignore'], 'error'),
  };
  if (normalized.fs === undefined && normalized.net === undefined && normalized.scope.length === 0) {
    throw invalidSpec('$', 'restricts nothing: give fs, net or scope');
  }
  return normalized;
}
