import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { debianFile, NOBODY, sharedTempDir } from '@exile/test-utils';
import { exileAs, type User } from './exile-cli.js';

// Every flag of `exile run` that #13 adds, each with what it allows and what it takes away,
// through the real CLI and kernel, as root and as nobody.

const root = process.geteuid?.() === 0;

const exile = (user: User, args: string[], env: NodeJS.ProcessEnv = process.env) => exileAs(user, args, { env });
const sh = (user: User, flags: string[], script: string, env?: NodeJS.ProcessEnv) => exile(user, ['run', ...flags, '--', '/bin/sh', '-c', script], env);
const out = (user: User, flags: string[], script: string, env?: NodeJS.ProcessEnv) => {
  const r = sh(user, flags, script, env);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
};

// Docker's own profile (Debian's package, fetched once), copied where nobody can read it.
let docker = '';
beforeAll(() => {
  docker = join(dir(), 'docker.json');
  copyFileSync(debianFile('oci-docker', 'usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json'), docker);
  chmodSync(docker, 0o644);
}, 300_000);

function dir(): string {
  const d = sharedTempDir('exile-flags-');
  chmodSync(d, 0o777);
  return d;
}

describe.each<User>(['current', 'nobody'])('exile run flags as %s', (user) => {
  const myUid = user === 'nobody' ? NOBODY : process.geteuid!();

  it('--uid/--gid: the program has those ids in a user namespace; without them, its own', () => {
    expect(out(user, ['--uid', '1234', '--gid', '4321'], 'id -u; id -g')).toBe('1234\n4321\n');
    expect(out(user, [], 'id -u')).toBe(`${myUid}\n`);
  });

  it('--hostname: the program sees its own host name; the host keeps its name', () => {
    expect(out(user, ['--hostname', 'exile-box'], 'hostname')).toBe('exile-box\n');
    expect(out(user, [], 'hostname')).toBe(`${hostname()}\n`);
    expect(hostname()).not.toBe('exile-box');
  });

  it('--tmpfs: the directory is empty and private in the sandbox; the host copy is untouched', () => {
    const d = dir();
    writeFileSync(join(d, 'host-file'), 'host\n', { mode: 0o666 });
    expect(out(user, ['--tmpfs', d], `ls -A ${d}; echo new > ${d}/inside && cat ${d}/inside`)).toBe('new\n');
    expect(existsSync(join(d, 'inside'))).toBe(false);
    expect(out(user, [], `ls -A ${d}`)).toBe('host-file\n');
  });

  it('--bind SRC DST writes through to SRC; --ro-bind reads but refuses writes (EROFS); without, DST is what it was', () => {
    const src = dir();
    const dst = dir();
    writeFileSync(join(src, 'f'), 'from src\n', { mode: 0o666 });
    expect(out(user, ['--bind', src, dst], `cat ${dst}/f; echo written > ${dst}/g`)).toBe('from src\n');
    expect(readFileSync(join(src, 'g'), 'utf8')).toBe('written\n');
    const ro = sh(user, ['--ro-bind', src, dst], `cat ${dst}/f; echo x > ${dst}/h`);
    expect(ro.stdout).toBe('from src\n');
    expect(ro.stderr).toContain('Read-only file system');
    expect(existsSync(join(src, 'h'))).toBe(false);
    expect(out(user, [], `ls -A ${dst}`)).toBe('');
  });

  it('--bind PORT still means a TCP port: binding it works, another port is refused', () => {
    const listen = (p: number) => `${process.execPath} -e "require('net').createServer().listen(${p}, '127.0.0.1', function () { console.log('listening'); this.close(); }).on('error', (e) => console.log(e.code))"`;
    // A network namespace of its own: the ports are free whatever runs on this machine.
    expect(out(user, ['--bind', '18080', '--unshare', 'net'], `${listen(18080)}; ${listen(18081)}`)).toBe('listening\nEACCES\n');
    expect(out(user, ['--unshare', 'net'], listen(18081))).toBe('listening\n');
  });

  it('--dev-bind keeps a device usable; --bind of the same device does not (nodev)', () => {
    const d = dir();
    writeFileSync(join(d, 'null'), '', { mode: 0o666 });
    expect(out(user, ['--dev-bind', '/dev/null', join(d, 'null')], `echo x > ${d}/null && echo ok`)).toBe('ok\n');
    const nodev = sh(user, ['--bind', '/dev/null', join(d, 'null')], `echo x > ${d}/null && echo ok`);
    expect(nodev.stdout).toBe('');
    expect(nodev.stderr).toContain('Permission denied');
  });

  it('--proc: a fresh /proc of a new pid namespace (a handful of pids); without, the host\'s', () => {
    const count = 'ls /proc | grep -c "^[0-9]"';
    expect(Number(out(user, ['--proc', '/proc'], count))).toBeLessThanOrEqual(4);
    expect(Number(out(user, [], count))).toBeGreaterThan(4);
  });

  it('--clearenv/--keepenv/--setenv/--unsetenv shape the environment; without them it is inherited', () => {
    const env = { ...process.env, EXILE_A: 'a', EXILE_B: 'b' };
    const show = 'echo "${EXILE_A-unset} ${EXILE_B-unset} ${EXILE_C-unset}"';
    expect(out(user, [], show, env)).toBe('a b unset\n');
    expect(out(user, ['--unsetenv', 'EXILE_A', '--setenv', 'EXILE_C', 'c d'], show, env)).toBe('unset b c d\n');
    expect(exile(user, ['run', '--clearenv', '--keepenv', 'EXILE_B', '--setenv', 'EXILE_C', 'c', '--', '/usr/bin/env'], env).stdout).toBe('EXILE_B=b\nEXILE_C=c\n');
  });

  it('--chdir: the program starts there; without, in this directory', () => {
    expect(out(user, ['--chdir', '/usr/share'], 'pwd')).toBe('/usr/share\n');
    expect(out(user, [], 'pwd')).toBe(`${tmpdir()}\n`);
  });

  it('--seccomp-profile: Docker\'s profile refuses unshare (no CAP_SYS_ADMIN) while the rest runs; without it unshare works', () => {
    const script = 'echo start; unshare -U true && echo unshared || echo refused';
    expect(sh(user, ['--seccomp-profile', docker], script).stdout).toBe('start\nrefused\n');
    expect(out(user, [], script)).toBe('start\nunshared\n');
  });

  it('--timeout: the whole sandbox is killed and exile exits 124; a program that ends in time keeps its status', () => {
    const d = dir();
    const r = sh(user, ['--timeout', '1'], `(sleep 4; touch ${d}/late) & sleep 30`);
    expect(r.status).toBe(124);
    expect(r.stderr).toBe('exile: --timeout: 1 s passed, killing the sandbox\n');
    expect(sh(user, ['--timeout', '30'], 'exit 3').status).toBe(3);
    spawnSync('sleep', ['4.5']);
    expect(existsSync(join(d, 'late'))).toBe(false);
  });

  it('mounts with file rules: a mount outside every rule is refused (it would differ without Landlock); inside one it works on both', () => {
    const d = dir();
    const system = ['--rox', '/usr', '--rox', '/lib', '--rox', '/bin', ...(existsSync('/lib64') ? ['--rox', '/lib64'] : [])];
    const refused = sh(user, [...system, '--tmpfs', d], 'true');
    expect(refused.status).toBe(125);
    expect(refused.stderr).toContain(`$.mounts[0].target: ${d} is under no fs path`);
    for (const env of [process.env, { ...process.env, EXILE_LANDLOCK_ABI_MAX: '0' }]) {
      expect(out(user, [...system, '--rw', d, '--tmpfs', d], `echo x > ${d}/f && ls ${d}`, env)).toBe('f\n');
      expect(existsSync(join(d, 'f'))).toBe(false);
    }
  });
});

describe.runIf(root)('exile run --cap-keep (root: capabilities to lose)', () => {
  it('keeps only the named capability: chown (CAP_CHOWN) is refused, binding port 80 works; without it (every capability dropped by default) both are refused', () => {
    const d = dir();
    writeFileSync(join(d, 'f'), '');
    const bind80 = `${process.execPath} -e "require('net').createServer().listen(80, '127.0.0.1', function () { console.log('port 80'); this.close(); }).on('error', (e) => console.log(e.code))"`;
    const script = `chown 1:1 ${d}/f && echo chowned; ${bind80}`;
    const kept = sh('current', ['--cap-keep', 'net_bind_service', '--unshare', 'net'], script);
    expect(kept.stdout).toBe('port 80\n');
    // Inside the user namespace uid 1 is unmapped: the kernel says EINVAL or EPERM, never yes.
    expect(kept.stderr).toMatch(/Operation not permitted|Invalid argument/);
    const dropped = sh('current', ['--unshare', 'net'], script);
    expect(dropped.stdout).toBe('EACCES\n');
    expect(dropped.stderr).toMatch(/Operation not permitted|Invalid argument/);
  });
});
