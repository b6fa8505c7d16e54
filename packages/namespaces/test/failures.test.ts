import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastJson, NOBODY, nobodyPath } from '@exile/test-utils';
import { describe, expect, it } from 'vitest';
import { outcomeScript, outsideId, runOutcome, runSandboxed, USERS, type Outcome } from './run-sandboxed.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** Runs a child script under `wrapper` (e.g. unshare), as root or nobody. */
function runWrapped(code: string, wrapper: string[], user: 'current' | 'nobody'): Outcome {
  const dir = user === 'nobody' ? nobodyPath(join(packageRoot, '.test-tmp')) : join(packageRoot, '.test-tmp');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `wrapped-${process.pid}-${Date.now()}.mjs`);
  writeFileSync(file, code, { mode: 0o644 });
  const asUser = user === 'nobody' ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'] : [];
  const [command, ...args] = [...asUser, ...wrapper, process.execPath, file];
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: dir, timeout: 20_000 });
  if (result.status !== 0) throw new Error(`wrapped script failed: ${result.stderr}`);
  return lastJson<Outcome>(result.stdout);
}

describe.each(USERS)('failures before execve as %s', (user) => {
  it('an unmappable uid is refused in TypeScript, synchronously', () => {
    const code = `
import { spawn } from '@exile/namespaces';
try { spawn('true', [], { namespaces: 'all', uid: 4294967295 }); console.log('{}'); }
catch (e) { console.log(JSON.stringify({ code: e.code, details: e.details })); }`;
    expect(runOutcome(code, user)).toEqual({ code: 'ERR_EXILE_INVALID_POLICY', details: { path: '$.uid', problem: 'must be an integer from 0 to 4294967294' } });
  });

  it('a uid map the kernel refuses → uid-map step error', () => {
    // nobody may only map its own uid; root may map anything, but not two overlapping ranges.
    const map = user === 'nobody' ? '[{ inside: 0, outside: 0, count: 1 }]' : '[{ inside: 0, outside: 0, count: 10 }, { inside: 5, outside: 100, count: 1 }]';
    const r = runOutcome(outcomeScript(`spawnPlan({ ...buildPlan('true', [], { namespaces: { user: true } }), uidMap: ${map} })`), user);
    expect(r.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'uid-map', errnoName: user === 'nobody' ? 'EPERM' : 'EINVAL', path: '/proc/self/uid_map' } });
    expect(r.events).toEqual(['error', 'exit', 'close']);
  });

  it('user namespaces disabled (user.max_user_namespaces=0) → unshare error', () => {
    // The limit is set inside a throw-away user namespace (unshare -r), where it binds exactly
    // like the global sysctl, so tests running in parallel on this machine are not affected.
    const r = runWrapped(outcomeScript(`spawn('true', [], { namespaces: 'all' })`),
      ['unshare', '--user', '--map-root-user', 'sh', '-c', 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"', 'sh'], user);
    expect(r.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'unshare', errnoName: 'ENOSPC' } });
    expect(r.code).toBe(127);
  });

  if (user === 'nobody') {
    it('a namespace that needs privileges, without a user namespace → unshare EPERM', () => {
      const r = runSandboxed('true', [], `{ namespaces: { net: true, user: false } }`, user);
      expect(r.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'unshare', errnoName: 'EPERM' } });
    });

    it('seccomp without no_new_privs and without a user namespace → seccomp EACCES, and with NNP it works', () => {
      const allowAll = 'new Uint8Array(new BigUint64Array([0x7fff0000_00000006n]).buffer)';
      const bare = runSandboxed('true', [], `{ preExec: [{ type: 'seccomp', filter: ${allowAll} }] }`, user);
      expect(bare.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'seccomp', errnoName: 'EACCES' } });
      const withNnp = runSandboxed('true', [], `{ preExec: [{ type: 'no-new-privs' }, { type: 'seccomp', filter: ${allowAll} }] }`, user);
      expect(withNnp).toMatchObject({ code: 0, events: ['exit', 'close'] });
    });
  }

  it('a mount target that is not a directory → mount-target error with the path', () => {
    const r = runSandboxed('true', [], `{ fs: { root: 'empty', mounts: [{ type: 'file', target: '/f', content: '' }, { type: 'tmpfs', target: '/f/x' }] } }`, user);
    expect(r.error).toMatchObject({ details: { step: 'mount-target', errnoName: 'ENOTDIR', path: '/f/x' } });
  });

  it('a bind target through a symlink made in the sandbox is refused (no escape to the host)', () => {
    const r = runSandboxed('true', [], `{ fs: { root: 'empty', mounts: [{ type: 'symlink', target: '/escape', linkTo: '/tmp' }, { type: 'tmpfs', target: '/escape/x' }] } }`, user);
    expect(r.error).toMatchObject({ details: { step: 'mount-target', errnoName: 'ENOTDIR', path: '/escape/x' } });
  });

  it('a chdir into a missing directory → chdir error', () => {
    const r = runSandboxed('true', [], `{ fs: { root: 'empty' }, cwd: '/nowhere' }`, user);
    expect(r.error).toMatchObject({ details: { step: 'chdir', errnoName: 'ENOENT', path: '/nowhere' } });
  });

  it('the sandbox keeps the caller outside: maps show the real outside id', () => {
    const r = runSandboxed('cat', ['/proc/self/uid_map'], `{ namespaces: { user: true }, uid: 0 }`, user);
    expect(r.stdout.trim().split(/\s+/)).toEqual(['0', String(outsideId(user)), '1']);
  });
});
