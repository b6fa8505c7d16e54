import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { NOBODY } from '@exile/test-utils';
import { describe, expect, it } from 'vitest';
import { runSandboxed, USERS, type User } from './run-sandboxed.js';

/** bubblewrap, as the reference for the same isolation. */
function bwrap(args: string[], user: User): { status: number | null; signal: string | null; stdout: string } {
  const asUser = user === 'nobody' ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'] : [];
  const argv = [...asUser, 'bwrap', ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 20_000, cwd: tmpdir() });
  return { status: r.status, signal: r.signal, stdout: r.stdout };
}

const BWRAP_EMPTY_ROOT = ['--unshare-all', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib',
  '--symlink', 'usr/lib64', '/lib64', '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp'];
const EXILE_EMPTY_ROOT = `{ namespaces: 'all', fs: { root: 'empty', mounts: [
  { type: 'bind', source: '/usr', readOnly: true }, { type: 'symlink', target: '/bin', linkTo: 'usr/bin' },
  { type: 'symlink', target: '/lib', linkTo: 'usr/lib' }, { type: 'symlink', target: '/lib64', linkTo: 'usr/lib64' },
  { type: 'proc' }, { type: 'dev' }, { type: 'tmpfs', target: '/tmp' },
] } }`;

/** Mount point, file-system type and ro/rw of every mount, without the /proc sub-mounts each tool adds its own way. */
function mountTable(mountinfo: string): string[] {
  return mountinfo.trim().split('\n').map((line) => {
    const f = line.split(' ');
    return `${f[4]} ${f[f.indexOf('-') + 1]} ${f[5]?.split(',')[0]}`;
  }).filter((m) => !m.startsWith('/proc/')).sort();
}

describe.each(USERS)('same isolation as bubblewrap, as %s', (user) => {
  const ids = 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups';

  it('ids, maps and setgroups (uid 0 inside)', () => {
    const theirs = bwrap(['--unshare-user', '--uid', '0', '--gid', '0', '--ro-bind', '/', '/', 'sh', '-c', ids], user);
    const ours = runSandboxed('sh', ['-c', ids], `{ namespaces: { user: true }, uid: 0, gid: 0 }`, user);
    expect(theirs.status).toBe(0);
    expect(ours.stdout).toBe(theirs.stdout);
  });

  it('ids, maps and setgroups (default ids)', () => {
    const theirs = bwrap(['--unshare-user', '--ro-bind', '/', '/', 'sh', '-c', ids], user);
    const ours = runSandboxed('sh', ['-c', ids], `{ namespaces: { user: true } }`, user);
    expect(ours.stdout).toBe(theirs.stdout);
  });

  it('visible mounts of an empty root', () => {
    const theirs = bwrap([...BWRAP_EMPTY_ROOT, 'cat', '/proc/self/mountinfo'], user);
    const ours = runSandboxed('cat', ['/proc/self/mountinfo'], EXILE_EMPTY_ROOT, user);
    expect(mountTable(ours.stdout)).toEqual(mountTable(theirs.stdout));
    expect(mountTable(ours.stdout).length).toBeGreaterThan(8);
  });

  it('network interfaces', () => {
    const link = ['ip', '-o', 'link'];
    const theirs = bwrap([...BWRAP_EMPTY_ROOT, ...link], user);
    const ours = runSandboxed(link[0]!, link.slice(1), EXILE_EMPTY_ROOT, user);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stdout).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP>/);
  });

  it('processes visible in the pid namespace (pid 1 is the tool, then the program)', () => {
    const ps = ['ps', '-e', '-o', 'pid=,comm='];
    const theirs = bwrap([...BWRAP_EMPTY_ROOT, 'sh', '-c', ps.join(' ')], user).stdout.replace('bwrap', 'TOOL');
    const ours = runSandboxed('sh', ['-c', ps.join(' ')], EXILE_EMPTY_ROOT, user).stdout.replace('exile-launch', 'TOOL');
    expect(ours).toBe(theirs);
  });

  it('exit status: the same code; a signal is passed on as the signal (bwrap gives 128+N)', () => {
    expect(runSandboxed('sh', ['-c', 'exit 42'], EXILE_EMPTY_ROOT, user).code).toBe(bwrap([...BWRAP_EMPTY_ROOT, 'sh', '-c', 'exit 42'], user).status);
    const theirs = bwrap([...BWRAP_EMPTY_ROOT, 'sh', '-c', 'kill -TERM $$'], user);
    const ours = runSandboxed('sh', ['-c', 'kill -TERM $$'], EXILE_EMPTY_ROOT, user);
    expect(theirs.status).toBe(128 + 15);
    expect(ours).toMatchObject({ code: null, signal: 'SIGTERM' });
  });
});
