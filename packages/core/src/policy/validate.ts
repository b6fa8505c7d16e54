import { resolve } from 'node:path';
import { ExileError, invalid, ownData } from '@exile/common';
import { parseWithModifiers } from '@exile/vows';
import type { Cap } from '@exile/caps';
import { canonicalCap } from './capabilities.js';
import { IN_POLICY } from './invalid.js';
import { check } from './schema-check.js';
import { checkMountsInFs, normalizeMounts } from './mounts.js';
import { readSeccompProfile } from './seccomp-profile.js';
import { normalizeSyscalls } from './syscalls.js';
import { policySchema } from './schema.js';
import { profileGrants, type ProfileGrant } from './profile-grants.js';
import { profileHost } from './profile-host.js';
import type { NormalizedPolicy, Policy } from './types.js';

function paths(list: string[] | undefined, at: string, base: string): string[] {
  const out = new Set<string>();
  (list ?? []).forEach((p, i) => {
    if (p.includes('\0')) throw invalid(`${at}[${i}]`, 'must not contain a NUL byte', {}, IN_POLICY);
    out.add(resolve(base, p));
  });
  return [...out];
}

function ports(list: number[] | undefined): number[] {
  return [...new Set(list ?? [])].sort((a, b) => a - b);
}

/** The vows and OpenBSD's `error` modifier (a penalty: errno ENOSYS), as @exile/vows parses them. */
function vows(input: Policy['vows']): { vows: NormalizedPolicy['vows']; error: boolean } {
  if (input === undefined) return { vows: undefined, error: false };
  try {
    return parseWithModifiers(input);
  } catch (error) {
    if (!(error instanceof ExileError)) throw error;
    const index = typeof input === 'string' ? undefined : (error.details.index as number | undefined);
    const path = index === undefined ? '$.vows' : `$.vows[${index}]`;
    throw invalid(path, error.message, error.details, { ...IN_POLICY, code: error.code, cause: error });
  }
}

function capabilities(input: Policy['capabilities']): NormalizedPolicy['capabilities'] {
  if (input === undefined) return undefined;
  if (input === 'drop-all') return { keep: [] };
  const keep = new Set<Cap>();
  input.keep.forEach((name, i) => {
    const cap = canonicalCap(name);
    if (cap === undefined) throw invalid(`$.capabilities.keep[${i}]`, `is not a known capability: ${JSON.stringify(name)}`, {}, IN_POLICY);
    keep.add(cap);
  });
  return { keep: [...keep] };
}

/** A policy's `fs` with its profiles' paths added (profiles alone make a file-system policy). */
function withProfiles(fs: Policy['fs'] & object | undefined, profiles: ProfileGrant[]): (Policy['fs'] & object) | undefined {
  if (profiles.length === 0) return fs;
  const own = fs ?? {};
  return {
    ...own,
    read: [...(own.read ?? []), ...profiles.flatMap((p) => p.read)],
    exec: [...(own.exec ?? []), ...profiles.flatMap((p) => p.exec)],
  };
}

const ALL_NAMESPACES = { user: true, mount: true, net: true, pid: true, ipc: true, uts: true, cgroup: true };

/**
 * Checks a policy against the shipped JSON Schema and the vow and capability names, and
 * returns it normalized. Bad parts throw `ERR_EXILE_INVALID_POLICY` (or `ERR_EXILE_UNKNOWN_VOW`)
 * with `details.path`, the JSON path of the bad part. Relative paths resolve against `base`.
 * Reads only the policy's own properties.
 */
export function validatePolicy(policy: unknown, base: string = process.cwd()): NormalizedPolicy {
  // Only the caller's own data, copied once: inherited keys (a polluted Object.prototype) never widen it.
  const own = ownData(policy);
  const problem = check(policySchema, policySchema, own);
  if (problem !== undefined) throw invalid(problem.path, problem.message, {}, IN_POLICY);
  const p = own as Policy;
  const parsed = vows(p.vows);
  const profiles = profileGrants(p.profiles ?? [], profileHost(base));
  if (profiles.length > 0 && p.fs === false) throw invalid('$.profiles', 'grant files, but "fs" is false (no file-system access at all)', {}, IN_POLICY);
  const fs = p.fs === false ? false : withProfiles(p.fs, profiles);
  const normalized: NormalizedPolicy = {
    fs: fs === undefined || fs === false ? fs : {
      read: paths(fs.read, '$.fs.read', base),
      write: paths(fs.write, '$.fs.write', base),
      exec: paths(fs.exec, '$.fs.exec', base),
      devices: fs.devices ?? true,
      allowWriteExec: fs.allowWriteExec ?? false,
      makeDevices: paths(fs.makeDevices, '$.fs.makeDevices', base),
      sockets: paths(fs.sockets, '$.fs.sockets', base),
    },
    profiles,
    net: p.net === undefined || p.net === true ? undefined : p.net === false ? false : {
      connect: ports(p.net.connect),
      bind: ports(p.net.bind),
    },
    vows: parsed.vows,
    syscalls: normalizeSyscalls(p.syscalls),
    capabilities: capabilities(p.capabilities),
    namespaces: p.namespaces === 'all' ? { ...ALL_NAMESPACES } : p.namespaces,
    uid: p.uid,
    gid: p.gid,
    hostname: p.hostname,
    mounts: normalizeMounts(p.mounts, base),
    seccompProfile: readSeccompProfile(p.seccompProfile, base),
    mode: p.mode ?? 'strict',
    penalty: p.penalty ?? (parsed.error ? 'errno' : 'kill'),
    errno: parsed.error ? 'ENOSYS' : 'EPERM',
  };
  checkMountsInFs(normalized.mounts, normalized.fs);
  return normalized;
}

/** The canonical `Policy` form of a normalized policy (what `loadPolicy` returns). */
export function toPolicy(n: NormalizedPolicy): Policy {
  const policy: Policy = { mode: n.mode, penalty: n.penalty };
  if (n.fs !== undefined) {
    policy.fs = n.fs === false ? false : {
      read: n.fs.read, write: n.fs.write, exec: n.fs.exec,
      ...(n.fs.devices ? {} : { devices: false }), ...(n.fs.allowWriteExec ? { allowWriteExec: true } : {}),
      ...(n.fs.makeDevices.length > 0 ? { makeDevices: n.fs.makeDevices } : {}),
      ...(n.fs.sockets.length > 0 ? { sockets: n.fs.sockets } : {}),
    };
  }
  if (n.profiles.length > 0) policy.profiles = n.profiles.map((p) => p.name);
  if (n.net !== undefined) policy.net = n.net === false ? false : { connect: n.net.connect, bind: n.net.bind };
  if (n.vows !== undefined) policy.vows = n.errno === 'ENOSYS' ? [...n.vows, 'error'].join(' ') : n.vows;
  if (n.syscalls.length > 0) policy.syscalls = n.syscalls;
  if (n.capabilities !== undefined) policy.capabilities = n.capabilities.keep.length === 0 ? 'drop-all' : { keep: n.capabilities.keep };
  if (n.namespaces !== undefined) policy.namespaces = n.namespaces;
  if (n.uid !== undefined) policy.uid = n.uid;
  if (n.gid !== undefined) policy.gid = n.gid;
  if (n.hostname !== undefined) policy.hostname = n.hostname;
  if (n.mounts.length > 0) policy.mounts = n.mounts;
  if (n.seccompProfile !== undefined) policy.seccompProfile = n.seccompProfile.source;
  return policy;
}
