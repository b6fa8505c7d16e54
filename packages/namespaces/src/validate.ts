import { ErrorCodes, ExileError } from '@exile/common';

/** Throws `ERR_EXILE_INVALID_POLICY` naming the JSON path of the bad part. */
export function invalid(path: string, problem: string): never {
  throw new ExileError(ErrorCodes.INVALID_POLICY, `${path}: ${problem}`, { path });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rejects keys the caller may have misspelt: an ignored option would be a silently weaker sandbox. */
export function knownKeys(value: Record<string, unknown>, keys: readonly string[], path: string): void {
  for (const key of Object.keys(value)) if (!keys.includes(key)) invalid(`${path}.${key}`, 'unknown option');
}

export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  return invalid(path, 'must be a boolean');
}

export function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return invalid(path, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** A string the kernel can take: non-empty, no NUL. */
export function cString(value: unknown, path: string, { empty = false } = {}): string {
  if (typeof value !== 'string') return invalid(path, 'must be a string');
  if (!empty && value === '') return invalid(path, 'must not be empty');
  if (value.includes('\0')) return invalid(path, 'must not contain NUL');
  return value;
}

/** Absolute, normalized path: no empty, "." or ".." components, no trailing slash. */
export function absolutePath(value: unknown, path: string): string {
  const s = cString(value, path);
  if (!s.startsWith('/')) return invalid(path, 'must be an absolute path');
  if (s !== '/' && s.slice(1).split('/').some((c) => c === '' || c === '.' || c === '..')) {
    return invalid(path, 'must be normalized (no empty, "." or ".." components, no trailing slash)');
  }
  return s;
}
