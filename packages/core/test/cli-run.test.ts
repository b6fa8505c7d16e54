import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEnabled } from '@exile/landlock';
import { sharedTempDir, sharedTree } from '@exile/test-utils';
import { CLI, exileAs, type User } from './exile-cli.js';

const exile = (user: User, ...args: (string | NodeJS.ProcessEnv)[]) => {
  const env = { ...process.env, ...args.find((a): a is NodeJS.ProcessEnv => typeof a === 'object') };
  const argList = args.filter((a): a is string => typeof a === 'string');
  return exileAs(user, argList, { env });
};
const SYSTEM = ['--rox', '/usr', '--rox', '/lib', '--rox', '/bin', ...(['/lib64'].flatMap((p) => ['--rox', p]))];

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((s) => s.end('hello\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => server.close());

describe.each<User>(['current', 'nobody'])('exile run as %s', (user) => {
  const connect = () => `require('net').connect(${port}, '127.0.0.1').on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); })`;

  it('--no-net: a network namespace and only AF_UNIX sockets — loopback of the host is out of reach; without it, it is not', () => {
    expect(exile(user, 'run', '--', process.execPath, '-e', connect()).stdout).toBe('connected\n');
    const r = exile(user, 'run', '--no-net', '--', process.execPath, '-e', connect());
    expect(r.stdout).toBe('EAFNOSUPPORT\n');
    expect(exile(user, 'run', '--no-net', '--', '/bin/cat', '/proc/net/dev').stdout).not.toMatch(/^\s*(?!lo:)\w+:/m);
  });

  it('--ro/--rw: Landlock before exec — read-only refuses writes, read-write takes them, the rest is out of reach (EACCES)', () => {
    const dir = sharedTree('exile-run-', { 'ro/f': 'ro\n', 'rw/': '', 'hidden/f': 'secret\n' });
    const script = `cat ${dir}/ro/f; echo x > ${dir}/ro/new || echo ro-refused; echo rw > ${dir}/rw/new && cat ${dir}/rw/new; cat ${dir}/hidden/f || echo hidden-gone`;
    const r = exile(user, 'run', ...SYSTEM, '--ro', join(dir, 'ro'), '--rw', join(dir, 'rw'), '--', '/bin/sh', '-c', script);
    expect(r.stdout).toBe('ro\nro-refused\nrw\nhidden-gone\n');
    expect(r.stderr).toContain(`${dir}/ro/new: Permission denied`);
    expect(r.stderr).toContain(`${dir}/hidden/f: Permission denied`);
    // Without Landlock the same flags make a mount-namespace view: EROFS, and the rest does not exist.
    const view = exile(user, 'run', ...SYSTEM, '--ro', join(dir, 'ro'), '--rw', join(dir, 'rw'), '--', '/bin/sh', '-c', script.replaceAll('/new', '/new2'), { EXILE_LANDLOCK_ABI_MAX: '0' });
    expect(view.stdout).toBe('ro\nro-refused\nrw\nhidden-gone\n');
    expect(view.stderr).toContain('Read-only file system');
    expect(view.stderr).toContain('No such file or directory');
    // The same script unsandboxed writes everywhere and reads the hidden file.
    expect(exile(user, 'run', '--', '/bin/sh', '-c', script).stdout).toBe('ro\nrw\nsecret\n');
  });

  it('--vows: a program that writes without wpath/cpath is killed by SIGSYS (exit 159); with them it runs', () => {
    const dir = sharedTempDir('exile-run-');
    const script = `echo x > ${dir}/out && echo wrote`;
    expect(exile(user, 'run', '--vows', 'stdio rpath', '--', '/bin/sh', '-c', script).status).toBe(128 + 31);
    const ok = exile(user, 'run', '--vows', 'stdio rpath wpath cpath', '--', '/bin/sh', '-c', script);
    expect([ok.status, ok.stdout]).toEqual([0, 'wrote\n']);
  });

  it('--vows "stdio rpath": coreutils that only read run to the end (pure pledge semantics, no Node baseline)', () => {
    const dir = sharedTempDir('exile-run-');
    writeFileSync(join(dir, 'f'), 'one\ntwo\n', { mode: 0o644 });
    const run = (...cmd: string[]) => { const r = exile(user, 'run', '--vows', 'stdio rpath', '--', ...cmd); return [r.status, r.stdout, r.stderr]; };
    expect(run('/bin/cat', join(dir, 'f'))).toEqual([0, 'one\ntwo\n', '']); // posix_fadvise: stdio
    expect(run('/usr/bin/head', '-n1', join(dir, 'f'))).toEqual([0, 'one\n', '']);
    expect(run('/usr/bin/tail', '-n1', join(dir, 'f'))).toEqual([0, 'two\n', '']);
    expect(run('/usr/bin/wc', '-l', join(dir, 'f'))).toEqual([0, `2 ${join(dir, 'f')}\n`, '']);
    expect(run('/bin/ls', dir)).toEqual([0, 'f\n', '']);
    // The same programs still cannot write: cp opens its target O_CREAT → SIGSYS.
    expect(run('/bin/cp', join(dir, 'f'), join(dir, 'g'))[0]).toBe(128 + 31);
  });

  it('a program that fails on a Landlock refusal: the refusal named where the audit records it, else a line pointing at --diagnose; nothing after a success', () => {
    const failed = exile(user, 'run', ...SYSTEM, '--', '/bin/cat', '/etc/hostname');
    expect(failed.status).toBe(1);
    const named = /^exile: cat\[\d+\]: read \/etc\/hostname denied by the file-system policy; add --ro \/etc\/hostname$/m;
    const hint = /^exile: cat exited with status 1; Landlock refusals cannot be named here \((.+)\): run again with --diagnose to name them and the flag to add$/m;
    if (user === 'current' && auditEnabled() === true) expect([failed.stderr.match(named) !== null, failed.stderr.match(hint)]).toEqual([true, null]);
    else expect(failed.stderr).toMatch(hint);
    // --diagnose names it (and adds no such line); a success says nothing; no fs policy, no line.
    const diagnosed = exile(user, 'run', '--diagnose', ...SYSTEM, '--', '/bin/cat', '/etc/hostname');
    expect([diagnosed.stderr.match(named) !== null, diagnosed.stderr.match(hint)]).toEqual([true, null]);
    expect(exile(user, 'run', ...SYSTEM, '--ro', '/etc/hostname', '--', '/bin/cat', '/etc/hostname').stderr).toBe('');
    expect(exile(user, 'run', '--', '/bin/sh', '-c', 'exit 3').stderr).toBe('');
  });

  it('a program that went on past a named refusal (a netlink probe under --no-net) and failed on a Landlock one still gets the line pointing at --diagnose; with the file granted it runs', () => {
    // npm's way: the network interfaces asked for at start (refused, gone without), then a file read.
    const py = `import socket
try:
    socket.socket(socket.AF_NETLINK, socket.SOCK_RAW).close()
except OSError:
    pass
print(open('/etc/hostname').read() != '')`;
    const netlink = /^exile: python3\[\d+\]: socket\(AF_NETLINK, SOCK_RAW\) blocked by the network policy \(--no-net\); drop --no-net/m;
    const failed = exile(user, 'run', ...SYSTEM, '--no-net', '--', '/usr/bin/python3', '-c', py);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(netlink);
    const named = /^exile: python3\[\d+\]: read \/etc\/hostname denied by the file-system policy; add --ro \/etc\/hostname$/m;
    const hint = /^exile: python3 exited with status 1; Landlock refusals cannot be named here \((.+)\): run again with --diagnose to name them and the flag to add$/m;
    if (user === 'current' && auditEnabled() === true) expect(failed.stderr).toMatch(named);
    else expect(failed.stderr).toMatch(hint);
    const granted = exile(user, 'run', ...SYSTEM, '--ro', '/etc/hostname', '--no-net', '--', '/usr/bin/python3', '-c', py);
    expect([granted.status, granted.stdout]).toEqual([0, 'True\n']);
    expect(granted.stderr).toMatch(netlink);
    expect(granted.stderr).not.toMatch(hint);
  });

  it('passes the exit status through, and 128+N for a signal', () => {
    expect(exile(user, 'run', '--unshare', 'pid', '--', '/bin/sh', '-c', 'exit 7').status).toBe(7);
    expect(exile(user, 'run', '--', '/bin/sh', '-c', 'kill -TERM $$').status).toBe(128 + 15);
  });

  it('exits 127 when CMD is not found, 126 when it is found but cannot be executed, and runs what can', () => {
    const dir = sharedTempDir('exile-run-');
    writeFileSync(join(dir, 'data'), 'echo ran\n', { mode: 0o644 });
    writeFileSync(join(dir, 'script'), '#!/bin/sh\necho ran\n', { mode: 0o755 });
    const status = (...cmd: string[]) => { const r = exile(user, 'run', '--', ...cmd); return [r.status, r.stdout]; };
    expect(status('/bin/does-not-exist')).toEqual([127, '']);
    expect(status('exile-no-such-command')).toEqual([127, '']);
    expect(status(join(dir, 'data'))).toEqual([126, '']);
    expect(status(dir)).toEqual([126, '']);
    expect(status(join(dir, 'script'))).toEqual([0, 'ran\n']);
    expect(status('sh', '-c', 'exit 126')).toEqual([126, '']);
  });

  it('--report prints before CMD starts (never inside its output), only what was asked; --json for machines', () => {
    const both = (...args: string[]) => exile(user, 'run', '--report', ...args, '--', '/bin/sh', '-c', 'echo program-output >&2');
    const r = both('--vows', 'stdio rpath proc exec');
    expect(r.status).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('program-output');
    expect(lines.slice(0, -1).every((l) => l.startsWith('exile: '))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/^exile: enforced: vows: stdio rpath proc exec \[seccomp/));
    // Rights only a newer kernel has were not asked for: exile probe lists them, the report does not.
    const fs = both('--ro', '/usr', '--ro', '/lib', '--ro', '/lib64', '--ro', '/bin');
    expect(fs.stderr).toMatch(/^exile: enforced: file system \[landlock ABI \d+\]/m);
    expect(fs.stderr).not.toContain('landlock right');
    expect(exile(user, 'probe').stdout).toMatch(/^landlock, newer kernels +ABI \d+: /m);
    const json = both('--json', '--no-net');
    const [head, tail] = json.stderr.split('\n');
    expect(JSON.parse(head!)).toMatchObject({ mode: 'strict', items: expect.arrayContaining([expect.objectContaining({ what: 'no new privileges (setuid/file capabilities ignored on exec)', enforced: true })]) });
    expect(tail).toBe('program-output');
  });

  it('--unshare pid: the program sees itself as one of the first pids', () => {
    expect(Number(exile(user, 'run', '--unshare', 'pid', '--', '/bin/sh', '-c', 'echo $$').stdout)).toBeLessThanOrEqual(2);
    expect(Number(exile(user, 'run', '--', '/bin/sh', '-c', 'echo $$').stdout)).toBeGreaterThan(2);
  });
});

describe('exile run: errors', () => {
  it.each([
    [['--ro', '/does/not/exist', '--', '/bin/true'], 'exile: invalid policy: $.fs.read[0]: /does/not/exist cannot be used (ENOENT) [ERR_EXILE_INVALID_POLICY]\n'],
    [['--vows', 'stdio flying', '--', '/bin/true'], 'exile: invalid policy: $.vows: unknown vow "flying" [ERR_EXILE_UNKNOWN_VOW]\n'],
  ])('setup error %j exits 125 with a clear message', (args, message) => {
    const r = exile('current', 'run', ...args);
    expect(r.status).toBe(125);
    expect(r.stderr).toBe(message);
  });

  it('strict mode refuses what cannot be enforced (125); --best-effort runs and says what is not enforced', () => {
    // TCP port rules need Landlock ABI 4: capped at 3 for this test.
    const abi3 = { EXILE_LANDLOCK_ABI_MAX: '3' };
    expect(exile('current', 'run', '--connect', '443', '--', '/bin/true').status).toBe(0);
    const strict = exile('current', 'run', '--connect', '443', '--', '/bin/true', abi3);
    expect(strict.status).toBe(125);
    expect(strict.stderr).toContain('[ERR_EXILE_UNSUPPORTED]');
    expect(strict.stderr).toContain('network: TCP connect to port 443');
    const lax = exile('current', 'run', '--connect', '443', '--best-effort', '--report', '--', '/bin/true', abi3);
    expect(lax.status).toBe(0);
    expect(lax.stderr).toMatch(/exile: NOT enforced: network: TCP connect to port 443/);
    expect(lax.stderr).toMatch(/exile: enforced: network: sockets other than TCP and AF_UNIX \[seccomp\]/);
  });

  it.each([[['run']], [['run', '--ro']], [['run', '--connect', 'http', '--', 'x']], [['run', '--frobnicate', '--', 'x']],
    [['run', '--ro', '/usr', '/etc', '--', '/bin/cat']], [['run', '--vows', '', '--', '/bin/true']], [['run', '--json', '--', '/bin/true']]])('usage error %j exits 2 with the run help', (args) => {
    const r = exile('current', ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: exile run');
  });

  it('passes SIGTERM on to CMD and exits with its status', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, 'run', '--', '/bin/sh', '-c', 'trap "exit 42" TERM; echo ready; while :; do sleep 0.1; done'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(42);
  });

  it('has help', () => {
    expect(exile('current', 'run', '--help').stdout).toContain('-- CMD [ARGS…]');
    expect(exile('current', 'help', 'run').stdout).toContain('128+N');
  });
});
