import { accessSync, chmodSync, constants, existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, ExileError } from './errors.js';


/**
 * The root of the package a module belongs to: the nearest directory above it with a package.json.
 * Not a fixed number of levels up: the build bundles modules, so code moves between files.
 */
export function packageRoot(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new ExileError(ErrorCodes.NATIVE, `no package.json above ${fileURLToPath(moduleUrl)}`, { url: moduleUrl });
    dir = up;
  }
  return dir;
}

/**
 * Loads the N-API addon of the package that `moduleUrl` (its `import.meta.url`) belongs to:
 * the shipped prebuild for this platform, else a local source build. Packages call it at import,
 * not on first use: once a sandbox is applied, loading native code may be refused (Landlock may
 * deny the file, a vow the executable mapping), so everything is loaded before.
 */
export function loadAddon<T>(moduleUrl: string): T {
  const root = packageRoot(moduleUrl);
  // The one N-API prebuild we ship for this platform, loaded directly: node-gyp-build's own
  // loading and directory scans cost a fresh process (launch()'s child) several milliseconds.
  const prebuilds = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  const shipped = existsSync(prebuilds) ? readdirSync(prebuilds).filter((f) => f.endsWith('.node')) : [];
  if (shipped.length === 1) {
    try {
      const addon = { exports: {} };
      process.dlopen(addon, join(prebuilds, shipped[0]!));
      return addon.exports as T;
    } catch {
      // Not loadable here (another libc, say): let node-gyp-build pick a source build.
    }
  }
  try {
    return (createRequire(import.meta.url)('node-gyp-build') as (dir: string) => unknown)(root) as T;
  } catch (error) {
    throw new ExileError(ErrorCodes.NATIVE,
      `no native build of ${root} for ${process.platform}-${process.arch}; reinstall with a C++ toolchain to build from source`,
      { root, platform: process.platform, arch: process.arch }, { cause: error });
  }
}

/**
 * npm and pnpm pack every file as 0644, so a shipped executable arrives without its execute bit:
 * the first use restores it (the installing user owns the file). Refused (read-only install,
 * another user's) → a typed error saying what to run.
 */
export function ensureExecutable(path: string): void {
  try {
    accessSync(path, constants.X_OK);
    return;
  } catch {
    // not executable yet
  }
  try {
    chmodSync(path, 0o755);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ExileError(ErrorCodes.NATIVE,
      `${path} lost its execute permission when the package was packed, and it cannot be restored from here (${code}); run: chmod 755 ${path}`,
      { path, errnoName: code }, { cause: error });
  }
}

/**
 * Path of a standalone executable shipped by the package that `moduleUrl` belongs to:
 * `prebuilds/<platform>-<arch>/<name>`, else `build/Release/<name>` from a source build. Before
 * running it, call `ensureExecutable()`.
 */
export function executablePath(moduleUrl: string, name: string): string {
  const root = packageRoot(moduleUrl);
  const candidates = [join(root, 'prebuilds', `${process.platform}-${process.arch}`, name), join(root, 'build', 'Release', name)];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new ExileError(ErrorCodes.NATIVE,
      `executable ${name} is not built for ${process.platform}-${process.arch} (looked in ${candidates.join(', ')})`,
      { name, candidates });
  }
  return found;
}
