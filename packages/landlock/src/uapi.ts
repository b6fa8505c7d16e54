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

/** landlock_restrict_self flags (the logging flags of ABI 7 are not used by this package). */
export const RESTRICT_SELF_LOG_SAME_EXEC_OFF = 1 << 0;
export const RESTRICT_SELF_LOG_NEW_EXEC_ON = 1 << 1;
export const RESTRICT_SELF_LOG_SUBDOMAINS_OFF = 1 << 2;
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

/** struct landlock_ruleset_attr for `abi`, quiet fields zero. Fields the ABI lacks must be 0. */
export function encodeRulesetAttr(abi: number, handled: { fs: number; net: number; scoped: number }): Buffer {
  const size = rulesetAttrSize(abi);
  const buf = Buffer.alloc(size);
  if ((handled.net !== 0 && size < 16) || (handled.scoped !== 0 && size < 24)) {
    throw new RangeError(`ruleset_attr of ABI ${abi} cannot carry net/scoped`);
  }
  writeU64(buf, 0, handled.fs);
  if (size >= 16) writeU64(buf, 8, handled.net);
  if (size >= 24) writeU64(buf, 16, handled.scoped);
  return buf;
}

/** struct landlock_path_beneath_attr. */
export function encodePathBeneath(allowed: number, parentFd: number): Buffer {
  const buf = Buffer.alloc(PATH_BENEATH_ATTR_SIZE);
  writeU64(buf, 0, allowed);
  if (little) buf.writeInt32LE(parentFd, 8);
  else buf.writeInt32BE(parentFd, 8);
  return buf;
}

/** struct landlock_net_port_attr (port in host endianness). */
export function encodeNetPort(allowed: number, port: number): Buffer {
  const buf = Buffer.alloc(NET_PORT_ATTR_SIZE);
  writeU64(buf, 0, allowed);
  writeU64(buf, 8, port);
  return buf;
}
