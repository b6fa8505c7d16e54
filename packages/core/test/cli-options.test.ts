import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, ExileError } from '../src/index.js';
import { parseOptions } from '../src/cli/options.js';
import { POLICY_OPTIONS, policyFromOptions } from '../src/cli/policy-flags.js';
import { UsageError } from '../src/cli/usage-error.js';
import { ENV_OPTIONS, envFromOptions } from '../src/cli/env-flags.js';
import { TIMEOUT_OPTIONS, timeoutMs } from '../src/cli/timeout-flag.js';

const flags = (...args: string[]) => policyFromOptions('run', parseOptions('run', POLICY_OPTIONS, args));
/** `exile run` refuses these flags with this message. */
const refuses = (args: string[], message: string) => expect(() => flags(...args)).toThrow(new UsageError(`exile run: ${message}`));

/** A --policy file holding `policy`, in a fresh temp dir. */
function policyFile(policy: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'exile-cli-')), 'p.json');
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

describe('parseOptions', () => {
  it('stops at -- and at the first non-option; accepts --x=V and --x V', () => {
    expect(parseOptions('run', POLICY_OPTIONS, ['--ro', '/usr', '--rw=/tmp', '--', 'ls', '-l']).rest).toEqual(['ls', '-l']);
    expect(parseOptions('run', POLICY_OPTIONS, ['--no-net', 'ls', '--ro', 'x']).rest).toEqual(['ls', '--ro', 'x']);
  });

  it.each([
    [['--nonet'], 'unknown option --nonet'],
    [['--ro'], '--ro needs a value (PATH)'],
    [['--no-net=1'], '--no-net takes no value'],
    [['--vows', 'stdio', '--vows', 'rpath'], '--vows given twice'],
    [['--ro', '/usr', '/etc', '--', 'cat'], 'unexpected argument "/etc" before -- (give each option its value; CMD goes after --)'],
    [['--no-net', 'ls', '--'], 'unexpected argument "ls" before -- (give each option its value; CMD goes after --)'],
  ])('%j is a usage error: %s', (args, message) => {
    expect(() => parseOptions('run', POLICY_OPTIONS, args)).toThrow(new UsageError(`exile run: ${message}`));
  });
});

describe('policy flags', () => {
  it('map --ro to fs.read, --rox to fs.exec, --rw to fs.write, --no-dev to fs.devices: false', () => {
    expect(flags('--ro', '/usr', '--rw', '/tmp/out', '--rox', '/opt/bin', '--ro', '/etc')).toEqual({
      fs: { read: ['/usr', '/etc'], write: ['/tmp/out'], exec: ['/opt/bin'] },
    });
    expect(flags('--rox', '/usr', '--no-dev')).toEqual({ fs: { read: [], write: [], exec: ['/usr'], devices: false } });
  });

  it('map --make-dev to fs.makeDevices, added to a policy file\'s', () => {
    expect(flags('--rw', '/srv/dev', '--make-dev', '/srv/dev', '--make-dev', '/srv/dev')).toEqual({
      fs: { read: [], write: ['/srv/dev'], exec: [], makeDevices: ['/srv/dev'] },
    });
    const file = policyFile({ fs: { write: ['/srv'], makeDevices: ['/srv/a'] } });
    expect(flags('--policy', file, '--make-dev', '/srv/b').fs).toMatchObject({ makeDevices: ['/srv/a', '/srv/b'] });
    refuses(['--exec', '/usr'], 'unknown option --exec');
  });

  it('map network, vows, namespaces and mode', () => {
    expect(flags('--connect', '443', '--bind', '8080', '--connect=80', '--vows', 'stdio inet', '--unshare', 'pid,uts', '--best-effort')).toEqual({
      net: { connect: [443, 80], bind: [8080] }, vows: 'stdio inet', namespaces: { pid: true, uts: true }, mode: 'best-effort',
    });
    expect(flags('--no-net', '--unshare', 'all')).toEqual({ net: false, namespaces: 'all' });
  });

  it.each([
    [['--connect', '99999'], '--connect needs a port number 0-65535, got "99999"'],
    [['--bind', 'http'], '--bind needs a port number 0-65535, got "http"'],
    [['--no-net', '--connect', '1'], '--no-net conflicts with --connect/--bind'],
    [['--vows', ''], '--vows needs at least one vow, e.g. "stdio rpath" (see exile help vows)'],
    [['--vows', ' \t'], '--vows needs at least one vow, e.g. "stdio rpath" (see exile help vows)'],
    [['--unshare', 'user,time'], '--unshare: unknown namespace "time" (use all, or user,mount,net,pid,ipc,uts,cgroup)'],
    [['--no-dev'], '--no-dev needs a file-system policy (--ro, --rox, --rw, --profile or "fs" in --policy FILE)'],
    [['--make-dev', '/tmp'], '--make-dev needs a file-system policy (--ro, --rox, --rw, --profile or "fs" in --policy FILE)'],
  ])('%j is a usage error', (args, message) => {
    refuses(args, message);
  });

  it('never widen a --policy file: "net": false takes no port, --vows only narrows the file\'s vows', () => {
    const file = policyFile({ net: false, vows: 'stdio rpath' });
    refuses(['--policy', file, '--connect', '80'], `--connect/--bind would widen "net": false in ${file}`);
    refuses(['--policy', file, '--bind', '8080'], `--connect/--bind would widen "net": false in ${file}`);
    refuses(['--policy', file, '--vows', 'stdio rpath wpath'], `--vows would widen the vows of ${file}: wpath not granted there`);
    expect(flags('--policy', file, '--vows', 'stdio error')).toMatchObject({ net: false, vows: 'stdio error' });
    // Without a file, the flags are the whole policy: nothing to widen.
    expect(flags('--connect', '80', '--vows', 'stdio wpath')).toEqual({ net: { connect: [80], bind: [] }, vows: 'stdio wpath' });
  });

  it('add to a --policy file; a bad file is a policy error, not a usage error', () => {
    const file = policyFile({ fs: { read: ['/data'] }, net: { connect: [443] }, vows: 'stdio rpath inet' });
    expect(flags('--policy', file, '--ro', '/usr', '--connect', '80', '--vows', 'stdio RPATH')).toMatchObject({
      fs: { read: ['/data', '/usr'], write: [], exec: [] }, net: { connect: [443, 80], bind: [] }, vows: 'stdio RPATH',
    });
    writeFileSync(file, '{"fs": {"read": [1]}}');
    let error: unknown;
    try {
      flags('--policy', file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExileError);
    expect((error as ExileError).code).toBe(ErrorCodes.INVALID_POLICY);
    expect((error as ExileError).details.path).toBe('$.fs.read[0]');
  });
});

describe('view, capability and seccomp flags', () => {
  it('--bind takes a port (digits) or SRC DST (a path); mounts keep their command-line order across flags', () => {
    expect(flags('--bind', '8080', '--tmpfs', '/tmp', '--bind', '/srv/a', '/a', '--ro-bind=/usr', '/usr', '--dev-bind', '/dev/null', '/null', '--proc', '/proc', '--bind', '443')).toEqual({
      net: { connect: [], bind: [8080, 443] },
      mounts: [
        { type: 'tmpfs', target: '/tmp' }, { type: 'bind', source: '/srv/a', target: '/a' }, { type: 'bind', source: '/usr', target: '/usr', readOnly: true },
        { type: 'bind', source: '/dev/null', target: '/null', devices: true }, { type: 'proc', target: '/proc' },
      ],
    });
    expect(flags('--uid', '0', '--gid', '100', '--hostname', 'box')).toEqual({ uid: 0, gid: 100, hostname: 'box' });
    expect(flags('--cap-keep', 'net_bind_service', '--cap-keep', 'CAP_CHOWN')).toEqual({ capabilities: { keep: ['CAP_NET_BIND_SERVICE', 'CAP_CHOWN'] } });
    expect(flags('--seccomp-profile', 'docker.json')).toEqual({ seccompProfile: join(process.cwd(), 'docker.json') });
  });

  it.each([
    [['--bind', '/a'], '--bind needs a value (PORT | SRC DST)'],
    [['--uid', 'root'], '--uid needs a number 0-4294967294, got "root"'],
    [['--cap-keep', 'fly'], '--cap-keep: unknown capability "fly"'],
  ])('%j is a usage error', (args, message) => {
    refuses(args, message);
  });

  it('never widen a --policy file: --cap-keep keeps only what it keeps, --seccomp-profile does not replace its profile', () => {
    const file = policyFile({ capabilities: { keep: ['chown'] }, seccompProfile: { defaultAction: 'SCMP_ACT_ALLOW' } });
    expect(flags('--policy', file, '--cap-keep', 'chown')).toMatchObject({ capabilities: { keep: ['CAP_CHOWN'] } });
    refuses(['--policy', file, '--cap-keep', 'sys_admin'], `--cap-keep would widen the capabilities of ${file}: CAP_SYS_ADMIN not kept there`);
    refuses(['--policy', file, '--seccomp-profile', 'x.json'], `--seccomp-profile would replace the seccompProfile of ${file}`);
    const dropAll = policyFile({ capabilities: 'drop-all' });
    refuses(['--policy', dropAll, '--cap-keep', 'chown'], `--cap-keep would widen the capabilities of ${dropAll}: CAP_CHOWN not kept there`);
  });
});

describe('environment and timeout flags', () => {
  const ENV_SPECS = [...ENV_OPTIONS, ...TIMEOUT_OPTIONS];
  const env = (...args: string[]) => envFromOptions('run', parseOptions('run', ENV_SPECS, args), { A: 'a', B: 'b', PATH: '/bin' });

  it('--clearenv keeps only --keepenv, then --unsetenv removes and --setenv sets; --chdir resolves', () => {
    expect(env()).toEqual({});
    expect(env('--unsetenv', 'A', '--setenv', 'C', 'x=y')).toEqual({ env: { B: 'b', PATH: '/bin', C: 'x=y' } });
    expect(env('--clearenv', '--keepenv', 'PATH', '--keepenv', 'NOPE', '--setenv', 'A', '1')).toEqual({ env: { PATH: '/bin', A: '1' } });
    expect(env('--chdir', 'sub')).toEqual({ cwd: join(process.cwd(), 'sub') });
  });

  it.each([
    [['--keepenv', 'A'], '--keepenv goes with --clearenv (without it every variable is kept)'],
    [['--setenv', 'A=1', 'x'], '--setenv: "A=1" is not a variable name'],
    [['--unsetenv', ''], '--unsetenv: "" is not a variable name'],
  ])('%j is a usage error', (args, message) => {
    expect(() => env(...args)).toThrow(new UsageError(`exile run: ${message}`));
  });

  it('--timeout takes seconds > 0', () => {
    const ms = (...args: string[]) => timeoutMs('run', parseOptions('run', ENV_SPECS, args));
    expect([ms(), ms('--timeout', '2'), ms('--timeout', '0.5')]).toEqual([undefined, 2000, 500]);
    for (const bad of ['0', '-1', '1e3', 'soon', '9999999']) {
      expect(() => ms('--timeout', bad)).toThrow(new UsageError(`exile run: --timeout needs a number of seconds > 0, got "${bad}"`));
    }
  });
});
