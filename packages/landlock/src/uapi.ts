/**
 * Landlock syscall-level constants and struct encoders (everything but the access rights, which
 * live in rights.ts). Structs are little-/host-endian u64 fields, encoded here so the native code
 * stays free of layouts.
 */
import { endianness } from 'node:os';

/** landlock_create_ruleset flags. */
export const CREATE_RULESET_VERSION = 1 << 0;
export const CREATE_RULESET_ERRATA = 1 << 1;

/** landlock_add_rule rule types. */
export const RULE_PATH_BENEATH = 1;
/** ABI 4. */
export const RULE_NET_PORT = 2;

/** landlock_add_rule flags. ABI 10: the rule's object is quiet (its denials are not logged). */
export const ADD_RULE_QUIET = 1 << 0;
/** The first ABI with the quiet fields of the ruleset attr and ADD_RULE_QUIET. */
export const QUIET_ABI = 10;

/** A landlock_restrict_self audit-log flag (ABI 7), by what it changes from the kernel's default. */
export type LogFlag = 'same-exec-off' | 'new-exec-on' | 'subdomains-off';
/** LANDLOCK_RESTRICT_SELF_LOG_*: SAME_EXEC_OFF, NEW_EXEC_ON, SUBDOMAINS_OFF. */
export const LOG_FLAGS: Readonly<Record<LogFlag, { value: number; abi: number }>> = {
  'same-exec-off': { value: 1 << 0, abi: 7 },
  'new-exec-on': { value: 1 << 1, abi: 7 },
  'subdomains-off': { value: 1 << 2, abi: 7 },
};
/** ABI 8: apply the domain to every thread of the process, atomically. */
export const RESTRICT_SELF_TSYNC = 1 << 3;
/** The first ABI with RESTRICT_SELF_TSYNC. */
export const TSYNC_ABI = 8;

/** Errata bits (LANDLOCK_CREATE_RULESET_ERRATA). */
export const ERRATUM_TCP_SOCKET_IDENTIFICATION = 1 << 0;
/** Fixed: signals between threads of one process are never blocked by the signal scope. */
export const ERRATUM_SCOPED_SIGNAL_SAME_PROCESS = 1 << 1;
export const ERRATUM_DISCONNECTED_DIRECTORY = 1 << 2;

/** How many domains may be stacked on one thread; beyond it restrict_self fails with E2BIG
 *  (it was 64 before kernel commit 75c542d6c6cc, backported to stable). */
export const MAX_LAYERS = 16;

/** sizeof(struct landlock_ruleset_attr) per ABI: handled_access_fs (1), + handled_access_net (4),
 *  + scoped (6), + quiet_access_fs/net/scoped (10). */
export function rulesetAttrSize(abi: number): number {
  if (abi >= 10) return 48;
  if (abi >= 6) return 24;
  if (abi >= 4) return 16;
  return 8;
}

/** sizeof(struct landlock_path_beneath_attr): packed u64 + s32. */
export const PATH_BENEATH_ATTR_SIZE = 12;
/** Offset of parent_fd in struct landlock_path_beneath_attr: where another executor puts the fd it opened. */
export const PATH_BENEATH_FD_OFFSET = 8;
/** sizeof(struct landlock_net_port_attr): u64 + u64. */
export const NET_PORT_ATTR_SIZE = 16;

const little = endianness() === 'LE';

/** Writes a u64 field. Every value here (masks up to bit 16, ports) fits in 32 bits, so the high
 *  half is 0 — and no BigInt conversion is needed on this hot, cold-started path. */
function writeU64(buf: Buffer, offset: number, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`u64 field out of range: ${value}`);
  if (little) buf.writeUInt32LE(value, offset);
  else buf.writeUInt32BE(value, offset + 4);
}

type Masks = { fs: number; net: number; scoped: number };
const NO_QUIET: Masks = { fs: 0, net: 0, scoped: 0 };

/** struct landlock_ruleset_attr for `abi`: the handled masks, and the quiet ones (ABI 10). Fields
 *  the ABI lacks must be 0. */
export function encodeRulesetAttr(abi: number, handled: Masks, quiet: Masks = NO_QUIET): Buffer {
  const size = rulesetAttrSize(abi);
  const buf = Buffer.alloc(size);
  if ((handled.net !== 0 && size < 16) || (handled.scoped !== 0 && size < 24)
    || ((quiet.fs | quiet.net | quiet.scoped) !== 0 && size < 48)) {
    throw new RangeError(`ruleset_attr of ABI ${abi} cannot carry net/scoped/quiet`);
  }
  writeU64(buf, 0, handled.fs);
  if (size >= 16) writeU64(buf, 8, handled.net);
  if (size >= 24) writeU64(buf, 16, handled.scoped);
  if (size >= 48) {
    writeU64(buf, 24, quiet.fs);
    writeU64(buf, 32, quiet.net);
    writeU64(buf, 40, quiet.scoped);
  }
  return buf;
}

/** struct landlock_path_beneath_attr. */
export function encodePathBeneath(allowed: number, parentFd: number): Buffer {
  const buf = Buffer.alloc(PATH_BENEATH_ATTR_SIZE);
  writeU64(buf, 0, allowed);
  if (little) buf.writeInt32LE(parentFd, PATH_BENEATH_FD_OFFSET);
  else buf.writeInt32BE(parentFd, PATH_BENEATH_FD_OFFSET);
  return buf;
}

/** struct landlock_net_port_attr (port in host endianness). */
export function encodeNetPort(allowed: number, port: number): Buffer {
  const buf = Buffer.alloc(NET_PORT_ATTR_SIZE);
  writeU64(buf, 0, allowed);
  writeU64(buf, 8, port);
  return buf;
}
