import { join } from 'node:path';
import { packageRoot } from '@exile/common';

let root: string | undefined;

/**
 * A file of this package by its path from the package root: the build moves code between files,
 * so nothing is relative to the caller's. The root is found on first use, not at import.
 */
export function ownFile(...parts: string[]): string {
  root ??= packageRoot(import.meta.url);
  return join(root, ...parts);
}
