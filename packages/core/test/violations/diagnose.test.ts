import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastJson, runScript, sharedTempDir } from '@exile/test-utils';
import { exileAs, type User } from '../exile-cli.js';

const exile = (user: User, ...args: string[]) => exileAs(user, args);
const line = (command: string, what: string) => new RegExp(`^exile: ${command}\\[\\d+\\]: ${what.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm');

/** A directory the run may write (`ok`) beside one it may not (`no`, holding `old`), both writable by nobody without a sandbox. */
function dirs() {
  const root = sharedTempDir('exile-diagnose-');
  for (const name of ['ok', 'no']) {
    mkdirSync(join(root, name));
    chmodSync(join(root, name), 0o777);
  }
  writeFileSync(join(root, 'no', 'old'), 'old\n', { mode: 0o666 });
  chmodSync(join(root, 'no', 'old'), 0o666);
  return root;
}

describe.each<User>(['current', 'nobody'])('exile run --diagnose (%s)', (user) => {
  it('names a file read the policy denies and the flag that allows it; with that flag it runs, and allowed paths print nothing', () => {
    const r = exile(user, 'run', '--diagnose', '--rox', '/usr', '--', 'cat', '/etc/hostname');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(line('cat', 'read /etc/hostname denied by the file-system policy; add --ro /etc/hostname'));
    expect(r.stderr).toMatch(/cat: \/etc\/hostname: Permission denied/);
    const fixed = exile(user, 'run', '--diagnose', '--rox', '/usr', '--ro', '/etc', '--', 'cat', '/etc/hostname');
    expect(fixed.status).toBe(0);
    expect(fixed.stdout).toBe(readFileSync('/etc/hostname', 'utf8'));
    expect(fixed.stderr).toBe('');
  });

  it('a UNIX socket bound and sent to by path (bind, sendto, sendmsg): the bind outside --rw named with --rw; with it the datagrams arrive and nothing is named', () => {
    const root = dirs();
    const py = `import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind('${root}/DIR/d.sock')
c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
c.sendto(b'to', '${root}/DIR/d.sock')
c.sendmsg([b'msg'], [], 0, '${root}/DIR/d.sock')
print(s.recv(9).decode(), s.recv(9).decode())`;
    const r = exile(user, 'run', '--diagnose', '--rox', '/usr', '--ro', '/etc', '--rw', join(root, 'ok'), '--', '/usr/bin/python3', '-I', '-c', py.replaceAll('DIR', 'no'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(line('python3', `create ${root}/no/d.sock denied by the file-system policy; add --rw ${root}/no`));
    expect(r.stderr).toMatch(/PermissionError/);
    const fixed = exile(user, 'run', '--diagnose', '--rox', '/usr', '--ro', '/etc', '--rw', join(root, 'ok'), '--', '/usr/bin/python3', '-I', '-c', py.replaceAll('DIR', 'ok'));
    expect([fixed.status, fixed.stdout, fixed.stderr]).toEqual([0, 'to msg\n', '']);
  });

  it('the program\'s own /proc/self files are named as /proc/self (not as exile\'s pid); that flag allows them, and --profile node has them', () => {
    const read = 'process.stdout.write(String(require("fs").readFileSync("/proc/self/cgroup", "utf8").length > 0))';
    const r = exile(user, 'run', '--diagnose', '--profile', 'system', '--', 'node', '-e', read);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(line('node', 'read /proc/self/cgroup denied by the file-system policy; add --ro /proc/self/cgroup'));
    const fixed = exile(user, 'run', '--diagnose', '--profile', 'system', '--ro', '/proc/self/cgroup', '--', 'node', '-e', read);
    expect([fixed.status, fixed.stdout]).toEqual([0, 'true']);
    expect(fixed.stderr).not.toMatch(/\/proc\/self\/cgroup/);
    const profile = exile(user, 'run', '--diagnose', '--profile', 'node', '--', 'node', '-e', read);
    expect([profile.status, profile.stdout, profile.stderr]).toEqual([0, 'true', '']);
  });

  it('a program calling openat2 itself (no libc fallback): the read is named from its struct open_how, and the flag allows it', () => {
    // syscall(437 = openat2 on x86_64 and aarch64, AT_FDCWD, path, &how {flags 0 = O_RDONLY}, 24)
    const script = 'import ctypes,os;how=(ctypes.c_uint64*3)(0,0,0);fd=ctypes.CDLL(None,use_errno=True).syscall(437,-100,b"/etc/hostname",ctypes.byref(how),24);print(fd>=0 or os.strerror(ctypes.get_errno()))';
    const r = exile(user, 'run', '--diagnose', '--profile', 'python', '--', '/usr/bin/python3', '-I', '-c', script);
    expect(r.stdout).toBe('Permission denied\n');
    expect(r.stderr).toMatch(line('python3', 'read /etc/hostname denied by the file-system policy; add --ro /etc/hostname'));
    const fixed = exile(user, 'run', '--diagnose', '--profile', 'python', '--ro', '/etc/hostname', '--', '/usr/bin/python3', '-I', '-c', script);
    expect([fixed.status, fixed.stdout, fixed.stderr]).toEqual([0, 'True\n', '']);
  });

  it('a shell redirect into a directory outside the policy: create and overwrite named with --rw; the granted directory prints nothing', () => {
    const root = dirs();
    const script = `echo new > ${root}/no/new; echo over > ${root}/no/old; echo fine > ${root}/ok/out; cat ${root}/ok/out`;
    const r = exile(user, 'run', '--diagnose', '--rox', '/usr', '--rw', join(root, 'ok'), '--', 'sh', '-c', script);
    expect(r.stdout).toBe('fine\n');
    expect(r.stderr).toMatch(line('sh', `create ${root}/no/new denied by the file-system policy; add --rw ${root}/no`));
    expect(r.stderr).toMatch(line('sh', `write ${root}/no/old denied by the file-system policy; add --rw ${root}/no/old`));
    expect(r.stderr).not.toMatch(new RegExp(`${root}/ok`));
    // Landlock decided: nothing was written outside the policy.
    expect(readFileSync(join(root, 'no', 'old'), 'utf8')).toBe('old\n');
  });

  it('a real program: node requiring a module outside the policy gets the line naming the module file', () => {
    const root = dirs();
    writeFileSync(join(root, 'no', 'm.js'), 'module.exports = 42;\n', { mode: 0o644 });
    chmodSync(join(root, 'no', 'm.js'), 0o644);
    const script = `console.log(require(${JSON.stringify(join(root, 'no', 'm.js'))}))`;
    // Node's first need is OpenSSL's configuration: before, it only said "Permission denied" from deep inside OpenSSL.
    const bare = exile(user, 'run', '--diagnose', '--rox', '/usr', '--', process.execPath, '-e', script);
    expect(bare.stderr).toMatch(line('node', 'read /etc/ssl/openssl.cnf denied by the file-system policy; add --ro /etc/ssl/openssl.cnf'));
    const r = exile(user, 'run', '--diagnose', '--rox', '/usr', '--ro', '/etc/ssl', '--', process.execPath, '-e', script);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(line('node', `read ${root}/no/m.js denied by the file-system policy; add --ro ${root}/no/m.js`));
    const fixed = exile(user, 'run', '--diagnose', '--rox', '/usr', '--ro', '/etc/ssl', '--ro', join(root, 'no', 'm.js'), '--', process.execPath, '-e', script);
    expect(fixed.stdout).toBe('42\n');
    expect(fixed.stderr).not.toMatch(/m\.js/);
  });

  it('git in a repository outside the policy: the refusal inside .git names the whole .git, as exile learn grants it; with that one flag git log runs', () => {
    const repo = join(sharedTempDir('exile-diagnose-git-'), 'repo');
    mkdirSync(repo);
    const env = { ...process.env, HOME: join(repo, 'no-home'), GIT_CONFIG_NOSYSTEM: '1' };
    const git = (...args: string[]) => spawnSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'safe.directory=*', ...args], { encoding: 'utf8', env });
    expect(git('init', '-q').status).toBe(0);
    expect(git('commit', '-q', '--allow-empty', '-m', 'first').status).toBe(0);
    expect(spawnSync('chmod', ['-R', 'a+rX', repo]).status).toBe(0);
    const log = ['git', '-C', repo, '-c', 'safe.directory=*', 'log', '--format=%s'];
    const r = exileAs(user, ['run', '--diagnose', '--rox', '/usr', '--ro', '/etc', '--', ...log], { env });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(line('git', `read ${repo}/.git/HEAD denied by the file-system policy; add --ro ${repo}/.git`));
    expect(r.stderr).not.toMatch(/add --ro \S*\.git\//);
    const fixed = exileAs(user, ['run', '--diagnose', '--rox', '/usr', '--ro', '/etc', '--ro', join(repo, '.git'), '--', ...log], { env });
    expect([fixed.status, fixed.stdout, fixed.stderr]).toEqual([0, 'first\n', '']);
  });

  it('with vows too: the same supervisor still reports and refuses what the vows forbid, and predicts Landlock', () => {
    const r = exile(user, 'run', '--diagnose', '--vows', 'stdio rpath', '--rox', '/usr', '--', 'sh', '-c', 'cat /etc/hostname | wc -c');
    expect(r.status).toBe(159);
    expect(r.stderr).toMatch(/^exile: sh\[\d+\]: clone\(0x[0-9a-f]+\) blocked by vows; add "clone" to allow$/m);
    const cat = exile(user, 'run', '--diagnose', '--vows', 'stdio rpath', '--rox', '/usr', '--', 'cat', '/etc/hostname');
    expect(cat.status).toBe(1);
    expect(cat.stderr).toMatch(line('cat', 'read /etc/hostname denied by the file-system policy; add --ro /etc/hostname'));
    // A watched call the vows answer themselves (libuv's terminal reopen gets EACCES) is answered the same, and is no violation.
    const py = 'import os\ntry: os.open("/dev/null", os.O_RDWR | os.O_NOCTTY)\nexcept OSError as e: print(e.errno)';
    const quiet = exile(user, 'run', '--diagnose', '--vows', 'stdio rpath', '--rox', '/usr', '--', '/usr/bin/python3', '-c', py);
    expect(quiet.stdout).toBe('13\n');
    expect(quiet.stderr).not.toMatch(/blocked|\/dev\/null/);
  });

  it('spawn({ diagnose: true }) emits each predicted denial as a \'denial\' event', () => {
    const r = runScript(`
      import { spawn } from '@exile/core';
      const denials = [];
      const child = spawn({ fs: { exec: ['/usr'] } }, 'cat', ['/etc/hostname'], { diagnose: true, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('denial', (d) => denials.push(d));
      child.on('close', (code) => console.log(JSON.stringify({ code, denials, stderr })));`, { from: import.meta.url, user });
    const out = lastJson<{ code: number; denials: Record<string, unknown>[]; stderr: string }>(r.stdout);
    expect(out.code).toBe(1);
    expect(out.denials).toContainEqual(expect.objectContaining({ by: 'landlock', access: 'read', path: '/etc/hostname', syscall: 'openat',
      fix: 'add "/etc/hostname" to fs.read', flag: '--ro /etc/hostname', command: 'cat' }));
    expect(out.stderr).toMatch(line('cat', 'read /etc/hostname denied by the file-system policy; add --ro /etc/hostname'));
  });
});
