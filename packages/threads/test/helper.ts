import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = join(dirname(fileURLToPath(import.meta.url)), 'native', 'helper.c');
let out: string | undefined;

function nodeIncludeDir(): string {
  const base = process.env.npm_config_nodedir ?? dirname(dirname(process.execPath));
  return join(base, 'include', 'node');
}

/** Path of the compiled test helper, built once per test process in a world-readable temp dir
 *  (children running as nobody load it too, wherever the repository is). */
export function helperPath(): string {
  if (out !== undefined) return out;
  const dir = mkdtempSync(join(tmpdir(), 'exile-threads-helper-'));
  chmodSync(dir, 0o755);
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  execFileSync('cc', ['-shared', '-fPIC', '-O2', '-Wall', '-Werror', '-I', nodeIncludeDir(), source, '-o', join(dir, 'helper.node'), '-lpthread']);
  out = join(dir, 'helper.node');
  return out;
}

/** Child-script line that loads the helper as `helper`. */
export function loadHelper(): string {
  return `import { createRequire as __cr } from 'node:module';\nconst helper = __cr(import.meta.url)(${JSON.stringify(helperPath())});\n`;
}
