import { describe, expect, it } from 'vitest';
import { compile as compileBpf, decide, evaluate, syscalls } from '@exile/seccomp';
import { seccompPolicy } from '../src/seccomp-policy.js';
import { VOW_NAMES } from '../src/names.js';
import { ALLOW, decider, ENOSYS, EPERM, KILL, PID } from './helpers.js';

const AT_FDCWD = -100;
const O = { RDONLY: 0, WRONLY: 1, RDWR: 2, CREAT: 0o100, TRUNC: 0o1000, APPEND: 0o2000, CLOEXEC: 0o2000000, DIRECTORY: 0o200000, NOFOLLOW: 0o400000, TMPFILE: 0o20200000, PATH: 0o10000000 };
const SOCK = { STREAM: 1, DGRAM: 2, RAW: 3, NONBLOCK: 0o4000, CLOEXEC: 0o2000000 };
const PROT = { RW: 3, RX: 5, RWX: 7 };
const MAP_PRIVATE_ANON = 0x22;
const THREAD = 0x3d0f00; // glibc pthread_create: VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID
const FORK = 0x1200011; // glibc fork: CHILD_SETTID|CHILD_CLEARTID|SIGCHLD
const CLONE_NEWUSER = 0x10000000;

describe('seccompPolicy(): open flags', () => {
  it('stdio rpath: reads (also O_DIRECTORY, O_PATH), never writes, creates or truncates', () => {
    const call = decider('stdio rpath');
    expect(call('openat', AT_FDCWD, 0, O.RDONLY | O.CLOEXEC)).toBe(ALLOW);
    expect(call('openat', AT_FDCWD, 0, O.RDONLY | O.DIRECTORY | O.CLOEXEC)).toBe(ALLOW); // exile.h denied this
    expect(call('openat', AT_FDCWD, 0, O.RDONLY | O.NOFOLLOW | O.PATH)).toBe(ALLOW);
    expect(call('openat', AT_FDCWD, 0, O.WRONLY)).toEqual(KILL);
    expect(call('openat', AT_FDCWD, 0, O.RDWR)).toEqual(KILL);
    expect(call('openat', AT_FDCWD, 0, O.RDONLY | O.CREAT, 0o644)).toEqual(KILL);
    expect(call('openat', AT_FDCWD, 0, O.RDONLY | O.TRUNC)).toEqual(KILL);
    expect(call('openat', AT_FDCWD, 0, O.RDWR | O.TMPFILE, 0o600)).toEqual(KILL);
    expect(call('openat', AT_FDCWD, 0, 3)).toEqual(KILL);
    expect(call('open', 0, O.RDONLY)).toBe(ALLOW);
    expect(call('open', 0, O.WRONLY | O.APPEND)).toEqual(KILL);
    expect(call('openat2', AT_FDCWD, 0, 0, 24)).toEqual(ENOSYS);
  });

  it('wpath writes, O_RDWR needs rpath too, creating needs cpath and no setuid/setgid/sticky bits', () => {
    expect(decider('wpath')('openat', AT_FDCWD, 0, O.WRONLY | O.TRUNC)).toBe(ALLOW);
    expect(decider('wpath')('openat', AT_FDCWD, 0, O.RDWR)).toEqual(KILL);
    expect(decider('wpath')('openat', AT_FDCWD, 0, O.RDONLY)).toEqual({ errno: 13 }); // Node runtime: EACCES, see runtime-node.ts
    expect(decider('wpath', { runtime: 'none' })('openat', AT_FDCWD, 0, O.RDONLY)).toEqual(KILL);
    expect(decider('rpath wpath')('openat', AT_FDCWD, 0, O.RDWR)).toBe(ALLOW);
    const create = decider('wpath cpath');
    expect(create('openat', AT_FDCWD, 0, O.WRONLY | O.CREAT | O.TRUNC, 0o644)).toBe(ALLOW);
    expect(create('openat', AT_FDCWD, 0, O.WRONLY | O.CREAT | O.APPEND, 0o666)).toBe(ALLOW);
    expect(create('openat', AT_FDCWD, 0, O.WRONLY | O.CREAT, 0o4755)).toEqual(KILL);
    expect(create('openat', AT_FDCWD, 0, O.WRONLY | O.CREAT, 0o1777)).toEqual(KILL);
    expect(create('openat', AT_FDCWD, 0, O.WRONLY | O.TMPFILE, 0o600)).toBe(ALLOW);
    expect(create('creat', 0, 0o644)).toBe(ALLOW);
    expect(create('creat', 0, 0o2755)).toEqual(KILL);
    expect(decider('cpath')('openat', AT_FDCWD, 0, O.WRONLY | O.CREAT, 0o644)).toEqual(KILL);
    expect(decider('cpath')('mkdir', 0, 0o755)).toBe(ALLOW);
    expect(decider('cpath')('unlink', 0)).toBe(ALLOW);
    expect(decider('rpath')('unlink', 0)).toEqual(KILL);
  });

  it('fattr refuses setuid, setgid and sticky modes; chown is its own vow', () => {
    const call = decider('fattr');
    expect(call('chmod', 0, 0o755)).toBe(ALLOW);
    expect(call('fchmodat', AT_FDCWD, 0, 0o644)).toBe(ALLOW);
    for (const mode of [0o4755, 0o2755, 0o1777]) expect(call('fchmod', 3, mode)).toEqual(KILL);
    expect(call('fchown', 3, 0, 0)).toEqual(KILL);
    expect(decider('chown')('fchown', 3, 0, 0)).toBe(ALLOW);
  });
});

describe('seccompPolicy(): sockets', () => {
  it('inet: AF_INET/AF_INET6 TCP and UDP only', () => {
    const call = decider('stdio inet');
    expect(call('socket', 2, SOCK.STREAM | SOCK.NONBLOCK | SOCK.CLOEXEC, 0)).toBe(ALLOW);
    expect(call('socket', 10, SOCK.DGRAM, 17)).toBe(ALLOW);
    expect(call('socket', 2, SOCK.RAW, 255)).toEqual(KILL);
    expect(call('socket', 2, SOCK.STREAM, 255)).toEqual(KILL);
    expect(call('socket', 1, SOCK.STREAM, 0)).toEqual(KILL);
    expect(call('socket', 16, SOCK.DGRAM, 0)).toEqual(KILL); // AF_NETLINK
    expect(call('connect', 3, 0, 16)).toBe(ALLOW);
    expect(call('socketpair', 1, SOCK.STREAM, 0, 0)).toBe(ALLOW);
    expect(call('socketpair', 2, SOCK.STREAM, 0, 0)).toEqual(KILL);
  });

  it('unix: AF_UNIX only; anet: TCP, no connect, no UDP', () => {
    expect(decider('stdio unix')('socket', 1, SOCK.STREAM | SOCK.CLOEXEC, 0)).toBe(ALLOW);
    expect(decider('stdio unix')('socket', 2, SOCK.STREAM, 0)).toEqual(KILL);
    const anet = decider('stdio anet');
    expect(anet('socket', 2, SOCK.STREAM, 6)).toBe(ALLOW);
    expect(anet('socket', 2, SOCK.DGRAM, 0)).toEqual(KILL);
    expect(anet('connect', 3, 0, 16)).toEqual(KILL);
    expect(anet('accept4', 3, 0, 0, 0)).toBe(ALLOW);
  });

  it('setsockopt/getsockopt: level and name together', () => {
    const call = decider('stdio inet');
    expect(call('setsockopt', 3, 6, 1, 0, 4)).toBe(ALLOW); // IPPROTO_TCP TCP_NODELAY: exile.h denied it
    expect(call('setsockopt', 3, 1, 2, 0, 4)).toBe(ALLOW); // SO_REUSEADDR
    expect(call('setsockopt', 3, 1, 1, 0, 4)).toEqual(KILL); // SO_DEBUG
    expect(call('setsockopt', 3, 1, 32, 0, 4)).toEqual(KILL); // SO_SNDBUFFORCE
    expect(call('setsockopt', 3, 0, 32, 0, 4)).toEqual(KILL); // IP_MULTICAST_IF: not in the list
    expect(call('setsockopt', 3, 6, 2, 0, 4)).toEqual(KILL); // TCP_MAXSEG at IPPROTO_TCP
    expect(call('getsockopt', 3, 1, 4, 0, 0)).toBe(ALLOW); // SO_ERROR
    expect(decider('stdio unix')('setsockopt', 3, 6, 1, 0, 4)).toEqual(KILL);
  });
});

describe('seccompPolicy(): ioctl', () => {
  it('stdio allows FIONREAD/FIONBIO/FIOCLEX/FIONCLEX/TCGETS/TIOCGWINSZ/TIOCGPTN only; the Node runtime adds TCSETS', () => {
    const call = decider('stdio', { runtime: 'none' });
    for (const req of [0x541b, 0x5421, 0x5451, 0x5450, 0x5401, 0x5413, 0x80045430]) expect(call('ioctl', 1, req)).toBe(ALLOW);
    for (const req of [0x5402, 0x5403, 0x5412, 0x541c, 0x5410, 0x40045431]) expect(call('ioctl', 1, req)).toEqual(KILL);
    expect(decider('stdio')('ioctl', 0, 0x5402)).toBe(ALLOW);
    expect(decider('stdio')('ioctl', 0, 0x5403)).toEqual(KILL);
    // the request is a C int: the upper half of the register is not part of it
    expect(call('ioctl', 1, 0xffffffff00005401n)).toBe(ALLOW);
  });

  it('the ioctl vow adds everything except TIOCSTI and TIOCLINUX, and keeps the stdio ones (exile.h lost them)', () => {
    const call = decider('stdio ioctl');
    for (const req of [0x541b, 0x5421, 0x5401, 0x5413, 0x5402, 0x5411, 0x5413, 0x541b, 0x541d, 0x80086601]) expect(call('ioctl', 1, req)).toBe(ALLOW);
    expect(call('ioctl', 1, 0x5412)).toEqual(KILL);
    expect(call('ioctl', 1, 0x541c)).toEqual(KILL);
  });

  it('tty adds terminal control but not TIOCSTI', () => {
    const call = decider('stdio tty');
    expect(call('ioctl', 0, 0x5402)).toBe(ALLOW);
    expect(call('ioctl', 0, 0x5410)).toBe(ALLOW);
    expect(call('ioctl', 0, 0x5412)).toEqual(KILL);
  });
});

describe('seccompPolicy(): memory and the JIT', () => {
  it('without prot_exec: no PROT_EXEC mapping; the Node runtime keeps exactly mprotect(RWX) for V8', () => {
    const node = decider('stdio');
    expect(node('mmap', 0, 4096, PROT.RW, MAP_PRIVATE_ANON, -1, 0)).toBe(ALLOW);
    expect(node('mmap', 0, 4096, PROT.RX, 2, 3, 0)).toEqual(EPERM);
    expect(node('mmap', 0, 4096, PROT.RWX, MAP_PRIVATE_ANON, -1, 0)).toEqual(EPERM);
    expect(node('mprotect', 0, 4096, PROT.RWX)).toBe(ALLOW);
    expect(node('mprotect', 0, 4096, PROT.RX)).toBe(ALLOW);
    expect(node('mprotect', 0, 4096, 4)).toEqual(KILL); // PROT_EXEC alone
    expect(node('mprotect', 0, 4096, 6)).toEqual(KILL); // write+exec without read
    expect(node('pkey_mprotect', 0, 4096, PROT.RWX, 1)).toBe(ALLOW);
    const pure = decider('stdio', { runtime: 'none' });
    expect(pure('mmap', 0, 4096, PROT.RX, 2, 3, 0)).toEqual(KILL);
    expect(pure('mprotect', 0, 4096, PROT.RWX)).toEqual(KILL);
    expect(pure('mprotect', 0, 4096, PROT.RW)).toBe(ALLOW);
  });

  it('prot_exec allows executable memory', () => {
    const call = decider('stdio prot_exec', { runtime: 'none' });
    expect(call('mmap', 0, 4096, PROT.RX, 2, 3, 0)).toBe(ALLOW);
    expect(call('mprotect', 0, 4096, PROT.RX)).toBe(ALLOW);
  });
});

describe('seccompPolicy(): processes, threads, signals, limits', () => {
  it('clone: threads for the Node runtime, processes only with proc, namespaces never', () => {
    expect(decider('stdio')('clone', THREAD)).toBe(ALLOW);
    expect(decider('stdio', { runtime: 'none' })('clone', THREAD)).toEqual(KILL);
    expect(decider('stdio thread', { runtime: 'none' })('clone', THREAD)).toBe(ALLOW);
    expect(decider('stdio')('clone', FORK)).toEqual(KILL);
    expect(decider('stdio proc')('clone', FORK)).toBe(ALLOW);
    expect(decider('stdio clone')('clone', FORK)).toBe(ALLOW);
    const everything = decider(VOW_NAMES.join(' '));
    expect(everything('clone', FORK | CLONE_NEWUSER)).toEqual(KILL);
    expect(everything('clone', THREAD | 0x20000)).toEqual(KILL); // CLONE_NEWNS
    expect(everything('clone3', 0, 88)).toEqual(ENOSYS);
    expect(everything('unshare', CLONE_NEWUSER)).toEqual(KILL);
    expect(everything('ptrace', 16, 1)).toEqual(KILL);
    expect(everything('io_uring_setup', 8, 0)).toEqual(KILL);
    expect(everything('personality', 0)).toEqual(KILL);
  });

  it('signals go to self only without proc', () => {
    const call = decider('stdio');
    expect(call('kill', PID, 15)).toBe(ALLOW);
    expect(call('tgkill', PID, PID + 1, 10)).toBe(ALLOW);
    expect(call('kill', 1, 15)).toEqual(KILL);
    expect(call('kill', 0, 15)).toEqual(KILL);
    expect(call('kill', -1, 9)).toEqual(KILL);
    expect(call('tkill', 1, 9)).toEqual(KILL);
    expect(decider('stdio proc')('kill', 1, 15)).toBe(ALLOW);
  });

  it('prlimit64 is read-only without proc or id', () => {
    expect(decider('stdio')('prlimit64', 0, 7, 0, 0x7000)).toBe(ALLOW);
    expect(decider('stdio')('prlimit64', 0, 7, 0x7000, 0)).toEqual(KILL);
    expect(decider('stdio id')('prlimit64', 0, 7, 0x7000, 0)).toBe(ALLOW);
    expect(decider('stdio proc')('prlimit64', 1, 7, 0x7000, 0)).toBe(ALLOW);
  });

  it('guards the SIGSYS handler but lets it be queried', () => {
    expect(decider('stdio')('rt_sigaction', 31, 0x1000, 0, 8)).toEqual(EPERM);
    expect(decider('stdio')('rt_sigaction', 31, 0, 0x1000, 8)).toBe(ALLOW);
    expect(decider('stdio')('rt_sigaction', 10, 0x1000, 0, 8)).toBe(ALLOW);
    expect(decider('stdio', { report: false })('rt_sigaction', 31, 0x1000, 0, 8)).toBe(ALLOW);
    // a process that may fork must let libuv reset SIGSYS in the child
    expect(decider('stdio proc')('rt_sigaction', 31, 0x1000, 0, 8)).toBe(ALLOW);
  });

  it("the empty promise still lets the process exit (OpenBSD's pledge(\"\"))", () => {
    const call = decider('', { runtime: 'none', report: false });
    expect(call('exit_group', 0)).toBe(ALLOW);
    expect(call('exit', 0)).toBe(ALLOW);
    expect(call('write', 1, 0, 1)).toBe('kill-process');
    expect(call('getpid')).toBe('kill-process');
  });

  it('always keeps the path to stack another filter (and nothing else of seccomp/prctl)', () => {
    for (const vows of ['', 'stdio', 'stdio rpath inet']) {
      for (const runtime of ['node', 'none'] as const) {
        const call = decider(vows, { runtime });
        expect(call('seccomp', 1, 1, 0x1000)).toBe(ALLOW); // SET_MODE_FILTER, TSYNC
        expect(call('seccomp', 1, 0, 0x1000)).toBe(ALLOW);
        expect(call('seccomp', 2, 0, 0x1000)).toBe(ALLOW); // GET_ACTION_AVAIL
        expect(call('prctl', 38, 1, 0, 0, 0)).toBe(ALLOW); // NO_NEW_PRIVS
        expect(call('seccomp', 1, 8, 0x1000)).toEqual(KILL); // NEW_LISTENER
        expect(call('seccomp', 1, 4, 0x1000)).toEqual(KILL); // SPEC_ALLOW
        expect(call('seccomp', 0, 0, 0)).toEqual(KILL); // strict mode
        expect(call('prctl', 4, 1)).toEqual(KILL); // SET_DUMPABLE 1
      }
    }
  });
});

describe('seccompPolicy(): penalties and options', () => {
  it('maps penalty and report to seccomp actions', () => {
    expect(seccompPolicy('stdio').defaultAction).toEqual({ trap: 0 });
    expect(seccompPolicy('stdio', { report: false }).defaultAction).toBe('kill-process');
    expect(seccompPolicy('stdio', { penalty: 'errno' }).defaultAction).toEqual({ trap: 1 });
    expect(seccompPolicy('stdio', { penalty: 'errno', report: false }).defaultAction).toEqual({ errno: 1 });
    expect(seccompPolicy('stdio', { penalty: 'errno', errno: 'EACCES', report: false }).defaultAction).toEqual({ errno: 13 });
    expect(seccompPolicy('stdio error').defaultAction).toEqual({ trap: 38 });
    expect(seccompPolicy('stdio error', { report: false }).defaultAction).toEqual({ errno: 38 });
    expect(seccompPolicy('stdio').badArchAction).toBe('kill-process');
  });

  it('rejects bad input naming the bad part', () => {
    expect(() => seccompPolicy('stdio rpth')).toThrow(expect.objectContaining({ code: 'ERR_EXILE_UNKNOWN_VOW', details: expect.objectContaining({ token: 'rpth' }) }));
    expect(() => seccompPolicy(['stdio', ''])).toThrow(expect.objectContaining({ code: 'ERR_EXILE_UNKNOWN_VOW' }));
    expect(() => seccompPolicy(7 as unknown as string)).toThrow(expect.objectContaining({ code: 'ERR_EXILE_UNKNOWN_VOW' }));
    expect(() => seccompPolicy('stdio', { penalty: 'abort' as 'kill' })).toThrow(expect.objectContaining({ code: 'ERR_EXILE_INVALID_POLICY', details: expect.objectContaining({ path: '$.penalty' }) }));
    expect(() => seccompPolicy('stdio', { errno: 'ENOPE' })).toThrow(expect.objectContaining({ code: 'ERR_EXILE_INVALID_POLICY', details: expect.objectContaining({ path: '$.errno' }) }));
    expect(() => seccompPolicy('stdio', { runtime: 'deno' as 'node' })).toThrow(expect.objectContaining({ details: expect.objectContaining({ path: '$.runtime' }) }));
  });

  it('compiles every vow set to BPF on both architectures, agreeing with the policy', () => {
    for (const arch of ['x86_64', 'aarch64'] as const) {
      for (const vows of ['', 'stdio', 'stdio rpath inet', VOW_NAMES.join(' ')]) {
        const policy = seccompPolicy(vows, { pid: PID });
        const program = compileBpf(policy, { arch });
        expect(program.length).toBeLessThan(4096);
        const cases: [string, bigint[]][] = [['socket', [2n, 1n, 0n]], ['socket', [1n, 1n, 0n]], ['openat', [0n, 0n, 0n]], ['openat', [0n, 0n, 0o101n, 0o644n]],
          ['ioctl', [1n, 0x5412n]], ['mprotect', [0n, 4096n, 7n]], ['clone', [BigInt(THREAD)]], ['ptrace', [0n]]];
        for (const [name, args] of cases) {
          const nr = syscalls.number(name, arch)!;
          expect(evaluate(program, { nr, args }).action, `${arch} ${vows} ${name}`).toEqual(decide(policy, arch, nr, args));
        }
      }
    }
  });
});

describe('seccompPolicy(): options.rules', () => {
  it('are tried before the vows: they widen and narrow in the same filter', () => {
    const call = decider('stdio rpath', { rules: [{ syscall: 'mkdir', action: 'allow' }, { syscall: 'openat', action: { errno: 'EACCES' }, args: [{ index: 2, op: 'masked-eq', mask: 3n, value: 0n }] }] });
    expect(call('mkdir', 0, 0o755)).toBe(ALLOW);
    expect(call('openat', AT_FDCWD, 0, O.RDONLY)).toEqual({ errno: 13 });
    expect(call('rmdir', 0)).toEqual(KILL);
    expect(call('read', 0, 0, 0)).toBe(ALLOW);
  });

  it('are checked with their own index in errors', () => {
    expect(() => seccompPolicy('stdio', { rules: [{ syscall: 'read', action: 'allow' }, { syscall: ['mkdir', 'no_such_call'], action: 'allow' }] }))
      .toThrow(expect.objectContaining({ code: 'ERR_EXILE_UNKNOWN_SYSCALL', details: expect.objectContaining({ path: '$.rules[1].syscall[1]' }) }));
    expect(() => compileBpf(seccompPolicy('stdio', { rules: [{ syscall: 'read', action: 'allow' }, { syscall: 'mkdir', action: { errno: 'ENOPE' } }] }), { arch: 'x86_64' }))
      .toThrow(expect.objectContaining({ details: expect.objectContaining({ path: expect.stringMatching(/^\$\.rules\[1\]/) }) }));
    expect(() => seccompPolicy('stdio', { rules: 'read' as unknown as [] })).toThrow(expect.objectContaining({ code: 'ERR_EXILE_INVALID_POLICY', details: expect.objectContaining({ path: '$.rules' }) }));
  });
});

describe('seccompPolicy(): stdio covers what exec\'d C programs call first', () => {
  it('posix_fadvise on an open file (coreutils cat, wc, cut)', () => {
    for (const arch of ['x86_64', 'aarch64'] as const) {
      expect(decider('stdio', { runtime: 'none' }, arch)('fadvise64', 3, 0, 0, 2)).toBe(ALLOW);
    }
  });
});
