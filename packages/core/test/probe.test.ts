import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lastJson, runScript } from '@exile/test-utils';
import { probe, type Features } from '../src/index.js';

/** Checks a parsed value against every field of the Features type, with nothing extra. */
function assertFeatures(value: unknown): asserts value is Features {
  const f = value as Features;
  expect(Object.keys(f).sort()).toEqual(['arch', 'capabilities', 'ioUring', 'kernel', 'landlock', 'noNewPrivs', 'seccomp', 'threads', 'userNamespaces']);
  expect(f.arch).toMatch(/^[a-z0-9_]+$/);
  expect(typeof f.kernel).toBe('string');
  expect(Object.keys(f.landlock).sort()).toEqual(['abi', 'errata', 'status']);
  expect(['available', 'disabled', 'not-implemented']).toContain(f.landlock.status);
  expect(Number.isInteger(f.landlock.abi) && Number.isInteger(f.landlock.errata)).toBe(true);
  expect(Object.keys(f.seccomp).sort()).toEqual(['actions', 'available', 'mode', 'tsync']);
  expect(typeof f.seccomp.available).toBe('boolean');
  expect(typeof f.seccomp.tsync).toBe('boolean');
  for (const a of f.seccomp.actions) expect(['kill-process', 'kill-thread', 'trap', 'errno', 'notify', 'trace', 'log', 'allow']).toContain(a);
  expect(typeof f.userNamespaces.available).toBe('boolean');
  if (!f.userNamespaces.available) expect(typeof f.userNamespaces.reason).toBe('string');
  expect(typeof f.noNewPrivs).toBe('boolean');
  for (const c of f.capabilities.effective) expect(c).toMatch(/^CAP_[A-Z_0-9]+$/);
  expect(f.threads).toBeGreaterThan(0);
  expect(Object.keys(f.ioUring).sort()).toEqual(['rings', 'sqpoll', 'unverified']);
}

function status(key: string): string {
  return /^(\S+):\s*(.*)$/m.exec(readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(`${key}:`)) ?? '')?.[2] ?? '';
}

describe('probe()', () => {
  it('returns every Features field', () => {
    assertFeatures(probe());
  });

  it('skips the user-namespace child on request and says so', () => {
    expect(probe({ userNamespaces: false }).userNamespaces).toEqual({ available: false, reason: expect.stringContaining('not probed') });
  });

  it('agrees with /proc and uname for what they show', () => {
    const f = probe();
    expect(f.noNewPrivs).toBe(status('NoNewPrivs') === '1');
    expect(f.seccomp.mode).toBe(Number(status('Seccomp')));
    expect(f.kernel).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
  });

  it('sees this kernel: Landlock ABI >= 7, seccomp with TSYNC, user namespaces', () => {
    // The machines this project runs on (Linux 6.18): fail loudly if that ever stops being true.
    const f = probe();
    expect(f.landlock).toMatchObject({ status: 'available' });
    expect(f.landlock.abi).toBeGreaterThanOrEqual(7);
    expect(f.seccomp).toMatchObject({ available: true, tsync: true });
    expect(f.seccomp.actions).toEqual(expect.arrayContaining(['allow', 'kill-process', 'errno', 'trap', 'log']));
    expect(f.userNamespaces).toEqual({ available: true });
  });

  it('sees no_new_privs set by the parent (setpriv --no-new-privs)', () => {
    const script = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
    const run = (...wrap: string[]) => JSON.parse(execFileSync(wrap[0] ?? process.execPath,
      [...wrap.slice(1), ...(wrap.length ? [process.execPath] : []), script, 'probe', '--json'], { encoding: 'utf8' })) as Features;
    expect(run().noNewPrivs).toBe(false);
    expect(run('setpriv', '--no-new-privs').noNewPrivs).toBe(true);
  });

  it('works unprivileged: nobody has no capabilities and can still create a user namespace', () => {
    const r = runScript(`import { probe } from '@exile/core'; console.log(JSON.stringify(probe()));`, { from: import.meta.url, user: 'nobody' });
    expect(r.stderr).toBe('');
    const f = lastJson<Features>(r.stdout);
    assertFeatures(f);
    expect(f.capabilities.effective).toEqual([]);
    expect(f.userNamespaces.available).toBe(true);
  });
});
