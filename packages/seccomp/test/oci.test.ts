import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { debianFile, thrown } from '@exile/test-utils';
import { ARCH_NAMES, compile, decide, evaluate, fromOCI, syscalls, toOCI, type Arch, type SeccompPolicy } from '../src/index.js';
import { program } from '../src/compile.js';
import { normalize } from '../src/validate.js';
import { libseccompBpf, withoutNewer } from './helpers/libseccomp.js';

// The real profiles, from Debian's packages (tools/debs/pins.txt).
const docker = JSON.parse(readFileSync(debianFile('oci-docker', 'usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json'), 'utf8')) as object;
const podman = JSON.parse(readFileSync(debianFile('oci-podman', 'usr/share/containers/seccomp.json'), 'utf8')) as object;
// The architectures Docker's profile covers, of those exile compiles for.
const DOCKER_ARCHES = ['x86_64', 'i386', 'aarch64'] as const;

const CLONE_NEWUSER = 0x10000000n;
const SIGCHLD = 17n;

describe("Docker's default profile", () => {
  const policy = fromOCI(docker, { arch: 'x86_64', kernel: '6.18.0' });
  const on = (name: string, args: bigint[] = [], p: SeccompPolicy = policy, arch: Arch = 'x86_64') => decide(p, arch, name, args);

  it('allows the everyday syscalls and denies the rest with EPERM', () => {
    expect(on('read')).toBe('allow');
    expect(on('openat')).toBe('allow');
    expect(on('mount')).toEqual({ errno: 1 });
    expect(on('kexec_load')).toEqual({ errno: 1 });
  });

  it('keeps argument rules: personality, clone namespace flags (MASKED_EQ)', () => {
    expect(on('personality', [0n])).toBe('allow');
    expect(on('personality', [0xffffffffn])).toBe('allow');
    expect(on('personality', [1n])).toEqual({ errno: 1 });
    expect(on('clone', [SIGCHLD])).toBe('allow');
    expect(on('clone', [SIGCHLD | CLONE_NEWUSER])).toEqual({ errno: 1 });
  });

  it('applies errnoRet (clone3 → ENOSYS) and capability includes/excludes', () => {
    expect(on('clone3')).toEqual({ errno: 38 });
    const admin = fromOCI(docker, { arch: 'x86_64', capabilities: ['CAP_SYS_ADMIN'], kernel: '6.18.0' });
    expect(on('mount', [], admin)).toBe('allow');
    expect(on('clone', [SIGCHLD | CLONE_NEWUSER], admin)).toBe('allow');
    expect(on('clone3', [], admin)).toBe('allow');
  });

  it('applies arch includes and minKernel', () => {
    expect(on('arch_prctl')).toBe('allow'); // amd64/x32 only
    const arm = fromOCI(docker, { arch: 'aarch64', kernel: '6.18.0' });
    expect(normalize(arm, 'aarch64').rules.length).toBeGreaterThan(5);
    expect(decide(arm, 'aarch64', 'read')).toBe('allow');
    // This Docker release's archMap has no riscv64: refused, not guessed.
    expect(thrown(() => fromOCI(docker, { arch: 'riscv64', kernel: '6.18.0' }))).toMatchObject({ code: 'ERR_EXILE_UNSUPPORTED', details: { path: '$.archMap', arch: 'riscv64' } });
    expect(on('ptrace')).toBe('allow');
    expect(on('ptrace', [], fromOCI(docker, { arch: 'x86_64', kernel: '4.4.0' }))).toEqual({ errno: 1 });
  });

  it('compiles for every arch it covers and the BPF agrees with decide() on every syscall', () => {
    expect(ARCH_NAMES.filter((a) => !(DOCKER_ARCHES as readonly string[]).includes(a))).toEqual(['riscv64']);
    for (const arch of DOCKER_ARCHES) {
      const p = fromOCI(docker, { arch, kernel: '6.18.0' });
      const bpf = compile(p, { arch });
      for (const name of syscalls.list(arch)) {
        for (const args of [[], [2n], [40n], [SIGCHLD | CLONE_NEWUSER], [8n]]) {
          expect([name, evaluate(bpf, { nr: syscalls.number(name, arch)!, args }).action]).toEqual([name, decide(p, arch, name, args)]);
        }
      }
    }
  });

  it.each(['x86_64', 'aarch64'] as const)('gives the same actions as libseccomp building the same profile (%s)', (arch) => {
    const p = withoutNewer(fromOCI(docker, { arch, kernel: '6.18.0' }));
    const ours = compile(p, { arch });
    const theirs = program(arch, libseccompBpf(normalize(p, arch), 2));
    for (let nr = 0; nr < 500; nr++) {
      for (const args of [[], [2n], [40n], [0xffffffffn], [SIGCHLD | CLONE_NEWUSER], [SIGCHLD]]) {
        expect([nr, evaluate(ours, { nr, args }).value]).toEqual([nr, evaluate(theirs, { nr, args }).value]);
      }
    }
  });

  it('survives export and re-import unchanged', () => {
    const again = fromOCI(toOCI(policy), { arch: 'x86_64', kernel: '6.18.0' });
    expect(again).toEqual(policy);
    expect(toOCI(policy)).toMatchObject({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1 });
  });
});

describe("Podman's default profile", () => {
  // containers/common writes errno names beside the numbers (defaultErrno, errno), and gives socket()
  // different actions by argument: EINVAL for an audit netlink socket, allowed for every other.
  const policy = fromOCI(podman, { arch: 'x86_64', kernel: '6.18.0' });
  const on = (name: string, args: bigint[] = [], p: SeccompPolicy = policy) => decide(p, 'x86_64', name, args);
  const [AF_NETLINK, AF_INET, SOCK_RAW, SOCK_STREAM, NETLINK_AUDIT, NETLINK_ROUTE] = [16n, 2n, 3n, 1n, 9n, 0n];

  it('reads the errno names beside the numbers: ENOSYS by default, EPERM where it says so', () => {
    expect(on('read')).toBe('allow');
    expect(on('afs_syscall')).toEqual({ errno: 38 });
    expect(on('kexec_load')).toEqual({ errno: 1 });
    expect(on('bpf')).toEqual({ errno: 1 });
    expect(on('bpf', [], fromOCI(podman, { arch: 'x86_64', capabilities: ['CAP_SYS_ADMIN'], kernel: '6.18.0' }))).toBe('allow');
  });

  it('as libseccomp, a syscall\'s first rule without argument checks decides it: setns is allowed by the big list, not refused by the later EPERM', () => {
    expect(on('setns')).toBe('allow');
    const first = fromOCI({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 5, op: 'SCMP_CMP_EQ' }] },
      { names: ['read', 'write'], action: 'SCMP_ACT_KILL' }, { names: ['read'], action: 'SCMP_ACT_ERRNO' }] }, { arch: 'x86_64' });
    expect(first.rules).toEqual([{ syscall: ['read', 'write'], action: 'kill-thread' }]);
  });

  it('keeps socket()\'s actions by argument: an audit netlink socket is EINVAL, every other socket allowed', () => {
    expect(on('socket', [AF_NETLINK, SOCK_RAW, NETLINK_AUDIT])).toEqual({ errno: 22 });
    expect(on('socket', [AF_NETLINK, SOCK_RAW, NETLINK_ROUTE])).toBe('allow');
    expect(on('socket', [AF_INET, SOCK_STREAM, 0n])).toBe('allow');
    expect(on('socket', [AF_INET, SOCK_RAW, NETLINK_AUDIT])).toBe('allow');
    // With CAP_AUDIT_WRITE the profile allows every socket.
    expect(on('socket', [AF_NETLINK, SOCK_RAW, NETLINK_AUDIT], fromOCI(podman, { arch: 'x86_64', capabilities: ['CAP_AUDIT_WRITE'], kernel: '6.18.0' }))).toBe('allow');
  });

  it.each(['x86_64', 'aarch64'] as const)('gives the same actions as libseccomp building the same profile (%s)', (arch) => {
    const p = withoutNewer(fromOCI(podman, { arch, kernel: '6.18.0' }));
    const ours = compile(p, { arch });
    const theirs = program(arch, libseccompBpf(normalize(p, arch), 2));
    for (let nr = 0; nr < 500; nr++) {
      for (const args of [[], [AF_NETLINK, SOCK_RAW, NETLINK_AUDIT], [AF_NETLINK, SOCK_RAW, NETLINK_ROUTE], [AF_INET, SOCK_STREAM, NETLINK_AUDIT], [8n], [0xffffffffn]]) {
        expect([nr, evaluate(ours, { nr, args }).value]).toEqual([nr, evaluate(theirs, { nr, args }).value]);
      }
    }
  });

  it('refuses an errno name that disagrees with its number, or that is unknown, naming the field', () => {
    expect(thrown(() => fromOCI({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, defaultErrno: 'ENOSYS' }))).toMatchObject({ code: 'ERR_EXILE_INVALID_POLICY', details: { path: '$.defaultErrno' } });
    expect(thrown(() => fromOCI({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', errno: 'ENOPE' }] }))).toMatchObject({ details: { path: '$.syscalls[0].errno' } });
    expect(fromOCI({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrno: 'eacces' }).defaultAction).toEqual({ errno: 13 });
  });

  it('still refuses rules with different actions that can match the same call', () => {
    const overlapping = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [
      { names: ['socket'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 16, op: 'SCMP_CMP_EQ' }] },
      { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 2, value: 9, op: 'SCMP_CMP_NE' }] }] };
    expect(thrown(() => fromOCI(overlapping, { arch: 'x86_64' }))).toMatchObject({ code: 'ERR_EXILE_INVALID_POLICY', details: { path: '$.syscalls[1]' } });
  });
});

describe('OCI edge cases', () => {
  it('refuses profiles that do not cover the arch', () => {
    const error = thrown(() => fromOCI({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_AARCH64'] }, { arch: 'x86_64' }));
    expect(error.code).toBe('ERR_EXILE_UNSUPPORTED');
  });

  it.each([
    [{ defaultAction: 'SCMP_ACT_PERMIT' }, '$.defaultAction'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: -1 }, '$.defaultErrnoRet'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 7, value: 0, op: 'SCMP_CMP_EQ' }] }] }, '$.syscalls[0].args[0].index'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 0, op: 'SCMP_CMP_LIKE' }] }] }, '$.syscalls[0].args[0].op'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 2 ** 60, op: 'SCMP_CMP_EQ' }] }] }, '$.syscalls[0].args[0].value'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', includes: { minKernel: 'new' } }] }, '$.syscalls[0].includes.minKernel'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/run/x' }, '$.listenerPath'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_LOG'] }, '$.flags[0]'],
  ])('refuses %j at %s', (profile, path) => {
    const error = thrown(() => fromOCI(profile, { arch: 'x86_64' }));
    expect(error.code).toBe('ERR_EXILE_INVALID_POLICY');
    expect(error.details.path).toBe(path);
  });

  it('MASKED_EQ keeps libseccomp meaning (valueTwo masked), bigints survive', () => {
    const p = fromOCI({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['ioctl'], action: 'SCMP_ACT_ERRNO', errnoRet: 13,
      args: [{ index: 1, value: 0xff, valueTwo: 0x1ff, op: 'SCMP_CMP_MASKED_EQ' }, { index: 2, value: 0xffffffffffffffffn, op: 'SCMP_CMP_EQ' }] }] }, { arch: 'x86_64' });
    expect(decide(p, 'x86_64', 'ioctl', [0n, 0x3ffn, 0xffffffffffffffffn])).toEqual({ errno: 13 });
    expect(decide(p, 'x86_64', 'ioctl', [0n, 0x3fen, 0xffffffffffffffffn])).toBe('allow');
    expect(toOCI(p).syscalls?.[0]?.args?.[1]).toEqual({ index: 2, value: 0xffffffffffffffffn, op: 'SCMP_CMP_EQ' });
  });

  it('exports what OCI can say and refuses the rest with a path', () => {
    const p: SeccompPolicy = { defaultAction: 'kill-process', rules: [
      { syscall: 'close', action: { trace: 5 }, args: [{ index: 0, op: 'eq', value: -100, width: 32 }] },
      { syscall: 'read', action: 'notify' },
    ] };
    expect(toOCI(p)).toEqual({ defaultAction: 'SCMP_ACT_KILL_PROCESS', syscalls: [
      { names: ['close'], action: 'SCMP_ACT_TRACE', errnoRet: 5, args: [{ index: 0, value: 0xffffffff, valueTwo: 0xffffff9c, op: 'SCMP_CMP_MASKED_EQ' }] },
      { names: ['read'], action: 'SCMP_ACT_NOTIFY' },
    ] });
    expect(thrown(() => toOCI({ defaultAction: { trap: 3 }, rules: [] })).details.path).toBe('$.defaultAction');
    expect(thrown(() => toOCI({ defaultAction: 'allow', rules: [{ syscall: 'read', action: 'log', args: [{ index: 0, op: 'lt', value: 1, width: 32 }] }] })).details.path).toBe('$.rules[0].args[0].width');
    expect(thrown(() => toOCI({ defaultAction: 'allow', rules: [
      { syscall: 'read', action: 'log', args: [{ index: 0, op: 'eq', value: 1 }] }, { syscall: ['read'], action: 'trap' },
    ] })).details.path).toBe('$.rules[1]');
  });

  it('leaves out a rule an earlier one wholly covers (it never fires under first match), and only that', () => {
    // vows' shape: wpath allows every read-write open; the runtime's errno for one read-write flag set comes after it.
    const rdwr = { index: 2, op: 'masked-eq', mask: 3, value: 2, width: 32 } as const;
    const p: SeccompPolicy = { defaultAction: 'kill-process', rules: [
      { syscall: ['openat', 'open'], action: 'allow', args: [rdwr] },
      { syscall: ['openat', 'creat'], action: { errno: 13 }, args: [{ index: 2, op: 'eq', value: 0o4000002, width: 32 }] },
      { syscall: 'read', action: 'log' }, { syscall: 'read', action: 'trap' },
    ] };
    expect(toOCI(p).syscalls).toEqual([
      { names: ['openat', 'open'], action: 'SCMP_ACT_ALLOW', args: [{ index: 2, value: 3, valueTwo: 2, op: 'SCMP_CMP_MASKED_EQ' }] },
      { names: ['creat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, args: [{ index: 2, value: 0xffffffff, valueTwo: 0o4000002, op: 'SCMP_CMP_MASKED_EQ' }] },
      { names: ['read'], action: 'SCMP_ACT_LOG' },
    ]);
    const back = fromOCI(toOCI(p), { arch: 'x86_64' });
    for (const [name, flags] of [['openat', 0o4000002], ['openat', 2], ['openat', 0], ['creat', 0o4000002], ['read', 0]] as const) {
      expect([name, flags, decide(back, 'x86_64', name, [0n, 0n, BigInt(flags)])]).toEqual([name, flags, decide(p, 'x86_64', name, [0n, 0n, BigInt(flags)])]);
    }
  });
});
