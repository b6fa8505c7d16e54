import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A real Go program: esbuild's binary (static, Go's own runtime and threads, no libc), from the
 * npm registry as test-utils' optional dependency for this machine's architecture — so tests of
 * what started programs need cover Go without a Go toolchain.
 */
export function goProgram(): string {
  const path = fileURLToPath(new URL(`../node_modules/@esbuild/linux-${process.arch}/bin/esbuild`, import.meta.url));
  if (!existsSync(path)) throw new Error(`no esbuild binary for ${process.arch} at ${path}: run pnpm install`);
  return path;
}
