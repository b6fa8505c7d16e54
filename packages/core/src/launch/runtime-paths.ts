import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPENSSL_CONF_FILES } from '../policy/profiles.js';

/** What a launched child may read (and execute) beyond its policy's paths. */
export interface RuntimePaths {
  read: string[];
  exec: string[];
}

/**
 * Files Node opens while it starts, when they exist: the dynamic loader's cache and OpenSSL's
 * configuration (Node refuses to start when that file exists but cannot be read), plus the CA
 * file `NODE_EXTRA_CA_CERTS` names.
 */
function startupFiles(env: NodeJS.ProcessEnv): string[] {
  const openssl = env.OPENSSL_CONF ?? OPENSSL_CONF_FILES;
  return ['/etc/ld.so.cache', ...[openssl].flat(), ...(env.NODE_EXTRA_CA_CERTS === undefined ? [] : [env.NODE_EXTRA_CA_CERTS])];
}

/** The shared libraries this Node has mapped: the child runs the same binary, so it maps the same ones. */
function sharedLibraries(): string[] {
  const maps = readFileSync('/proc/self/maps', 'utf8');
  const paths = maps.split('\n').map((line) => line.slice(line.indexOf('/'))).filter((path) => /^\/.*\.so(\.[\d.]+)?$/.test(path));
  return [...new Set(paths)];
}

/** The package root holding a module file: its nearest directory with a package.json. */
export function packageRootOf(file: string): string {
  const start = dirname(realpathSync(file));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

/** The packages the launch bootstrap loads: @exile/core itself and the light installers it imports. */
const BOOTSTRAP_PACKAGES = ['@exile/common', '@exile/seccomp', '@exile/vows'];

let node: RuntimePaths | undefined;

/**
 * What Node itself and exile's bootstrap need to start, computed once: the node binary and its
 * ELF interpreter (read and execute), its shared libraries, its start-up files, and the package roots of the modules
 * the bootstrap imports. Paths are resolved (Landlock rules name inodes, not spellings).
 */
function nodeRuntime(): RuntimePaths {
  if (node !== undefined) return node;
  const execPath = realpathSync(process.execPath);
  const packages = [
    packageRootOf(fileURLToPath(import.meta.url)),
    ...BOOTSTRAP_PACKAGES.map((name) => packageRootOf(fileURLToPath(import.meta.resolve(`${name}/package.json`)))),
  ];
  const libraries = sharedLibraries();
  const files = [...libraries, ...startupFiles(process.env)].filter((path) => existsSync(path)).map((path) => realpathSync(path));
  // execve opens the ELF interpreter as an executable too (open_exec): Landlock's EXECUTE right.
  const interpreter = libraries.filter((path) => /\/ld-[^/]*\.so[.\d]*$/.test(path)).map((path) => realpathSync(path));
  node = { read: [...new Set([execPath, ...files, ...packages])], exec: [execPath, ...interpreter] };
  return node;
}

/**
 * The paths a launched child reads besides its policy's: Node's runtime and, for the module
 * form, the package that holds the target module (so the module can import its own files).
 */
export function runtimePaths(targetModule?: string): RuntimePaths {
  const base = nodeRuntime();
  if (targetModule === undefined || !targetModule.startsWith('file:')) return base;
  return { read: [...new Set([...base.read, packageRootOf(fileURLToPath(targetModule))])], exec: base.exec };
}
