import { existsSync, rmSync } from 'node:fs';
import { sharedTempDir } from '@exile/test-utils';
import { describe, expect, it } from 'vitest';
import { outsideId, runSandboxed, USERS } from './run-sandboxed.js';

const EMPTY_ROOT = `{
  namespaces: 'all', fs: { root: 'empty', mounts: [
    { type: 'bind', source: '/usr', readOnly: true },
    { type: 'symlink', target: '/bin', linkTo: 'usr/bin' },
    { type: 'symlink', target: '/lib', linkTo: 'usr/lib' },
    { type: 'symlink', target: '/lib64', linkTo: 'usr/lib64' },
    { type: 'proc' }, { type: 'dev' }, { type: 'tmpfs', target: '/tmp' },
  ] },
}`;

describe.each(USERS)('namespaces as %s', (user) => {
  const me = outsideId(user);

  it('maps the caller to itself by default, with setgroups denied (exile.h unshare-user-own-uid)', () => {
    const r = runSandboxed('sh', ['-c', 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups'], `{ namespaces: { user: true } }`, user);
    expect(r.error).toBeUndefined();
    const lines = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    expect(lines).toEqual([String(me), String(me), `${me} ${me} 1`, `${me} ${me} 1`, 'deny']);
    expect(r.code).toBe(0);
  });

  it('maps the caller to root inside with uid: 0 (exile.h unshare-user)', () => {
    const r = runSandboxed('sh', ['-c', 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups'], `{ namespaces: { user: true }, uid: 0, gid: 0 }`, user);
    const lines = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    expect(lines).toEqual(['0', '0', `0 ${me} 1`, `0 ${me} 1`, 'deny']);
  });

  it('maps a chosen inside id', () => {
    const r = runSandboxed('sh', ['-c', 'id -u; id -g'], `{ namespaces: { user: true }, uid: 1234, gid: 4321 }`, user);
    expect(r.stdout).toBe('1234\n4321\n');
  });

  it('creates exactly the namespaces asked for', () => {
    const kinds = ['user', 'mnt', 'pid', 'net', 'ipc', 'uts', 'cgroup'];
    const links = `for n in ${kinds.join(' ')}; do readlink /proc/self/ns/$n; done`;
    const host = runSandboxed('sh', ['-c', links], `{}`, user).stdout.trim().split('\n');
    const all = runSandboxed('sh', ['-c', links], `{ namespaces: 'all' }`, user).stdout.trim().split('\n');
    const some = runSandboxed('sh', ['-c', links], `{ namespaces: { ipc: true, cgroup: true } }`, user).stdout.trim().split('\n');
    expect(host).toHaveLength(kinds.length);
    kinds.forEach((kind, i) => {
      expect(all[i], kind).not.toBe(host[i]);
      expect(some[i] === host[i], kind).toBe(!['user', 'ipc', 'cgroup'].includes(kind));
    });
  });

  it('shows only a loopback interface, up, with net', () => {
    const r = runSandboxed('ip', ['-o', 'link'], `{ namespaces: { net: true } }`, user);
    const links = r.stdout.trim().split('\n');
    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP>/);
  });

  it('lets the sandbox use its loopback', () => {
    const echo = "const s=require('net').createServer((c)=>c.end('pong')).listen(0,'127.0.0.1',()=>require('net').connect(s.address().port,'127.0.0.1').on('data',(d)=>{console.log(String(d));process.exit(0)}))";
    const r = runSandboxed(process.execPath, ['-e', echo], `{ namespaces: { net: true } }`, user);
    expect(r).toMatchObject({ code: 0, stdout: 'pong\n' });
  });

  it('sees only the sandbox in ps with pid, and the launcher is pid 1', () => {
    const r = runSandboxed('ps', ['-e', '-o', 'pid=,comm='], `{ namespaces: { pid: true, mount: true } }`, user);
    const procs = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(procs).toEqual([['1', 'exile-launch'], [expect.any(String), 'ps']]);
  });

  it('sets the host name with uts', () => {
    const r = runSandboxed('hostname', [], `{ hostname: 'sandbox-1' }`, user);
    expect(r.stdout).toBe('sandbox-1\n');
  });

  it('an empty root has only the mounts asked for', () => {
    const r = runSandboxed('cat', ['/proc/self/mountinfo'], EMPTY_ROOT, user);
    expect(r.error).toBeUndefined();
    const mounts = r.stdout.trim().split('\n').map((line) => {
      const f = line.split(' ');
      const point = f[4] ?? '';
      const type = point === '/usr' ? 'host' : f[f.indexOf('-') + 1];
      return `${point} ${type} ${f[5]?.split(',')[0]}`;
    }).sort();
    expect(mounts).toEqual([
      '/ tmpfs rw', '/dev tmpfs rw', '/dev/full devtmpfs rw', '/dev/null devtmpfs rw', '/dev/pts devpts rw',
      '/dev/random devtmpfs rw', '/dev/tty devtmpfs rw', '/dev/urandom devtmpfs rw', '/dev/zero devtmpfs rw',
      '/proc proc rw', '/proc/bus proc ro', '/proc/irq proc ro', '/proc/sys proc ro', '/tmp tmpfs rw', '/usr host ro',
      ...(existsSync('/proc/sysrq-trigger') ? ['/proc/sysrq-trigger proc ro'] : []),
    ].filter((m) => user === 'current' || !m.startsWith('/proc/')).sort());
  });

  it('the host-wide corners of a fresh /proc cannot be written', () => {
    // Root's sandbox gets them read-only (EROFS); nobody's cannot write them anyway (EACCES).
    const r = runSandboxed('sh', ['-c', 'echo 7 > /proc/sys/kernel/printk'], `{ namespaces: 'all', uid: 0, fs: { mounts: [] } }`, user);
    expect(r.stderr).toMatch(user === 'current' ? /Read-only file system/ : /Permission denied/);
  });

  it('a read-only bind refuses writes with EROFS, a tmpfs accepts them', () => {
    const r = runSandboxed('sh', ['-c', 'echo x > /usr/exile-test 2>/dev/null; echo "ro=$?"; echo hi > /tmp/f && cat /tmp/f; touch /usr/lib/exile-test 2>&1'], EMPTY_ROOT, user);
    expect(r.stdout).toMatch(/^ro=[12]\nhi\n/);
    expect(r.stdout + r.stderr).toMatch(/Read-only file system/);
  });

  it('a read-only recursive bind is read-only on its submounts too (the host /dev/shm tmpfs)', () => {
    const name = `exile-ro-${process.pid}-${user}`;
    const script = `touch /hostdev/shm/${name} 2>&1 && rm /hostdev/shm/${name} && echo writable`;
    const bind = (readOnly: boolean): string => `{ namespaces: { user: true, mount: true }, fs: { root: 'empty', mounts: [
      { type: 'bind', source: '/usr', readOnly: true }, { type: 'symlink', target: '/bin', linkTo: 'usr/bin' },
      { type: 'symlink', target: '/lib', linkTo: 'usr/lib' }, { type: 'symlink', target: '/lib64', linkTo: 'usr/lib64' },
      { type: 'bind', source: '/dev', target: '/hostdev', readOnly: ${readOnly} },
    ] } }`;
    expect(runSandboxed('sh', ['-c', script], bind(true), user).stdout).toMatch(/Read-only file system/);
    expect(runSandboxed('sh', ['-c', script], bind(false), user).stdout).toBe('writable\n');
  });

  it('a read-only bind over the host tree protects a host directory', () => {
    const dir = sharedTempDir();
    try {
      const script = `touch ${dir}/x 2>&1; ls ${dir}`;
      expect(runSandboxed('sh', ['-c', script], `{ fs: { mounts: [{ type: 'bind', source: ${JSON.stringify(dir)}, readOnly: true }] } }`, user).stdout)
        .toMatch(/Read-only file system/);
      expect(runSandboxed('sh', ['-c', script], `{ fs: { mounts: [] } }`, user).stdout).toBe('x\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes the exit code through', () => {
    expect(runSandboxed('sh', ['-c', 'exit 42'], EMPTY_ROOT, user)).toMatchObject({ code: 42, signal: null, events: ['exit', 'close'] });
  });

  it('a program killed by a signal is seen killed by that signal', () => {
    expect(runSandboxed('sh', ['-c', 'kill -SEGV $$'], EMPTY_ROOT, user)).toMatchObject({ code: null, signal: 'SIGSEGV' });
    expect(runSandboxed('sh', ['-c', 'kill -TERM $$'], `{ namespaces: { user: true } }`, user)).toMatchObject({ code: null, signal: 'SIGTERM' });
  });

  it('forwards signals to the program through pid 1', () => {
    const r = runSandboxed('sh', ['-c', 'trap "echo got-term; exit 3" TERM; echo ready; while :; do sleep 0.05; done'], EMPTY_ROOT, user,
      '', "child.stdout.once('data', () => child.kill('SIGTERM'));");
    expect(r).toMatchObject({ code: 3, signal: null, stdout: 'ready\ngot-term\n' });
  });

  it('missing bind source → structured error, before exit', () => {
    const r = runSandboxed('true', [], `{ fs: { mounts: [{ type: 'bind', source: '/nonexistent/exile', target: '/mnt' }] } }`, user);
    expect(r.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'bind-source', errnoName: 'ENOENT', path: '/nonexistent/exile' } });
    expect(r.events).toEqual(['error', 'exit', 'close']);
    expect(r.code).toBe(127);
  });

  it('an optional missing bind source is skipped', () => {
    const r = runSandboxed('true', [], `{ fs: { root: 'empty', mounts: [{ type: 'bind', source: '/usr' }, { type: 'symlink', target: '/bin', linkTo: 'usr/bin' }, { type: 'symlink', target: '/lib64', linkTo: 'usr/lib64' }, { type: 'symlink', target: '/lib', linkTo: 'usr/lib' }, { type: 'bind', source: '/nonexistent/exile', optional: true }] } }`, user);
    expect(r).toMatchObject({ code: 0, events: ['exit', 'close'] });
  });

  it('a missing program → execve error naming the command', () => {
    const r = runSandboxed('exile-no-such-program', [], `{ namespaces: 'all' }`, user);
    expect(r.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'execve', command: 'exile-no-such-program' } });
    expect(['ENOENT', 'EACCES']).toContain(r.error?.details.errnoName);
  });
});
