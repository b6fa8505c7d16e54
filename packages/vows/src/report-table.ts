import { VOW_NAMES, type Vow } from './names.js';
import type { Arch, ArgCheck } from './policy-types.js';
import { VOWS } from './table.js';
import { ruleArgs } from './grant.js';
import { syscallList, syscallNumber } from './syscall-names.js';

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

/** Broad vows are suggested only when nothing narrower fits (tmppath also opens for writing, ...). */
const LAST_RESORT: ReadonlySet<Vow> = new Set(['tmppath', 'dns', 'unveil']);
const rank = (hint: Hint): number => hint.missing.length + (hint.missing.some((vow) => LAST_RESORT.has(vow)) ? 100 : 0);

/** Every shape that would allow `name`, fewest missing vows first (the handler takes the first that matches). */
export function hintsFor(name: string, granted: readonly Vow[], pid: number): Hint[] {
  const have = new Set(granted);
  const hints: Hint[] = [];
  for (const vow of VOW_NAMES) {
    const definition = VOWS[vow];
    if (definition.syscalls.includes(name)) hints.push({ args: [], missing: have.has(vow) ? [] : [vow] });
    for (const rule of definition.rules) {
      if (!(typeof rule.syscall === 'string' ? rule.syscall === name : rule.syscall.includes(name))) continue;
      const missing = [vow, ...(rule.requires ?? [])].filter((needed) => !have.has(needed));
      hints.push({ args: ruleArgs(rule, pid), missing });
    }
  }
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
  const strings: Buffer[] = [];
  let strBytes = 0;
  const text = (line: string): number => {
    const bytes = Buffer.from(line, 'utf8');
    const prefixed = Buffer.alloc(4 + bytes.length);
    prefixed.writeUInt32LE(bytes.length, 0);
    bytes.copy(prefixed, 4);
    const offset = strBytes;
    strings.push(prefixed);
    strBytes += prefixed.length;
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
      checks.push(...hint.args);
    }
    rows.push([text(violationLine(name, undefined, hints.length > 0)), first, hints.length]);
  }
  const size = 20 + rows.length * 12 + entries.length * 12 + checks.length * 24 + strBytes;
  const out = Buffer.alloc(size);
  let at = 0;
  for (const word of [MAGIC, rows.length, entries.length, checks.length, strBytes]) at = out.writeUInt32LE(word, at);
  for (const row of [...rows, ...entries]) for (const word of row) at = out.writeUInt32LE(word, at);
  for (const check of checks) {
    const width = check.width ?? 64;
    out.writeUInt8(check.index, at);
    out.writeUInt8(OPS.indexOf(check.op), at + 1);
    out.writeUInt8(width, at + 2);
    out.writeBigUInt64LE(u64(check.mask, width), at + 8);
    out.writeBigUInt64LE(u64(check.value, width), at + 16);
    at += 24;
  }
  for (const chunk of strings) at += chunk.copy(out, at);
  return out;
}
