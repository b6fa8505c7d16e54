import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastJson, runScript, sharedTempDir } from '@exile/test-utils';
import { exileAs, type User } from '../exile-cli.js';

const exile = (user: User, ...args: string[]) => exileAs(user, args);

/** Runs `body` with `spawn` imported; prints `out` as JSON when the child has closed. */
function script(body: string, user: User) {
  const r = runScript(`
    import { spawn } from '@exile/core';
    const out = { violations: [], stderr: '', stdout: '' };
    ${body}
    child.on('violation', (v) => out.violations.push(v));
    child.stdout?.on('data', (d) => { out.stdout += d; });
    child.stderr?.on('data', (d) => { out.stderr += d; });
    child.on('close', (code, signal) => console.log(JSON.stringify({ ...out, code, signal })));`, { from: import.meta.url, user });
  return lastJson<{ violations: Record<string, unknown>[]; stderr: string; stdout: string; code: number | null; signal: string | null }>(r.stdout);
}

const PY_UNIX = `import socket
for attempt in range(2):
    try:
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        print('created')
    except PermissionError:
        print('refused')
print(open('/etc/hostname').read() != '')`;

describe.each<User>(['current', 'nobody'])('violations of a started program (%s)', (user) => {
  it('exile run: the pipeline of the issue is still killed, now with the line naming the call and the vow; with that vow it runs', () => {
    const r = exile(user, 'run', '--vows', 'stdio rpath', '--', 'sh', '-c', 'cat /etc/hostname | wc -c');
    expect(r.status).toBe(159);
    expect(r.stderr).toMatch(/^exile: sh\[\d+\]: clone\(0x[0-9a-f]+\) blocked by vows; add "clone" to allow$/m);
    const fixed = exile(user, 'run', '--vows', 'stdio rpath clone', '--', 'sh', '-c', 'cat /etc/hostname | wc -c');
    expect(fixed.status).toBe(0);
    expect(fixed.stdout).toBe(`${readFileSync('/etc/hostname').length}\n`);
    expect(fixed.stderr).not.toMatch(/exile:/);
  });

  it('exile run --no-net: a netlink and two UDP sockets refused are one cause, one line naming the flag; without it, all are created', () => {
    const py = `import socket
for family, kind in ((socket.AF_NETLINK, socket.SOCK_RAW), (socket.AF_INET, socket.SOCK_DGRAM), (socket.AF_INET6, socket.SOCK_DGRAM)):
    try:
        socket.socket(family, kind).close()
        print('created')
    except OSError as e:
        print(e.errno)`;
    const r = exile(user, 'run', '--no-net', '--', '/usr/bin/python3', '-c', py);
    expect(r.stdout).toBe('97\n97\n97\n');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^exile: python3\[\d+\]: socket\(AF_NETLINK, SOCK_RAW\) blocked by the network policy \(--no-net\); drop --no-net \("net": false\) to allow it: only TCP can be limited to ports\n$/);
    const open = exile(user, 'run', '--', '/usr/bin/python3', '-c', py);
    expect(open.stdout).toBe('created\ncreated\ncreated\n');
    expect(open.stderr).toBe('');
  });

  it('exile run: a program killed for a vow it lacked gets that line, not the hint about unseen Landlock refusals; with the vow it runs', () => {
    const r = exile(user, 'run', '--rox', '/usr', '--ro', '/etc', '--vows', 'stdio rpath exec', '--', 'sh', '-c', 'cat /etc/hostname | wc -c');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^exile: sh\[\d+\]: (clone\(0x[0-9a-f]+\)|vfork) blocked by vows; add "clone" to allow\n$/);
    const fixed = exile(user, 'run', '--rox', '/usr', '--ro', '/etc', '--vows', 'stdio rpath exec clone', '--', 'sh', '-c', 'cat /etc/hostname | wc -c');
    expect(fixed.stdout).toBe(`${readFileSync('/etc/hostname').length}\n`);
    expect(fixed.stderr).toBe('');
  });

  it.each([[[]], [['--unshare', 'pid']]])('exile run %j: a process the program starts may signal itself under "stdio" (Go\'s runtime does), not another', (extra) => {
    const self = '/usr/bin/python3 -c "import os, signal; signal.signal(signal.SIGUSR1, lambda *a: print(\'got\')); os.kill(os.getpid(), signal.SIGUSR1)"';
    const other = '/usr/bin/python3 -c "import os; os.kill(1, 0)"';
    const r = exile(user, 'run', ...extra, '--vows', 'stdio rpath exec clone', '--', 'sh', '-c', `${self}; echo $?; ${other}; echo $?`);
    expect(r.stdout).toBe('got\n0\n159\n');
    expect(r.stderr).toMatch(/^exile: python3\[\d+\]: kill\(1, 0\) blocked by vows; add "proc" to allow\n/);
    expect(r.stderr).not.toMatch(/SIGUSR1/);
  });

  it('exile run: the program never holds the listener, nor the socket it came over', () => {
    const r = exile(user, 'run', '--vows', 'stdio rpath proc exec', '--', 'sh', '-c', 'ls /proc/self/fd; readlink /proc/self/fd/*; true');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual(['0', '1', '2', '3']);
    // The rest are readlink's stdin/stdout/stderr (sockets of spawnSync here).
    expect(r.stdout).not.toMatch(/seccomp/);
    expect(r.stdout.split('\n').slice(4).filter(Boolean)).toHaveLength(3);
    expect(r.stderr).toBe('');
  });

  it('spawn(): penalty errno — the call fails with EPERM, the program goes on, the violation is emitted and on the stderr of the child', () => {
    const out = script(`const child = spawn({ vows: 'stdio rpath proc exec', penalty: 'errno' }, '/usr/bin/python3', ['-c', ${JSON.stringify(PY_UNIX)}]);`, user);
    expect(out.stdout).toBe('refused\nrefused\nTrue\n');
    expect(out.code).toBe(0);
    // Every violation is emitted; the line is written once per distinct call.
    expect(out.violations.filter((v) => v.syscall === 'socket')).toHaveLength(2);
    expect(out.stderr.match(/socket\(AF_UNIX/g)).toHaveLength(1);
    const socket = out.violations.find((v) => v.syscall === 'socket');
    expect(socket).toMatchObject({ syscall: 'socket', args: ['AF_UNIX', 'SOCK_STREAM'], vows: ['unix'], action: 'errno', errno: 'EPERM', by: 'vows' });
    expect(out.stderr).toContain(`exile: python3[${socket!.pid as number}]: socket(AF_UNIX, SOCK_STREAM) blocked by vows; add "unix" to allow\n`);
    // Allowed: with the vow it names, the same program creates the socket and reports nothing.
    const fixed = script(`const child = spawn({ vows: 'stdio rpath proc exec unix vminfo', penalty: 'errno' }, '/usr/bin/python3', ['-c', ${JSON.stringify(PY_UNIX)}]);`, user);
    expect(fixed.stdout).toBe('created\ncreated\nTrue\n');
    expect(fixed.violations.filter((v) => v.syscall === 'socket')).toEqual([]);
  });

  it('spawn(): a supervisor only for a filter that can report; the terminal guard alone refuses TIOCSTI without one', () => {
    // Waits for its stdin to end, so both programs run while this process counts its supervisors.
    const tiocsti = "import fcntl, sys, termios\nsys.stdin.read()\ntry:\n    fcntl.ioctl(0, termios.TIOCSTI, b'x')\nexcept OSError as e:\n    print(e.errno)";
    const r = runScript(`
      import { readdirSync, readlinkSync } from 'node:fs';
      import { spawnSync } from 'node:child_process';
      import { spawn } from '@exile/core';
      spawnSync('/bin/true');
      // A supervisor's thread has an eventfd to wake it, then the listener.
      const held = () => readdirSync('/proc/self/fd').filter((fd) => { try { return /^anon_inode:(\\[eventfd\\]|seccomp notify)$/.test(readlinkSync('/proc/self/fd/' + fd)); } catch { return false; } }).length;
      const start = (policy) => {
        const child = spawn(policy, '/usr/bin/python3', ['-c', ${JSON.stringify(tiocsti)}], { stdio: ['pipe', 'pipe', 'pipe'] });
        const result = { stdout: '', violations: [] };
        child.stdout.on('data', (d) => { result.stdout += d; });
        child.on('violation', (v) => result.violations.push(v.syscall));
        return { child, result, closed: new Promise((resolve) => child.on('close', (code) => resolve({ ...result, code }))) };
      };
      const before = held();
      const guard = start({});
      const afterGuard = held();
      const vowed = start({ vows: 'stdio rpath proc exec', penalty: 'errno' });
      const afterVowed = held();
      for (const { child } of [guard, vowed]) child.stdin.end();
      console.log(JSON.stringify({ guard: { added: afterGuard - before, ...(await guard.closed) }, vowed: { added: afterVowed - afterGuard, ...(await vowed.closed) } }));`,
    { from: import.meta.url, user });
    const out = lastJson<Record<'guard' | 'vowed', { added: number; stdout: string; violations: string[]; code: number }>>(r.stdout);
    // EPERM (1) both times: the filter refuses it (the pipe itself would say ENOTTY, 25); only the vowed one's is reported.
    expect(out.guard).toEqual({ added: 0, stdout: '1\n', violations: [], code: 0 });
    expect(out.vowed).toMatchObject({ stdout: '1\n', code: 0 });
    // Its eventfd, and the listener once it has arrived.
    expect(out.vowed.added).toBeGreaterThanOrEqual(1);
    expect(out.vowed.violations).toContain('ioctl');
    const plain = spawnSync('/usr/bin/python3', ['-c', tiocsti], { encoding: 'utf8', input: '' });
    expect(plain.stdout).toBe('25\n');
  });

  it('spawn(): reportViolations: false keeps the stderr of the child clean and still emits', () => {
    const out = script(`const child = spawn({ vows: 'stdio rpath proc exec', penalty: 'errno' }, '/usr/bin/python3', ['-c', ${JSON.stringify(PY_UNIX)}], { reportViolations: false });`, user);
    expect(out.stdout).toBe('refused\nrefused\nTrue\n');
    expect(out.stderr).not.toMatch(/exile:/);
    expect(out.violations.some((v) => v.syscall === 'socket')).toBe(true);
  });

  it('a supervisor that is gone makes the refused call fail (ENOSYS) instead of letting it through', () => {
    const dir = sharedTempDir('exile-gone-');
    // The sandbox waits for "go", then tries to change a file's mode (fattr is not granted).
    writeFileSync(join(dir, 'target'), '', { mode: 0o666 });
    chmodSync(join(dir, 'target'), 0o666);
    const body = `while [ ! -e ${dir}/go ]; do sleep 0.05; done; chmod 600 ${dir}/target 2> ${dir}/err; echo $? > ${dir}/rc`;
    const r = runScript(`
      import { spawn } from '@exile/core';
      const child = spawn({ vows: 'stdio rpath wpath cpath proc exec', penalty: 'errno' }, 'sh', ['-c', ${JSON.stringify(body)}], { stdio: 'ignore', detached: true });
      child.unref();
      process.exit(0);`, { from: import.meta.url, user });
    expect(r.status).toBe(0);
    writeFileSync(join(dir, 'go'), '');
    for (let i = 0; i < 200 && !existsSync(join(dir, 'rc')); i++) spawnSync('sleep', ['0.05']);
    expect(readFileSync(join(dir, 'rc'), 'utf8')).toBe('1\n');
    expect(readFileSync(join(dir, 'err'), 'utf8')).toMatch(/Function not implemented/);
    expect(statSync(join(dir, 'target')).mode & 0o777).toBe(0o666);
  });

  it('without user notification (exile itself under a filter): the program is killed as before, and one line says so', () => {
    const r = runScript(`
      import { install } from '@exile/seccomp';
      import { spawn } from '@exile/core';
      install({ defaultAction: 'allow', rules: [] });
      const child = spawn({ vows: 'stdio rpath' }, 'sh', ['-c', 'cat /etc/hostname | wc -c'], { stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('close', (code, signal) => console.log(JSON.stringify({ code, signal })));`, { from: import.meta.url, user });
    expect(lastJson(r.stdout)).toEqual({ code: null, signal: 'SIGSYS' });
    // The kernel log (root only) names the syscall.
    expect(r.stderr).toMatch(user === 'current' ? /^exile: sh was killed by the seccomp filter \(SIGSYS\) at clone\(\)$/m : /^exile: sh was killed by the seccomp filter \(SIGSYS\)$/m);
  });
});
