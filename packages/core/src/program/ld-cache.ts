/**
 * `/etc/ld.so.cache`, glibc's index of shared libraries by soname (the "glibc-ld.so.cache1.1"
 * format that ldconfig writes, optionally after the old "ld.so-1.7.0" table). Pure: parses bytes.
 */
import { programLayout } from '@exile/seccomp';

const OLD_MAGIC = 'ld.so-1.7.0';
const NEW_MAGIC = 'glibc-ld.so.cache1.1';
const OLD_HEADER = 16;
const OLD_ENTRY = 12;
const NEW_HEADER = 48;
const NEW_ENTRY = 24;

/** soname → the library files the cache lists for it (several for hardware-capability variants), by ELF machine. */
export type LdCache = ReadonlyMap<string, readonly { path: string; flags: number }[]>;

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return new TextDecoder('latin1').decode(bytes.subarray(at, at + length));
}

/** Parses the cache; an unknown or damaged file gives an empty index (the loader then searches its default directories). */
export function parseLdCache(bytes: Uint8Array): LdCache {
  let base = 0;
  if (ascii(bytes, 0, OLD_MAGIC.length) === OLD_MAGIC && bytes.length >= OLD_HEADER) {
    const count = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
    base = (OLD_HEADER + count * OLD_ENTRY + 7) & ~7;
  }
  const index = new Map<string, { path: string; flags: number }[]>();
  if (ascii(bytes, base, NEW_MAGIC.length) !== NEW_MAGIC || bytes.length < base + NEW_HEADER) return index;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = v.getUint32(base + 20, true);
  const text = (offset: number) => {
    const at = base + offset;
    const end = bytes.indexOf(0, at);
    return end < 0 ? undefined : new TextDecoder().decode(bytes.subarray(at, end));
  };
  for (let i = 0; i < count; i++) {
    const at = base + NEW_HEADER + i * NEW_ENTRY;
    if (at + NEW_ENTRY > bytes.length) break;
    const flags = v.getInt32(at, true);
    const name = text(v.getUint32(at + 4, true));
    const path = text(v.getUint32(at + 8, true));
    if (name === undefined || path === undefined) continue;
    const list = index.get(name) ?? [];
    list.push({ path, flags });
    index.set(name, list);
  }
  return index;
}

/** The cache's files for `soname` that the loader of an ELF `machine` would accept. */
export function lookup(cache: LdCache, soname: string, machine: number): string[] {
  // FLAG_ELF_LIBC6 with the architecture bits of a 64-bit library (glibc's ldconfig.h), from the arch list.
  const flags = programLayout(machine)?.ldCacheFlags;
  return (cache.get(soname) ?? []).filter((e) => flags === undefined || e.flags === flags).map((e) => e.path);
}
