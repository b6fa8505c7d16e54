import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'native', 'helper.c');
const out = join(here, '..', '.test-tmp', 'helper.node');

function nodeIncludeDir(): string {
  const base = process.env.npm_config_nodedir ?? dirname(dirname(process.execPath));
  return join(base, 'include', 'node');
}

/** Path of the compiled test helper (built on first use; test files may race, so build then rename). */
export function helperPath(): string {
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(source).mtimeMs) return out;
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${randomBytes(6).toString('hex')}.tmp`;
  execFileSync('cc', ['-shared', '-fPIC', '-O2', '-Wall', '-Werror', '-I', nodeIncludeDir(), source, '-o', tmp, '-lpthread']);
  renameSync(tmp, out);
  return out;
}

/** Child-script line that loads the helper as `helper`. */
export function loadHelper(): string {
  return `import { createRequire as __cr } from 'node:module';\nconst helper = __cr(import.meta.url)(${JSON.stringify(helperPath())});\n`;
}
