import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalid, jsonPath, ownData } from '@exile/common';
import { mountOps, procOps } from './mounts.js';
import type { LaunchOptions } from './options.js';
import { CloneFlags, type MountOp, type NamespaceName, type LaunchPlan } from './plan.js';
import { preExecSteps } from './pre-exec.js';
import { absolutePath, cString, integer, isRecord, knownKeys, optionalBoolean } from './validate.js';

const NAMESPACES = Object.keys(CloneFlags) as NamespaceName[];
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';
/** Where the empty root's tmpfs is staged before pivot_root (bind sources are cloned before it covers anything). */
const STAGING = '/tmp';
const MAX_ID = 0xffff_fffe;
const OPTION_KEYS = [
  'namespaces', 'uid', 'gid', 'hostname', 'fs', 'preExec', 'dieWithParent', 'newSession', 'clearEnv',
  'cwd', 'env', 'argv0', 'stdio', 'detached', 'signal', 'timeout', 'killSignal', 'serialization', 'windowsHide', 'windowsVerbatimArguments',
];

/** The namespaces asked for; `fs` implies mount, `hostname` uts, and any of them user (unless `user: false`). */
function namespaces(options: LaunchOptions): Set<NamespaceName> {
  const given = options.namespaces ?? {};
  if (given !== 'all' && !isRecord(given)) throw invalid('$.namespaces', "must be 'all' or an object");
  const wanted = new Set<NamespaceName>(given === 'all' ? NAMESPACES : []);
  if (given !== 'all') {
    knownKeys(given, NAMESPACES, '$.namespaces');
    for (const name of NAMESPACES) if (optionalBoolean(given[name], `$.namespaces.${name}`) === true) wanted.add(name);
  }
  const implied = (name: NamespaceName, why: boolean, path: string): void => {
    if (!why) return;
    if (given !== 'all' && given[name] === false) throw invalid(path, `needs the ${name} namespace, which namespaces.${name} turns off`);
    wanted.add(name);
  };
  implied('mount', options.fs !== undefined, '$.fs');
  implied('uts', options.hostname !== undefined, '$.hostname');
  // Without a user namespace only root can create the others; `user: false` keeps that choice.
  if (wanted.size > 0 && (given === 'all' || given.user !== false)) wanted.add('user');
  return wanted;
}

function environment(options: LaunchOptions): string[] {
  const env = options.env ?? (options.clearEnv === true ? {} : process.env);
  if (!isRecord(env)) throw invalid('$.env', 'must be an object');
  const out: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (key === '' || key.includes('=') || key.includes('\0')) throw invalid(jsonPath('$.env', key), 'is not a valid variable name');
    out.push(`${key}=${cString(String(value), jsonPath('$.env', key), { empty: true })}`);
  }
  return out;
}

/** execvp's PATH search, as a list of candidates the launcher tries in order (`env`: `NAME=value` strings). */
export function execCandidates(command: string, env: string[]): string[] {
  if (command.includes('/')) return [command];
  const path = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  return path.split(':').map((dir) => `${dir === '' ? '.' : dir.replace(/\/+$/, '')}/${command}`);
}

function stdioCount(stdio: LaunchOptions['stdio']): number {
  if (stdio === undefined || typeof stdio === 'string') return 3;
  if (!Array.isArray(stdio)) throw invalid('$.stdio', 'must be a string or an array');
  stdio.forEach((s, i) => {
    if (s === 'ipc') throw invalid(`$.stdio[${i}]`, "'ipc' is not supported through the launcher");
  });
  return Math.max(3, stdio.length);
}

/**
 * The fd at which the launcher finds a seccomp step's listener socket: right after the plan fd.
 * A filter with a listener must let the launcher `sendmsg` on it after installing.
 */
export function listenerFd(stdio: LaunchOptions['stdio']): number {
  return stdioCount(stdio) + 1;
}

/**
 * The flags the launcher hands the listener over with, `sendmsg(listenerFd(stdio), …, flags)`:
 * MSG_NOSIGNAL | MSG_DONTWAIT (native/preexec.c). A filter with a listener allows sendmsg on that
 * fd with exactly these flags (a notified sendmsg would wait for a supervisor that has no listener yet).
 */
export const LISTENER_HANDOVER_FLAGS = 0x4040;

function workingDirectory(options: LaunchOptions, emptyRoot: boolean): string {
  const cwd = options.cwd instanceof URL ? fileURLToPath(options.cwd) : options.cwd;
  if (cwd === undefined) return emptyRoot ? '/' : process.cwd();
  cString(cwd, '$.cwd');
  if (emptyRoot) return absolutePath(cwd, '$.cwd');
  return isAbsolute(cwd) ? cwd : resolve(cwd);
}

function fileSystem(options: LaunchOptions, ns: Set<NamespaceName>): { ops: MountOp[]; emptyRoot: boolean } {
  const fs = options.fs ?? {};
  if (!isRecord(fs)) throw invalid('$.fs', 'must be an object');
  knownKeys(fs, ['root', 'mounts'], '$.fs');
  if (fs.root !== undefined && fs.root !== 'host' && fs.root !== 'empty') throw invalid('$.fs.root', "must be 'host' or 'empty'");
  const emptyRoot = fs.root === 'empty';
  const mounts = fs.mounts ?? [];
  if (!Array.isArray(mounts)) throw invalid('$.fs.mounts', 'must be an array');
  const context = { emptyRoot, hostRoot: (process.geteuid?.() ?? 0) === 0 };
  const ops = mounts.flatMap((m, i) => mountOps(m, `$.fs.mounts[${i}]`, context));
  // On the host's tree a pid namespace needs its own /proc, or `ps` would show the host.
  if (!emptyRoot && ns.has('pid') && ns.has('mount') && !ops.some((op) => op.op === 'proc' && op.target === '/proc')) {
    ops.push(...procOps('/proc', context.hostRoot));
  }
  return { ops, emptyRoot };
}

function id(value: unknown, path: string, ns: Set<NamespaceName>, fallback: number): number {
  if (value === undefined) return fallback;
  if (!ns.has('user')) throw invalid(path, 'needs the user namespace');
  return integer(value, path, 0, MAX_ID);
}

/**
 * Validates `spawn`'s arguments and decides every step of the launch. Throws
 * `ERR_EXILE_INVALID_POLICY` (with `details.path`) on the first bad part; pure otherwise.
 */
export function buildPlan(command: string, args: readonly string[], input: LaunchOptions = {}): LaunchPlan {
  cString(command, 'command');
  if (!Array.isArray(args)) throw invalid('args', 'must be an array of strings');
  const argv = ownData(args).map((a, i) => cString(a, `args[${i}]`, { empty: true }));
  // Own data only: a polluted Object.prototype must not add namespaces, mounts or steps.
  const options = ownData(input);
  const record: unknown = options;
  if (!isRecord(record)) throw invalid('$', 'must be an object');
  knownKeys(record, OPTION_KEYS, '$');
  const ns = namespaces(options);
  const { ops, emptyRoot } = fileSystem(options, ns);
  const euid = process.geteuid?.() ?? 0;
  const egid = process.getegid?.() ?? 0;
  const uid = id(options.uid, '$.uid', ns, euid);
  const gid = id(options.gid, '$.gid', ns, egid);
  const env = environment(options);
  const keepFds = stdioCount(options.stdio);
  const plan: LaunchPlan = {
    dieWithParent: optionalBoolean(options.dieWithParent, '$.dieWithParent') ?? false,
    newSession: optionalBoolean(options.newSession, '$.newSession') ?? false,
    cloneFlags: [...ns].reduce((flags, name) => flags | CloneFlags[name], 0),
    setgroupsDeny: ns.has('user'),
    uidMap: ns.has('user') ? [{ inside: uid, outside: euid, count: 1 }] : [],
    gidMap: ns.has('user') ? [{ inside: gid, outside: egid, count: 1 }] : [],
    loopback: ns.has('net'),
    mountPrivate: ns.has('mount'),
    createTargets: emptyRoot,
    mounts: ops,
    cwd: workingDirectory(options, emptyRoot),
    steps: preExecSteps(options.preExec, '$.preExec'),
    argv: [options.argv0 === undefined ? command : cString(options.argv0, '$.argv0', { empty: true }), ...argv],
    env,
    exec: execCandidates(command, env),
    keepFds,
    planFd: keepFds,
    parentPid: process.pid,
  };
  optionalBoolean(options.clearEnv, '$.clearEnv');
  if (options.hostname !== undefined) plan.hostname = cString(options.hostname, '$.hostname');
  if (plan.hostname !== undefined && Buffer.byteLength(plan.hostname) > 64) throw invalid('$.hostname', 'must be at most 64 bytes');
  if (emptyRoot) plan.staging = STAGING;
  return plan;
}
