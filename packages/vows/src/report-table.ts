import { VOW_NAMES, type Vow } from './names.js';
import { VOW_ARCHES, type Arch, type ArgCheck } from './policy-types.js';
import type { VowRule } from './definition.js';
import { VOWS } from './table.js';
import { ruleArgs } from './grant.js';
import { syscallList, syscallName, syscallNumber } from './syscall-names.js';
import { argsHold } from '@exile/seccomp';
import { BROAD_VOWS } from './allowing.js';

/** One way a syscall could have been allowed: its checks, and the vows still missing for it. */
export interface Hint {
  args: ArgCheck[];
  missing: Vow[];
}

const quote = (vows: readonly Vow[]): string => {
  const q = vows.map((vow) => `"${vow}"`);
  return q.length === 1 ? q[0]! : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]!}`;
};

/** The report line for a blocked call (what the SIGSYS handler writes). */
export function violationLine(name: string, hint: Hint | undefined, mentioned: boolean): string {
  const head = `exile: ${name}(2) blocked by vows; `;
  if (hint === undefined) return `${head}${mentioned ? 'no vow allows these arguments' : 'no vow allows it'}\n`;
  if (hint.missing.length === 0) return `${head}an earlier vow() call forbids it\n`;
  return `${head}add ${quote(hint.missing)} to allow\n`;
}

const rank = (hint: Hint): number => hint.missing.length + (hint.missing.some((vow) => BROAD_VOWS.has(vow)) ? 100 : 0);

interface Mention { vow: Vow; rule: VowRule | undefined }

let mentions: Map<string, Mention[]> | undefined;

/** Syscall name → every (vow, rule) that mentions it (rule undefined: allowed with any arguments). Built once. */
function mentionIndex(): Map<string, Mention[]> {
  if (mentions !== undefined) return mentions;
  mentions = new Map();
  const add = (name: string, mention: Mention): void => {
    const list = mentions!.get(name);
    if (list === undefined) mentions!.set(name, [mention]);
    else list.push(mention);
  };
  for (const vow of VOW_NAMES) {
    for (const name of VOWS[vow].syscalls) add(name, { vow, rule: undefined });
    for (const rule of VOWS[vow].rules) for (const name of typeof rule.syscall === 'string' ? [rule.syscall] : rule.syscall) add(name, { vow, rule });
  }
  return mentions;
}

/** Every shape that would allow `name`, narrowest first (the handler takes the first that matches). */
export function hintsFor(name: string, granted: readonly Vow[], pid: number): Hint[] {
  const have = new Set(granted);
  const hints = (mentionIndex().get(name) ?? []).map(({ vow, rule }): Hint => ({
    args: rule === undefined ? [] : ruleArgs(rule, pid),
    missing: [vow, ...(rule?.requires ?? [])].filter((needed) => !have.has(needed)),
  }));
  return hints.sort((a, b) => rank(a) - rank(b));
}

const OPS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'masked-eq'] as const;
const MAGIC = 0x31565845; // "EXV1", checked by native/handler.c

const u64 = (value: number | bigint | undefined, width: 32 | 64): bigint => BigInt.asUintN(width, BigInt(value ?? 0));

/**
 * The SIGSYS reporter's table for `arch`: per syscall number the default line and the hints
 * (argument checks → line). Binary layout documented in native/handler.c.
 */
export function reportTable(granted: readonly Vow[], arch: Arch, pid: number): Uint8Array {
  const names = syscallList(arch);
  const numbered = names.map((name) => [syscallNumber(name, arch)!, name] as const);
  const nrCount = Math.max(...numbered.map(([nr]) => nr)) + 1;
  const byNr = new Map(numbered);
  // Lines are ASCII (syscall and vow names), so a line's byte length is its string length: offsets
  // are known without encoding each line on its own (this table is built on every vow() call).
  const strings: string[] = [];
  let strBytes = 0;
  const text = (line: string): number => {
    const offset = strBytes;
    strings.push(line);
    strBytes += 4 + line.length;
    return offset;
  };
  const rows: [number, number, number][] = [];
  const entries: [number, number, number][] = [];
  const checks: ArgCheck[] = [];
  for (let nr = 0; nr < nrCount; nr++) {
    const name = byNr.get(nr);
    if (name === undefined) {
      rows.push([text(`exile: syscall ${nr} blocked by vows; no vow allows it\n`), entries.length, 0]);
      continue;
    }
    const hints = hintsFor(name, granted, pid);
    const first = entries.length;
    for (const hint of hints) {
      entries.push([text(violationLine(name, hint, true)), checks.length, hint.args.length]);
      for (const check of hint.args) checks.push(check);
    }
    rows.push([text(violationLine(name, undefined, hints.length > 0)), first, hints.length]);
  }
  const size = 20 + rows.length * 12 + entries.length * 12 + checks.length * 24 + strBytes;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  const word = (value: number): void => { view.setUint32(at, value, true); at += 4; };
  for (const value of [MAGIC, rows.length, entries.length, checks.length, strBytes]) word(value);
  for (const [a, b, c] of rows) { word(a); word(b); word(c); }
  for (const [a, b, c] of entries) { word(a); word(b); word(c); }
  for (const check of checks) {
    const width = check.width ?? 64;
    view.setUint8(at, check.index);
    view.setUint8(at + 1, OPS.indexOf(check.op));
    view.setUint8(at + 2, width);
    view.setBigUint64(at + 8, u64(check.mask, width), true);
    view.setBigUint64(at + 16, u64(check.value, width), true);
    at += 24;
  }
  const encoder = new TextEncoder();
  for (const line of strings) {
    view.setUint32(at, line.length, true);
    const { written } = encoder.encodeInto(line, out.subarray(at + 4));
    if (written !== line.length) throw new Error(`internal: non-ASCII report line ${JSON.stringify(line)}`);
    at += 4 + written;
  }
  return out;
}

/**
 * The byte offsets in a report table of the argument checks that compare with `value`: where a
 * process that installs a table built for a placeholder pid puts its own (see `NO_PID`).
 */
export function tableValueSlots(table: Uint8Array, value: number): number[] {
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const [rows, entries, checks] = [4, 8, 12].map((at) => view.getUint32(at, true)) as [number, number, number];
  const first = 20 + rows * 12 + entries * 12;
  const slots: number[] = [];
  for (let i = 0; i < checks; i++) if (view.getBigUint64(first + i * 24 + 16, true) === BigInt(value)) slots.push(first + i * 24 + 16);
  return slots;
}

/** What the SIGSYS handler wrote on the record fd for a call that kills (native/handler.c write_record). */
export interface BlockedCallRecord {
  /** The process as it sees itself (inside a pid namespace, that namespace's number). */
  pid: number;
  nr: number;
  args: bigint[];
}

const RECORD_MAGIC = 0x31525845; // "EXR1", EXILE_VOWS_RECORD_MAGIC in native/reporter.h
const RECORD_SIZE = 64;

/** The last record after `token` in what arrived on the record fd, or undefined (none, cut short, or not a record). */
export function readViolationRecord(bytes: Uint8Array, token: Uint8Array): BlockedCallRecord | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = buffer.lastIndexOf(token);
  if (at < 0 || token.length === 0) return undefined;
  const start = at + token.length;
  if (buffer.length < start + RECORD_SIZE || buffer.readUInt32LE(start) !== RECORD_MAGIC) return undefined;
  return { pid: buffer.readUInt32LE(start + 4), nr: Number(buffer.readBigInt64LE(start + 8)),
    args: Array.from({ length: 6 }, (_, i) => buffer.readBigUInt64LE(start + 16 + 8 * i)) };
}

/**
 * What the SIGSYS reporter says of a blocked call, as data: the syscall's name, the vows it names
 * (the first hint whose checks hold, as the handler picks from the table) and its line. `granted`
 * and `pid`: what the filter was compiled with (`pid`: the process's own, for NO_PID filters).
 */
export function violationReport(call: { nr: number; args: readonly bigint[]; pid: number }, granted: readonly Vow[], arch: string): { syscall: string; vows: Vow[]; line: string } {
  const name = (VOW_ARCHES as readonly string[]).includes(arch) ? syscallName(call.nr, arch as Arch) : undefined;
  if (name === undefined) return { syscall: String(call.nr), vows: [], line: `exile: syscall ${call.nr} blocked by vows; no vow allows it\n` };
  const hints = hintsFor(name, granted, call.pid);
  const hint = hints.find((h) => argsHold(h.args.map((check) => ({ ...check, width: check.width ?? 64 })), call.args));
  return { syscall: name, vows: hint?.missing ?? [], line: violationLine(name, hint, hints.length > 0) };
}
