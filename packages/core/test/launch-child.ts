import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastJson, runScript, sharedTempDir } from '@exile/test-utils';

/** A settled call as the test script prints it: the value, or the error with what identifies its class. */
export interface Settled {
  value?: unknown;
  error?: { name: string; code?: string; message: string; stack?: string; details?: Record<string, unknown>;
    remote?: Record<string, unknown>; exile: boolean; remoteClass: boolean };
}

/** Runs `body` (with `launch`, `spawn`, `createPool` and the error classes imported; `settle(promise)` records how it settled) in a fresh Node; `out` is printed as JSON. */
export function child(body: string, env: NodeJS.ProcessEnv = {}, user: 'current' | 'nobody' = 'current') {
  const r = runScript(`
    import { launch, spawn, createPool, ExileError, ExileRemoteError } from '@exile/core';
    const settle = (p) => p.then((value) => ({ value }), (e) => ({ error: { name: e.name, code: e.code, message: e.message, stack: e.stack, details: e.details,
      remote: e.remote, exile: e instanceof ExileError, remoteClass: e instanceof ExileRemoteError } }));
    const out = {};
    ${body}
    console.log(JSON.stringify(out, (k, v) => (typeof v === 'bigint' ? String(v) + 'n' : v instanceof Map ? [...v] : v)));`, { from: import.meta.url, env, user, timeoutMs: 120_000 });
  return { ...r, out: lastJson<Record<string, Settled>>(r.stdout) };
}

/** A temp dir holding a module package (`pkg/`, type module) and `secret.txt` outside it. */
export function packageWithSecret(): { pkg: string; secret: string } {
  const dir = sharedTempDir('exile-launch-');
  const pkg = join(dir, 'pkg');
  mkdirSync(pkg);
  writeFileSync(join(pkg, 'package.json'), '{ "type": "module" }');
  const secret = join(dir, 'secret.txt');
  writeFileSync(secret, 'outside the package');
  return { pkg, secret };
}

