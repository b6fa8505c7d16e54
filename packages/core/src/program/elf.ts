/**
 * What the dynamic loader needs to know about an ELF file to start it: the interpreter
 * (PT_INTERP), the shared libraries it names (DT_NEEDED) and where to look for them
 * (DT_RPATH, DT_RUNPATH). Pure: reads through `readAt`, so it is tested on bytes. 64-bit
 * little-endian ELF only (x86_64 and aarch64, the architectures exile supports); anything else
 * is reported as not ELF.
 */

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
export type ReadAt = (offset: number, length: number) => Uint8Array;

export interface ElfInfo {
  /** e_machine (what @exile/seccomp's arch list calls `program.elfMachine`). */
  machine: number;
  interpreter?: string;
  needed: string[];
  rpath: string[];
  runpath: string[];
}

// Constants of the ELF format (System V gABI), the only place core names them.
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_STRSZ = 10n;
const DT_RPATH = 15n;
const DT_RUNPATH = 29n;
/** No sane program has more: bounds what a crafted file can make us read. */
const MAX_PHNUM = 256;
const MAX_DYNAMIC = 4096;
const MAX_STRTAB = 1 << 20;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function cString(bytes: Uint8Array, at: number): string | undefined {
  const end = bytes.indexOf(0, at);
  return at < bytes.length && end >= 0 ? new TextDecoder().decode(bytes.subarray(at, end)) : undefined;
}

interface Segment { type: number; offset: number; vaddr: number; filesz: number }

/** The ELF facts of a file, or undefined when it is not a 64-bit little-endian ELF (or is truncated). */
export function readElf(readAt: ReadAt): ElfInfo | undefined {
  const header = readAt(0, 64);
  if (header.length < 64 || header[0] !== 0x7f || header[1] !== 0x45 || header[2] !== 0x4c || header[3] !== 0x46) return undefined;
  if (header[4] !== ELFCLASS64 || header[5] !== ELFDATA2LSB) return undefined;
  const h = view(header);
  const machine = h.getUint16(18, true);
  const phoff = Number(h.getBigUint64(32, true));
  const phentsize = h.getUint16(54, true);
  const phnum = h.getUint16(56, true);
  if (phentsize < 56 || phnum > MAX_PHNUM) return undefined;
  const table = readAt(phoff, phentsize * phnum);
  if (table.length < phentsize * phnum) return undefined;
  const t = view(table);
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = i * phentsize;
    segments.push({ type: t.getUint32(at, true), offset: Number(t.getBigUint64(at + 8, true)),
      vaddr: Number(t.getBigUint64(at + 16, true)), filesz: Number(t.getBigUint64(at + 32, true)) });
  }
  const info: ElfInfo = { machine, needed: [], rpath: [], runpath: [] };
  const interp = segments.find((s) => s.type === PT_INTERP);
  if (interp !== undefined) info.interpreter = cString(readAt(interp.offset, Math.min(interp.filesz, 4096)), 0);
  const dynamic = segments.find((s) => s.type === PT_DYNAMIC);
  if (dynamic === undefined) return info;
  const entries = readAt(dynamic.offset, Math.min(dynamic.filesz, MAX_DYNAMIC * 16));
  const d = view(entries);
  const tags: [bigint, bigint][] = [];
  for (let at = 0; at + 16 <= entries.length; at += 16) {
    const tag = d.getBigInt64(at, true);
    if (tag === DT_NULL) break;
    tags.push([tag, d.getBigUint64(at + 8, true)]);
  }
  const value = (tag: bigint) => tags.find(([t2]) => t2 === tag)?.[1];
  const strtab = value(DT_STRTAB);
  const strsz = value(DT_STRSZ);
  if (strtab === undefined || strsz === undefined) return info;
  // DT_STRTAB is an address: the loadable segment that maps it gives its place in the file.
  const address = Number(strtab);
  const load = segments.find((s) => s.type === PT_LOAD && address >= s.vaddr && address < s.vaddr + s.filesz);
  if (load === undefined) return info;
  const strings = readAt(load.offset + (address - load.vaddr), Math.min(Number(strsz), MAX_STRTAB));
  const text = (offset: bigint) => cString(strings, Number(offset));
  const list = (text_: string | undefined) => (text_ === undefined || text_ === '' ? [] : text_.split(':'));
  for (const [tag, val] of tags) {
    const s = text(val);
    if (tag === DT_NEEDED && s !== undefined) info.needed.push(s);
    else if (tag === DT_RPATH) info.rpath.push(...list(s));
    else if (tag === DT_RUNPATH) info.runpath.push(...list(s));
  }
  return info;
}

/** The interpreter line of a `#!` script: the program and its optional single argument (as the kernel splits it). */
export function readShebang(head: Uint8Array): { interpreter: string; arg?: string } | undefined {
  if (head[0] !== 0x23 || head[1] !== 0x21) return undefined;
  const end = head.indexOf(0x0a);
  const line = new TextDecoder().decode(head.subarray(2, end < 0 ? head.length : end)).replace(/[ \t\r]+$/, '').replace(/^[ \t]+/, '');
  const space = line.search(/[ \t]/);
  if (line === '') return undefined;
  if (space < 0) return { interpreter: line };
  const arg = line.slice(space).trim();
  return arg === '' ? { interpreter: line.slice(0, space) } : { interpreter: line.slice(0, space), arg };
}
