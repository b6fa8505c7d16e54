import { invalid, jsonPath } from '@exile/common';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rejects keys the caller may have misspelt: an ignored option would be a silently weaker sandbox. */
export function knownKeys(value: Record<string, unknown>, keys: readonly string[], path: string): void {
  for (const key of Object.keys(value)) if (!keys.includes(key)) throw invalid(jsonPath(path, key), 'unknown option');
}

export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw invalid(path, 'must be a boolean');
}

export function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(path, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** A string the kernel can take: non-empty, no NUL. */
export function cString(value: unknown, path: string, { empty = false } = {}): string {
  if (typeof value !== 'string') throw invalid(path, 'must be a string');
  if (!empty && value === '') throw invalid(path, 'must not be empty');
  if (value.includes('\0')) throw invalid(path, 'must not contain NUL');
  return value;
}

/** Absolute, normalized path: no empty, "." or ".." components, no trailing slash. */
export function absolutePath(value: unknown, path: string): string {
  const s = cString(value, path);
  if (!s.startsWith('/')) throw invalid(path, 'must be an absolute path');
  if (s !== '/' && s.slice(1).split('/').some((c) => c === '' || c === '.' || c === '..')) {
    throw invalid(path, 'must be normalized (no empty, "." or ".." components, no trailing slash)');
  }
  return s;
}
