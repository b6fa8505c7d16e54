import { resolve } from 'node:path';
import { ErrorCodes, ExileError } from '@exile/common';
import { EXEC, FS_ACCESS_NAMES, FS_RIGHTS, READ, SCOPE_NAMES, WRITE, maskOf, type FsAccess, type NetAccess, type Scope } from './rights.js';

/** What `restrict()` takes. Every category present is restricted; see the README for the vocabulary. */
export interface LandlockSpec {
  /** Present → file-system access is handled: only what these rules grant stays allowed.
   *  `read` = read-file + read-dir; `write` = create/change/remove (no read, no ioctl-dev, no
   *  resolve-unix); `exec` = execute + read-file. */
  fs?: {
    read?: string[];
    write?: string[];
    exec?: string[];
    rules?: { path: string; access: FsAccess[] }[];
  };
  /** Present → TCP (and, on ABI 10, UDP) access is handled: only these ports stay allowed. */
  net?: { bindTcp?: number[]; connectTcp?: number[]; bindUdp?: number[]; connectUdp?: number[] };
  /** IPC towards processes outside the sandbox to block. */
  scope?: Scope[];
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
  /** JSON paths of the spec entries that named it, e.g. `fs.read[0]`. */
  where: string[];
}

/** One port with the net rights granted on it. */
export interface PortGrant {
  port: number;
  access: NetAccess[];
}

/** A validated spec in a form the planner can use directly. */
export interface NormalizedSpec {
  /** Present iff the spec has `fs`. */
  fs: PathGrant[] | undefined;
  /** Present iff the spec has `net`. */
  net: { ports: PortGrant[]; named: NetAccess[] } | undefined;
  scope: Scope[];
  compat: 'hard' | 'best-effort';
  missingPaths: 'error' | 'ignore';
}

const NET_KEYS: Readonly<Record<string, NetAccess>> = {
  bindTcp: 'bind-tcp', connectTcp: 'connect-tcp', bindUdp: 'bind-udp', connectUdp: 'connect-send-udp',
};

function invalid(path: string, message: string): ExileError {
  return new ExileError(ErrorCodes.INVALID_POLICY, `landlock spec: ${path === '' ? 'the spec' : path} ${message}`, { path });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

function object(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (!isRecord(value)) throw invalid(path, 'must be an object');
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw invalid(join(path, key), `is not a known key (expected one of ${keys.join(', ')})`);
  }
  return value;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(path, 'must be an array');
  return value;
}

function filePath(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(path, 'must be a non-empty path string');
  if (value.includes('\0')) throw invalid(path, 'must not contain a NUL byte');
  return resolve(value);
}

function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw invalid(path, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function normalizeFs(value: unknown): PathGrant[] {
  const fs = object(value, 'fs', ['read', 'write', 'exec', 'rules']);
  const grants = new Map<string, PathGrant>();
  const grant = (raw: unknown, where: string, access: readonly FsAccess[]): void => {
    const path = filePath(raw, where);
    const entry = grants.get(path) ?? { path, access: 0, where: [] };
    entry.access |= maskOf(FS_RIGHTS, access);
    entry.where.push(where);
    grants.set(path, entry);
  };
  const groups: [string, readonly FsAccess[]][] = [['read', READ], ['write', WRITE], ['exec', EXEC]];
  for (const [key, access] of groups) {
    if (fs[key] === undefined) continue;
    array(fs[key], join('fs', key)).forEach((raw, i) => grant(raw, join(join('fs', key), i), access));
  }
  if (fs.rules !== undefined) {
    array(fs.rules, 'fs.rules').forEach((raw, i) => {
      const where = join('fs.rules', i);
      const rule = object(raw, where, ['path', 'access']);
      const access = array(rule.access, join(where, 'access')).map((name, j) => {
        if (typeof name !== 'string' || !(FS_ACCESS_NAMES as string[]).includes(name)) {
          throw invalid(join(join(where, 'access'), j), `must be one of ${FS_ACCESS_NAMES.join(', ')}`);
        }
        return name as FsAccess;
      });
      if (access.length === 0) throw invalid(join(where, 'access'), 'must name at least one right');
      grant(rule.path, join(where, 'path'), access);
    });
  }
  return [...grants.values()];
}

function normalizeNet(value: unknown): { ports: PortGrant[]; named: NetAccess[] } {
  const net = object(value, 'net', Object.keys(NET_KEYS));
  const ports = new Map<number, PortGrant>();
  const named: NetAccess[] = [];
  for (const [key, access] of Object.entries(NET_KEYS)) {
    if (net[key] === undefined) continue;
    named.push(access);
    array(net[key], join('net', key)).forEach((port, i) => {
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
        throw invalid(join(join('net', key), i), 'must be a port number 0-65535');
      }
      const entry = ports.get(port) ?? { port, access: [] };
      if (!entry.access.includes(access)) entry.access.push(access);
      ports.set(port, entry);
    });
  }
  return { ports: [...ports.values()], named };
}

function normalizeScope(value: unknown): Scope[] {
  if (value === undefined) return [];
  const scopes = array(value, 'scope').map((name, i) => {
    if (typeof name !== 'string' || !(SCOPE_NAMES as string[]).includes(name)) {
      throw invalid(join('scope', i), `must be one of ${SCOPE_NAMES.join(', ')}`);
    }
    return name as Scope;
  });
  return SCOPE_NAMES.filter((name) => scopes.includes(name));
}

/**
 * Validates a spec (throws ERR_EXILE_INVALID_POLICY naming the JSON path of the bad part) and
 * returns it normalized: paths absolute, grants merged per path and per port.
 */
export function normalizeSpec(spec: unknown): NormalizedSpec {
  const root = object(spec, '', ['fs', 'net', 'scope', 'compat', 'missingPaths']);
  const normalized: NormalizedSpec = {
    fs: root.fs === undefined ? undefined : normalizeFs(root.fs),
    net: root.net === undefined ? undefined : normalizeNet(root.net),
    scope: normalizeScope(root.scope),
    compat: oneOf(root.compat, 'compat', ['hard', 'best-effort'], 'hard'),
    missingPaths: oneOf(root.missingPaths, 'missingPaths', ['error', 'ignore'], 'error'),
  };
  if (normalized.fs === undefined && normalized.net === undefined && normalized.scope.length === 0) {
    throw invalid('', 'restricts nothing: give fs, net or scope');
  }
  return normalized;
}
