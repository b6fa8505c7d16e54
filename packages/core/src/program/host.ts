import { closeSync, openSync, readlinkSync, readSync, realpathSync, statSync } from 'node:fs';
import { parseLdCache, type LdCache } from './ld-cache.js';
import type { ProgramFs } from './needs.js';

/** Where glibc's loader reads its cache of library locations. */
export const LD_CACHE = '/etc/ld.so.cache';

let cache: { mtimeMs: number; index: LdCache } | undefined;

function ldCache(): LdCache {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(LD_CACHE).mtimeMs;
  } catch {
    return new Map();
  }
  if (cache?.mtimeMs !== mtimeMs) {
    const bytes = readAt(LD_CACHE, 0, 16 << 20);
    cache = { mtimeMs, index: parseLdCache(bytes) };
  }
  return cache.index;
}

function readAt(path: string, offset: number, length: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return new Uint8Array(0);
  }
  try {
    const size = Math.max(0, Math.min(length, statSync(path).size - offset));
    const buffer = new Uint8Array(size);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, buffer, done, size - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return buffer.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

function realFile(path: string): string | undefined {
  try {
    const real = realpathSync.native(path);
    return statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/** This machine's file system, as programFiles() reads it. */
export const hostFs: ProgramFs = { readAt, realFile, ldCache };

/** A symbolic link's contents, or undefined for anything else (spellings()). */
export function readLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
