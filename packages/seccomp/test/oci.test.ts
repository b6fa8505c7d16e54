import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { thrown } from '@exile/test-utils';
import { ARCH_NAMES, compile, decide, evaluate, fromOCI, syscalls, toOCI, type Arch, type SeccompPolicy } from '../src/index.js';
import { program } from '../src/compile.js';
import { normalize } from '../src/validate.js';
import { libseccompBpf, withoutNewer } from './helpers/libseccomp.js';

// shared/ lives beside the repository (CI places a copy at the same relative spot).
const DOCKER = fileURLToPath(new URL('../../../../shared/data/oci/docker-default.json', import.meta.url));
const docker = JSON.parse(readFileSync(DOCKER, 'utf8')) as object;

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

  it('keeps argument rules: socket families, personality, clone flags', () => {
    expect(on('socket', [2n])).toBe('allow');
    expect(on('socket', [40n])).toEqual({ errno: 1 }); // AF_VSOCK
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
    const riscv = fromOCI(docker, { arch: 'riscv64', kernel: '6.18.0' });
    expect(decide(riscv, 'riscv64', 'riscv_flush_icache')).toBe('allow');
    expect(on('ptrace')).toBe('allow');
    expect(on('ptrace', [], fromOCI(docker, { arch: 'x86_64', kernel: '4.4.0' }))).toEqual({ errno: 1 });
  });

  it('compiles for every arch and the BPF agrees with decide() on every syscall', () => {
    for (const arch of ARCH_NAMES) {
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

describe('OCI edge cases', () => {
  it('refuses profiles that do not cover the arch', () => {
    const error = thrown(() => fromOCI({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_AARCH64'] }, { arch: 'x86_64' }));
    expect(error.code).toBe('ERR_EXILE_UNSUPPORTED');
  });

  it.each([
    [{ defaultAction: 'SCMP_ACT_PERMIT' }, 'defaultAction'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: -1 }, 'defaultErrnoRet'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 7, value: 0, op: 'SCMP_CMP_EQ' }] }] }, 'syscalls[0].args[0].index'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 0, op: 'SCMP_CMP_LIKE' }] }] }, 'syscalls[0].args[0].op'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 2 ** 60, op: 'SCMP_CMP_EQ' }] }] }, 'syscalls[0].args[0].value'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', includes: { minKernel: 'new' } }] }, 'syscalls[0].includes.minKernel'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO' }, { names: ['read'], action: 'SCMP_ACT_KILL' }] }, 'syscalls[1]'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/run/x' }, '$.listenerPath'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_LOG'] }, 'flags[0]'],
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
    expect(thrown(() => toOCI({ defaultAction: { trap: 3 }, rules: [] })).details.path).toBe('defaultAction');
    expect(thrown(() => toOCI({ defaultAction: 'allow', rules: [{ syscall: 'read', action: 'log', args: [{ index: 0, op: 'lt', value: 1, width: 32 }] }] })).details.path).toBe('rules[0].args[0].width');
    expect(thrown(() => toOCI({ defaultAction: 'allow', rules: [{ syscall: 'read', action: 'log' }, { syscall: ['read'], action: 'trap' }] })).details.path).toBe('rules[1]');
  });
});
