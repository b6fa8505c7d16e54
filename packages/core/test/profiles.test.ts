// Profiles on the real kernel, as root and as nobody: each lets its real program do what it was
// measured doing, and nothing beyond it is reachable; without the profile the same run fails.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goProgram, nobodyPath, sharedTempDir } from '@exile/test-utils';
import { exileAs, type User } from './exile-cli.js';

const exile = (user: User, ...args: string[]) => exileAs(user, args);
const result = (r: ReturnType<typeof exile>) => [r.status, r.stdout];
const node = process.execPath;
const NODE_WORK = 'require("tls").createSecureContext(); console.log(new Intl.DateTimeFormat("en", { timeZone: "Europe/Berlin" }).format(0), typeof require("os").userInfo().username)';
const PY_WORK = 'import ssl, json, sqlite3, pwd, time; ssl.create_default_context(); print(pwd.getpwuid(0).pw_name, json.dumps(time.gmtime(0).tm_year))';
const denied = (r: ReturnType<typeof exile>, what: RegExp) => {
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(what);
};

describe.each<User>(['current', 'nobody'])('profiles, as %s', (user) => {
  it('node: TLS, time zones and user names work; other files do not; without it node cannot start', () => {
    expect(result(exile(user, 'run', '--profile', 'node', '--', node, '-e', NODE_WORK))).toEqual([0, '1/1/1970 string\n']);
    denied(exile(user, 'run', '--profile', 'node', '--', node, '-e', 'require("fs").readFileSync("/etc/hostname")'), /EACCES: permission denied, open '\/etc\/hostname'/);
    // Node refuses to start when its OpenSSL configuration exists but cannot be read.
    denied(exile(user, 'run', '--rw', sharedTempDir(), '--', node, '-e', '1'), /OpenSSL configuration error/);
  });

  it('python: the standard library, ssl, sqlite3, pwd; other files do not; without it python cannot start', () => {
    expect(result(exile(user, 'run', '--profile', 'python', '--', '/usr/bin/python3', '-c', PY_WORK))).toEqual([0, 'root 1970\n']);
    denied(exile(user, 'run', '--profile', 'python', '--', '/usr/bin/python3', '-c', 'open("/etc/hostname")'), /PermissionError: \[Errno 13\] Permission denied: '\/etc\/hostname'/);
    denied(exile(user, 'run', '--rw', sharedTempDir(), '--', '/usr/bin/python3', '-c', '1'), /ModuleNotFoundError: No module named 'encodings'/);
  });

  it('sh: the shell runs coreutils with dates and user names; other files do not; without it id cannot run', () => {
    const sh = 'date +%Y >/dev/null && id -un && echo a b | tr a-z A-Z';
    expect(result(exile(user, 'run', '--profile', 'sh', '--', '/bin/sh', '-c', sh))).toEqual([0, `${user === 'nobody' ? 'nobody' : 'root'}\nA B\n`]);
    denied(exile(user, 'run', '--profile', 'sh', '--', '/bin/sh', '-c', 'cat /etc/hostname'), /cat: \/etc\/hostname: Permission denied/);
    denied(exile(user, 'run', '--rw', sharedTempDir(), '--', '/bin/sh', '-c', sh), /date: Permission denied/);
  });

  it('go: a Go program runs with the profile; other files do not', () => {
    const esbuild = user === 'nobody' ? nobodyPath(goProgram()) : goProgram();
    expect(result(exile(user, 'run', '--profile', 'go', '--', esbuild, '--version'))).toEqual([0, expect.stringMatching(/^\d+\.\d+\.\d+\n$/)]);
    denied(exile(user, 'run', '--profile', 'go', '--', esbuild, '/etc/hostname'), /Cannot read directory "[./]*etc": permission denied/);
  });

  it('system: git and make run, with combined profiles too; other files do not', () => {
    expect(result(exile(user, 'run', '--profile', 'system', '--', 'git', '--version'))).toEqual([0, expect.stringMatching(/^git version /)]);
    expect(result(exile(user, 'run', '--profile', 'system,sh', '--profile', 'node', '--', 'make', '--version'))).toEqual([0, expect.stringMatching(/^GNU Make /)]);
    denied(exile(user, 'run', '--profile', 'system', '--', 'cat', '/etc/hostname'), /cat: \/etc\/hostname: Permission denied/);
  });

  it('a policy file says the same with "profiles"; the report lists each profile; fs: false or an unknown name is refused by name', () => {
    const dir = sharedTempDir();
    writeFileSync(join(dir, 'sh.json'), JSON.stringify({ profiles: ['sh'] }));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ fs: false, profiles: ['sh'] }));
    const report = exile(user, 'run', '--report', '--policy', join(dir, 'sh.json'), '--', '/bin/sh', '-c', 'id -un');
    expect(result(report)).toEqual([0, `${user === 'nobody' ? 'nobody' : 'root'}\n`]);
    expect(report.stderr).toMatch(/exile: enforced: file system: profile sh \[landlock[^\]]*\] read and execute \S+, .*\/bin, \/usr\/bin, .*\/usr\/lib\/[^,;]*-linux-gnu; read \/etc\/ld\.so\.cache, /);
    const bad = exile(user, 'run', '--policy', join(dir, 'bad.json'), '--', '/bin/true');
    expect([bad.status, bad.stderr]).toEqual([125, expect.stringContaining('invalid policy: $.profiles: grant files, but "fs" is false')]);
    const unknown = exile(user, 'run', '--profile', 'ruby', '--', '/bin/true');
    expect([unknown.status, unknown.stderr]).toEqual([2, expect.stringContaining('--profile: unknown profile "ruby" (use system, sh, node, python, go')]);
  });
});
