import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastJson, runScript, sharedTempDir } from '@exile/test-utils';

/** Runs `body` (with `learn` and `spawn` imported) in a fresh Node as `user`; `out` is printed as JSON. */
function run(body: string, user: 'current' | 'nobody') {
  const r = runScript(`
    import { learn, spawn } from '@exile/core';
    let out;
    ${body}
    console.log(JSON.stringify(out));`, { from: import.meta.url, user, timeoutMs: 60_000 });
  return { ...r, out: lastJson<Record<string, unknown>>(r.stdout) };
}

describe.each(['current', 'nobody'] as const)('learn() as %s', (user) => {
  it('{ command }: resolves to { policy, flags, observed, warnings }, and the policy runs the command', () => {
    const dir = sharedTempDir('exile-learn-api-');
    writeFileSync(join(dir, 'in.txt'), 'x\n', { mode: 0o644 });
    const { out } = run(`
      const r = await learn({ command: '/bin/cp', args: ['${dir}/in.txt', '${dir}/out.txt'] }, { stdio: 'ignore' });
      const again = spawn(r.policy, '/bin/cp', ['${dir}/in.txt', '${dir}/copy.txt'], { stdio: 'ignore' });
      const status = await new Promise((resolve) => again.on('close', resolve));
      out = { r, status };`, user);
    const r = out.r as { policy: { fs: { read: string[]; write: string[] } }; flags: string; observed: { files: { path: string; access: string[] }[] }; warnings: string[]; exitCode: number };
    expect(r.exitCode).toBe(0);
    // A file created in the directory: write on it, which covers reading in.txt too.
    expect(r.policy.fs.write).toEqual([dir]);
    expect(r.observed.files).toContainEqual({ path: join(dir, 'in.txt'), access: ['read'] });
    expect(r.flags).toMatch(/^exile run .* -- \/bin\/cp /);
    expect(r.observed.files).toContainEqual({ path: join(dir, 'out.txt'), access: ['create'] });
    expect(out.status).toBe(0);
  });

  it('{ module, export }: learns a function run in Node, with the base policy enforced meanwhile', () => {
    const dir = sharedTempDir('exile-learn-api-');
    const module = join(dir, 'job.mjs');
    writeFileSync(module, `import { readFileSync } from 'node:fs';\nexport function job(path) { process.stdout.write(readFileSync(path, 'utf8')); }\n`, { mode: 0o644 });
    writeFileSync(join(dir, 'data.txt'), 'data\n', { mode: 0o644 });
    chmodSync(dir, 0o755);
    const { out } = run(`
      const r = await learn({ module: '${module}', export: 'job', args: ['${dir}/data.txt'] }, { stdio: 'ignore', policy: { net: false } });
      out = { read: r.policy.fs.read, net: r.policy.net, exitCode: r.exitCode };`, user);
    expect(out).toMatchObject({ net: false, exitCode: 0 });
    // Both entries of the directory were read: the directory.
    expect(out.read).toContain(dir);
  });
});
