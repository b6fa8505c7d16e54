import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalid } from '@exile/common';
import { OPENSSL_CONF_FILES } from '../policy/profiles.js';
import type { ReportItem } from '../plan/types.js';
import type { RuntimeGrants } from '../start/planned.js';
import { codeFs } from './code-fs.js';
import { moduleCode, type CodePackage, type ModuleCode } from './module-code.js';
import { CODE_FILES_TEXT, MODULE_CODE_ITEM } from './package-code.js';
import { ownFile } from '../own-file.js';

/** What Node itself may read (and execute) beyond a launched child's policy's paths. */
interface RuntimePaths {
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
    realpathSync(ownFile()),
    ...BOOTSTRAP_PACKAGES.map((name) => dirname(realpathSync(fileURLToPath(import.meta.resolve(`${name}/package.json`))))),
  ];
  const libraries = sharedLibraries();
  const files = [...libraries, ...startupFiles(process.env)].filter((path) => existsSync(path)).map((path) => realpathSync(path));
  // execve opens the ELF interpreter as an executable too (open_exec): Landlock's EXECUTE right.
  const interpreter = libraries.filter((path) => /\/ld-[^/]*\.so[.\d]*$/.test(path)).map((path) => realpathSync(path));
  node = { read: [...new Set([execPath, ...files, ...packages])], exec: [execPath, ...interpreter] };
  return node;
}

/**
 * At most this many files of a module's packages get a rule each. Each is a rule the launcher
 * opens and adds before exec (about 150 bytes of plan and four syscalls); beyond this a tree is
 * better granted whole, by the caller, with fs.read.
 */
export const MAX_CODE_FILES = 10_000;

/** `path` resolved, or as given when it does not exist (it covers nothing then). */
function resolved(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

const CODE_NONE = { what: MODULE_CODE_ITEM, mechanism: 'landlock', enforced: true };

/** The report's line on a module's code: what was granted, file by file, and where. */
function codeItem(code: ModuleCode): ReportItem {
  const what = MODULE_CODE_ITEM;
  if (code.packages.length === 0) {
    return { what, mechanism: 'landlock', enforced: true, detail: `read ${code.module} only: no package.json above it (give it one to let it import its own files)` };
  }
  const [own, ...deps] = code.packages;
  const named = (p: CodePackage) => `${p.name ?? p.root}${p.covered ? ' (read whole: a policy or runtime path)' : ` (${p.files})`}`;
  const depText = deps.length === 0 ? '' : `, and of its dependencies ${deps.map(named).join(', ')}`;
  return { what, mechanism: 'landlock', enforced: true,
    detail: `read ${code.files.length} files (${CODE_FILES_TEXT}; never dot-files) of ${own!.root}${depText}; list ${code.dirs.join(', ') || 'nothing more'}; anything else there denied` };
}

/** What a launched child reads besides its policy's paths, and for a module's code whether the grants still fit the files. */
export type LaunchRuntime = RuntimeGrants & {
  /** False once a directory walked or a manifest followed has changed (a file replaced, added, removed): the rules may name files no longer there. */
  current?: () => boolean;
};

/**
 * The identity and change time of each path ('-' when gone): equal snapshots, the same files to
 * grant. Taken before every pool worker's start, so as cheap as a stat can be: no exception for a
 * missing path, and numbers (a double holds a change time in ms to a fraction of a µs) instead of
 * bigints, which took twice as long.
 */
function snapshot(paths: readonly string[]): string {
  return paths.map((path) => {
    const st = statSync(path, { throwIfNoEntry: false });
    return st === undefined ? '-' : `${st.ino}:${st.mtimeMs}:${st.ctimeMs}`;
  }).join(' ');
}

/** The Landlock rules and report line for a module's code, refused past MAX_CODE_FILES. `covered`: paths the child reads whole anyway. */
function moduleGrants(file: string, covered: readonly string[], api: string): Required<Pick<LaunchRuntime, 'rules' | 'items' | 'current'>> {
  const code = moduleCode(file, codeFs, { covered: covered.map(resolved), maxFiles: MAX_CODE_FILES });
  if (code.truncated) {
    throw invalid('target.module',
      `the module's package and its dependencies hold more than ${MAX_CODE_FILES} code files (${code.packages.map((p) => p.name ?? p.root).join(', ')}), `
      + 'each granted by its own Landlock rule; grant the largest directories whole with fs.read (they are then not walked), or launch a module of a smaller package',
      { packages: code.packages.map((p) => p.root) }, { context: api });
  }
  const taken = snapshot(code.watched);
  return {
    rules: [...code.files.map((path) => ({ path, access: ['read-file' as const] })), ...code.dirs.map((path) => ({ path, access: ['read-dir' as const] }))],
    items: [codeItem(code)],
    current: () => snapshot(code.watched) === taken,
  };
}

/**
 * The paths a launched child reads besides its policy's: Node's runtime and, for the module
 * form, the code of the module's package and of its dependencies, file by file (a `.env` or a
 * key beside package.json stays unreadable). `policyPaths`: what the policy lets it read anyway
 * (not walked); `landlock`: whether any rule will be applied (else nothing is walked).
 */
export function runtimePaths(targetModule: string | undefined, options: { policyPaths: readonly string[]; landlock: boolean; api: string }): LaunchRuntime {
  const base = nodeRuntime();
  if (!options.landlock) return base;
  if (targetModule === undefined) return { ...base, items: [{ ...CODE_NONE, detail: 'none: a function sent by source loads no module' }] };
  if (!targetModule.startsWith('file:')) return { ...base, items: [{ ...CODE_NONE, detail: `none: ${targetModule.split(':')[0]}: is no file` }] };
  return { ...base, ...moduleGrants(fileURLToPath(targetModule), [...base.read, ...options.policyPaths], options.api) };
}
