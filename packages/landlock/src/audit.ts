import { closeSync, readSync } from 'node:fs';
import { errnoName } from '@exile/common';
import { native } from './native.js';
import { FS_RIGHTS, NET_RIGHTS, SCOPES, type FsAccess, type NetAccess, type Scope } from './rights.js';

/** The audit record types of Landlock (linux/audit.h, ABI 7): a denial, and a domain's life. */
export const AUDIT_LANDLOCK_ACCESS = 1423;
export const AUDIT_LANDLOCK_DOMAIN = 1424;

/** What blocked an access, by the kernel's blocker name (`fs.read_file`, `net.connect_tcp`,
 *  `scope.signal`); `other` for the blockers that are no right of a spec (`fs.change_topology`,
 *  `ptrace`). */
export type Blocker = { kind: 'fs'; right: FsAccess } | { kind: 'net'; right: NetAccess } | { kind: 'scope'; right: Scope } | { kind: 'other'; name: string };

/** One Landlock audit record, as the kernel writes it (to the audit log, or to the kernel log
 *  when no audit daemon listens). `event` ties the records of one event together (its serial). */
export type LandlockRecord =
  | { type: 'access'; event: string; domain: string; blockers: Blocker[]; path?: string; port?: number }
  | { type: 'domain'; event: string; domain: string; status: string; pid?: number; comm?: string };

function blocker(name: string): Blocker {
  const [kind, raw = ''] = name.split('.', 2);
  const right = raw.replaceAll('_', '-');
  if (kind === 'fs' && right in FS_RIGHTS) return { kind, right: right as FsAccess };
  if (kind === 'net' && right in NET_RIGHTS) return { kind, right: right as NetAccess };
  if (kind === 'scope' && right in SCOPES) return { kind, right: right as Scope };
  return { kind: 'other', name };
}

/** The fields audit writes as untrusted strings: quoted, or hex when they hold a special character. */
const UNTRUSTED = new Set(['path', 'comm', 'exe', 'name']);

/** The fields of a record: `key=value`, `key="quoted"`; a value audit hex-encoded (an untrusted
 *  string with a space, a quote or a control character) is decoded. */
function fields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [, key, raw, quoted] of text.matchAll(/(\w+)=("([^"]*)"|\S+)/g)) {
    if (key === undefined || raw === undefined || out.has(key)) continue;
    const hex = quoted === undefined && UNTRUSTED.has(key) && /^(?:[0-9A-F]{2})+$/.test(raw);
    out.set(key, quoted ?? (hex ? Buffer.from(raw, 'hex').toString('utf8') : raw));
  }
  return out;
}

/**
 * A Landlock record from a line of the audit or kernel log (`type=1423 audit(…:SERIAL): domain=…`,
 * also with a `audit: ` or `/dev/kmsg` prefix); undefined for any other line.
 */
export function parseLandlockRecord(line: string): LandlockRecord | undefined {
  const head = /type=(\d+|LANDLOCK_ACCESS|LANDLOCK_DOMAIN|UNKNOWN\[\d+\]) (?:msg=)?audit\(([\d.]+:\d+)\):\s*(.*)$/s.exec(line);
  if (head === null) return undefined;
  const [, name = '', event = '', body = ''] = head;
  // The kernel log has the number; an audit daemon's log the name (or UNKNOWN[number] before it knew it).
  const type = name === 'LANDLOCK_ACCESS' ? AUDIT_LANDLOCK_ACCESS : name === 'LANDLOCK_DOMAIN' ? AUDIT_LANDLOCK_DOMAIN : Number(/\d+/.exec(name)?.[0]);
  const f = fields(body);
  const domain = f.get('domain');
  if (domain === undefined) return undefined;
  if (type === AUDIT_LANDLOCK_ACCESS) {
    const port = f.get('dest') ?? f.get('src');
    return {
      type: 'access', event, domain, blockers: (f.get('blockers') ?? '').split(',').filter(Boolean).map(blocker),
      ...(f.has('path') ? { path: f.get('path') } : {}), ...(port === undefined ? {} : { port: Number(port) }),
    };
  }
  if (type === AUDIT_LANDLOCK_DOMAIN) {
    const pid = f.get('pid');
    return { type: 'domain', event, domain, status: f.get('status') ?? '', ...(pid === undefined ? {} : { pid: Number(pid) }),
      ...(f.has('comm') ? { comm: f.get('comm') } : {}) };
  }
  return undefined;
}

/** Why an audit reader could not open: the errno name of socket(2) or bind(2) (EPERM without
 *  CAP_AUDIT_READ, EPROTONOSUPPORT on a kernel without audit). */
export interface AuditReaderUnavailable {
  readonly error: string;
}

/**
 * A live copy of the kernel's audit records, from when it opened: the audit netlink read-log
 * multicast group (AUDIT_NLGRP_READLOG). Unlike the kernel log, where the kernel writes audit
 * records when no audit daemon listens, it is not rate-limited (the kernel log keeps 10 lines in
 * 5 s) and has only audit records. The kernel asks CAP_AUDIT_READ (root has it) and sends the group
 * only in the initial network namespace; records exist only while audit is on (`audit=1`, or an
 * audit daemon).
 */
export interface AuditReader {
  /** The records that arrived since the last call, as lines of the audit log
   *  (`type=1423 audit(…:SERIAL): domain=…`, what {@link parseLandlockRecord} reads). Never blocks. */
  read(): string[];
  close(): void;
}

/** `struct nlmsghdr`: length (with the header), type, flags, sequence, port id. */
const NLMSG_HDRLEN = 16;
const NLMSG_ALIGN = (n: number): number => (n + 3) & ~3;

/** The audit records in one netlink datagram: `type=<nlmsg_type> <text>` per message. */
export function auditDatagramLines(data: Buffer): string[] {
  const lines: string[] = [];
  for (let at = 0; at + NLMSG_HDRLEN <= data.length;) {
    const length = data.readUInt32LE(at);
    const type = data.readUInt16LE(at + 4);
    if (length < NLMSG_HDRLEN || at + length > data.length) break;
    const text = data.toString('utf8', at + NLMSG_HDRLEN, at + length).replace(/\0+$/, '').trimEnd();
    if (text.length > 0) lines.push(`type=${type} ${text}`);
    at += NLMSG_ALIGN(length);
  }
  return lines;
}

/** AUDIT_GET (linux/audit.h): the kernel answers with its `struct audit_status`. */
const AUDIT_GET = 1000;
/** NLMSG_ERROR: the kernel refused the request (its errno, negated, follows the header). */
const NLMSG_ERROR = 2;

/**
 * Whether the kernel's audit is on, so that Landlock's denials are recorded at all: `true`/`false`
 * from its status (`enabled` ≠ 0), or why it cannot be asked (EPERM without CAP_AUDIT_CONTROL or
 * outside the initial pid namespace, EPROTONOSUPPORT on a kernel without audit).
 */
export function auditEnabled(): boolean | AuditReaderUnavailable {
  const reply = native.auditRequest(AUDIT_GET);
  if (typeof reply === 'number') return { error: errnoName(-reply) };
  if (reply.length < NLMSG_HDRLEN + 8) return { error: 'EPROTO' };
  const type = reply.readUInt16LE(4);
  if (type === NLMSG_ERROR) return { error: errnoName(-reply.readInt32LE(NLMSG_HDRLEN)) };
  // struct audit_status: mask (u32), then enabled (u32).
  return type === AUDIT_GET ? reply.readUInt32LE(NLMSG_HDRLEN + 4) !== 0 : { error: 'EPROTO' };
}

/** Opens an {@link AuditReader}, or says why it cannot. */
export function openAuditReader(): AuditReader | AuditReaderUnavailable {
  const fd = native.auditSubscribe();
  if (fd < 0) return { error: errnoName(-fd) };
  const buffer = Buffer.alloc(64 * 1024);
  let open = true;
  return {
    read() {
      const lines: string[] = [];
      while (open) {
        let n: number;
        try {
          n = readSync(fd, buffer);
        } catch (error) {
          // ENOBUFS: the socket overflowed and the kernel dropped records; the next ones still come.
          if ((error as NodeJS.ErrnoException).code === 'ENOBUFS') continue;
          break; // EAGAIN: nothing more for now.
        }
        if (n <= 0) break;
        lines.push(...auditDatagramLines(buffer.subarray(0, n)));
      }
      return lines;
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
