// What every program exile starts gets by default, on the real kernel, as root and as nobody:
// the harmless devices, and what it needs to start (its binary, loader and libraries), and
// nothing more; and the file vocabulary: --ro reads, --rox also executes, --rw also writes.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOBODY, sharedTempDir } from '@exile/test-utils';
import { exileAs, type User } from './exile-cli.js';

const exile = (user: User, ...args: string[]) => exileAs(user, args);
const result = (r: ReturnType<typeof exile>) => [r.status, r.stdout];

function outDir(): string {
  const dir = sharedTempDir('exile-started-');
  mkdirSync(join(dir, 'out'));
  chmodSync(join(dir, 'out'), 0o777);
  return dir;
}

describe.each<User>(['current', 'nobody'])('a started program, as %s', (user) => {
  it('may use /dev/null by default, and not with --no-dev', () => {
    const sh = ['--', '/bin/sh', '-c', 'echo hi >/dev/null && head -c 4 /dev/urandom | wc -c'];
    expect(result(exile(user, 'run', '--rox', '/usr', ...sh))).toEqual([0, '4\n']);
    const none = exile(user, 'run', '--rox', '/usr', '--no-dev', ...sh);
    expect(none.status).not.toBe(0);
    expect(none.stderr).toContain('/dev/null: Permission denied');
    // The other devices stay out of reach either way.
    expect(exile(user, 'run', '--rox', '/usr', '--', '/bin/sh', '-c', 'echo x > /dev/tty0').stderr).toMatch(/\/dev\/tty0: (Permission denied|Operation not permitted)/);
  });

  it('with only --rw out: its binary, loader and libraries are there, nothing else is', () => {
    const dir = outDir();
    // git reads its own binary, ld-linux and libz/libpcre2/libc: none of them was granted by a flag.
    expect(result(exile(user, 'run', '--rw', join(dir, 'out'), '--', '/usr/bin/git', '--version'))).toEqual([0, expect.stringMatching(/^git version /)]);
    const cat = exile(user, 'run', '--rw', join(dir, 'out'), '--', '/bin/cat', '/etc/hostname');
    expect([cat.status, cat.stderr.split('\n')[0]]).toEqual([1, '/bin/cat: /etc/hostname: Permission denied']);
    // Then exile's line: the refusal named (audit on, root), or how to name it.
    expect(cat.stderr.split('\n')[1]).toMatch(/^exile: cat(\[\d+\]: read \/etc\/hostname denied by the file-system policy| exited with status 1; Landlock refusals cannot be named here)/);
    // Found on the PATH, like the launcher finds it; the loader's cache is readable, the rest of /etc is not.
    const report = exile(user, 'run', '--report', '--rw', join(dir, 'out'), '--', 'cat', '/etc/ld.so.cache');
    expect(report.status).toBe(0);
    expect(report.stderr).toMatch(/exile: enforced: file system: the program itself \[landlock\] read and execute \/usr\/bin\/cat, \S*ld-linux[^ ]* and 1 shared libraries \(libc\.so\.6\); read \/etc\/ld\.so\.cache/);
    // Unsandboxed the same command reads the file.
    expect(exile(user, 'run', '--', '/bin/cat', '/etc/hostname').status).toBe(0);
  });

  it('a #! script runs with its interpreter; what the script itself runs needs --rox', () => {
    const dir = outDir();
    const script = join(dir, 'hello.sh');
    writeFileSync(script, '#!/bin/sh\necho "hello from $0"\n', { mode: 0o755 });
    expect(result(exile(user, 'run', '--ro', dir, '--', script))).toEqual([0, `hello from ${script}\n`]);
    writeFileSync(join(dir, 'ls.sh'), '#!/bin/sh\nls /usr >/dev/null && echo listed\n', { mode: 0o755 });
    expect(exile(user, 'run', '--ro', dir, '--', join(dir, 'ls.sh')).stderr).toMatch(/ls: Permission denied/);
    expect(result(exile(user, 'run', '--ro', dir, '--rox', '/usr', '--', join(dir, 'ls.sh')))).toEqual([0, 'listed\n']);
  });

  it('--ro reads but does not execute; --rox executes', () => {
    const ro = exile(user, 'run', '--ro', '/usr', '--', '/bin/sh', '-c', 'test -r /usr/bin/id && echo readable; /usr/bin/id -un');
    expect([ro.status, ro.stdout]).toEqual([126, 'readable\n']);
    expect(ro.stderr).toContain('/usr/bin/id: Permission denied');
    expect(result(exile(user, 'run', '--rox', '/usr', '--', '/bin/sh', '-c', '/usr/bin/id -u'))).toEqual([0, `${user === 'nobody' ? NOBODY : process.getuid!()}\n`]);
  });

  it('a --rw path inside a --rox tree: strict refuses naming both; --best-effort warns, and the warning is real', () => {
    const dir = outDir();
    const strict = exile(user, 'run', '--rox', dir, '--rox', '/usr', '--rw', join(dir, 'out'), '--', '/bin/true');
    expect(strict.status).toBe(125);
    expect(strict.stderr).toContain(`${join(dir, 'out')} is writable inside the executable tree ${dir}`);
    expect(strict.stderr).toContain('[ERR_EXILE_INVALID_POLICY]');
    const sh = `printf '#!/bin/sh\\necho ran\\n' > ${dir}/out/x && chmod +x ${dir}/out/x && ${dir}/out/x`;
    const loose = exile(user, 'run', '--report', '--best-effort', '--rox', dir, '--rox', '/usr', '--rw', join(dir, 'out'), '--', '/bin/sh', '-c', sh.replaceAll('/x', '/y'));
    expect(loose.stderr).toContain(`exile: NOT enforced: file system: no executing what was written [landlock] warning: ${join(dir, 'out')} is writable inside the executable tree ${dir}`);
    expect([loose.status, loose.stdout]).toEqual([0, 'ran\n']);
    // Disjoint trees: what was written cannot run.
    const apart = exile(user, 'run', '--rox', '/usr', '--rw', join(dir, 'out'), '--', '/bin/sh', '-c', sh);
    expect(apart.status).toBe(126);
    expect(apart.stderr).toContain(`${dir}/out/x: Permission denied`);
  });

  it('--vows: "signals to self" is the program\'s real pid — sh can kill -0 $$, not another process without proc', () => {
    const sh = ['--', '/bin/sh', '-c', 'kill -0 $$ && echo self'];
    expect(result(exile(user, 'run', '--vows', 'stdio rpath', ...sh))).toEqual([0, 'self\n']);
    // In a new pid namespace the pid the program sees is the one patched in.
    expect(result(exile(user, 'run', '--unshare', 'pid', '--vows', 'stdio rpath', ...sh))).toEqual([0, 'self\n']);
    const other = ['--', '/bin/sh', '-c', `kill -0 ${process.pid} && echo other`];
    expect(exile(user, 'run', '--vows', 'stdio rpath', ...other).status).toBe(128 + 31);
    // With "proc" the vows allow it, and the Landlock signal scope still keeps it inside the sandbox.
    expect(result(exile('current', 'run', '--vows', 'stdio rpath proc', ...other))).toEqual([1, '']);
    expect(result(exile('current', 'run', '--vows', 'stdio rpath proc', '--', '/bin/sh', '-c', 'sleep 5 & kill $! && echo child'))).toEqual([0, 'child\n']);
  });
});
