import { describe, expect, it } from 'vitest';
import { thrown } from '@exile/test-utils';
import { argWidth, compile, evaluate, syscalls, withArgWidths, type Rule } from '../src/index.js';
import WIDTHS from '../src/tables/arg-widths.js';

const TIOCSTI = 0x5412;
const ioctl = (request: bigint) => ({ nr: syscalls.number('ioctl', 'x86_64')!, args: [0n, request] });

describe('argument widths from the syscalls\' signatures', () => {
  it('knows the 32-bit arguments: ioctl\'s request, socket\'s family, openat\'s flags; pointers and longs are 64', () => {
    expect([argWidth('ioctl', 1), argWidth('ioctl', 2), argWidth('socket', 0), argWidth('openat', 2), argWidth('openat', 1), argWidth('mmap', 2)])
      .toEqual([32, 64, 32, 32, 64, 64]);
  });

  it('a rule without width compares 32 bits where the kernel does: 0x1_00005412 (TIOCSTI after truncation) is caught', () => {
    const rules: Rule[] = [{ syscall: 'ioctl', action: { errno: 'EPERM' }, args: [{ index: 1, op: 'eq', value: TIOCSTI }] }];
    const naive = compile({ defaultAction: 'allow', rules }, { arch: 'x86_64' });
    const fixed = compile({ defaultAction: 'allow', rules: withArgWidths(rules) }, { arch: 'x86_64' });
    expect(evaluate(naive, ioctl(0x1_0000_5412n)).action).toBe('allow');
    expect(evaluate(fixed, ioctl(0x1_0000_5412n)).action).toEqual({ errno: 1 });
    expect(evaluate(fixed, ioctl(BigInt(TIOCSTI))).action).toEqual({ errno: 1 });
    expect(evaluate(fixed, ioctl(0x5413n)).action).toBe('allow');
  });

  it('refuses a 64-bit comparison of a 32-bit argument, naming it; 64 stays fine on 64-bit arguments', () => {
    const e = thrown(() => withArgWidths([
      { syscall: 'getpid', action: 'allow' },
      { syscall: ['mmap', 'ioctl'], action: 'allow', args: [{ index: 1, op: 'eq', value: 1, width: 64 }] },
    ]));
    expect(e.code).toBe('ERR_EXILE_INVALID_POLICY');
    expect(e.details.path).toBe('$[1].args[0].width');
    expect(e.message).toContain('argument 1 of ioctl is 32 bits wide');
    expect(withArgWidths([{ syscall: 'mmap', action: 'allow', args: [{ index: 2, op: 'eq', value: 1, width: 64 }] }])[0]!.args![0]!.width).toBe(64);
  });
});

describe('the width table covers every syscall', () => {
  // Entries of the tables with no implementation (sys_ni_syscall): they fail ENOSYS whatever the arguments.
  const NOT_IMPLEMENTED = ['_sysctl', 'create_module', 'get_kernel_syms', 'query_module', 'nfsservctl', 'getpmsg', 'putpmsg',
    'afs_syscall', 'tuxcall', 'security', 'lookup_dcookie', 'epoll_ctl_old', 'epoll_wait_old', 'vserver'];

  it.each(['x86_64', 'aarch64', 'riscv64'] as const)('%s: every implemented syscall has the kernel\'s argument widths', (arch) => {
    const missing = syscalls.list(arch).filter((name) => !Object.hasOwn(WIDTHS, name));
    expect(missing.filter((name) => !NOT_IMPLEMENTED.includes(name))).toEqual([]);
  });

  it('file descriptors are 32 bits even where declared unsigned long (fdget takes an unsigned int); 16-bit modes compare on 32', () => {
    expect([argWidth('readv', 0), argWidth('mmap', 4), argWidth('preadv2', 5), argWidth('mkdirat', 2), argWidth('getdents64', 2)])
      .toEqual([32, 32, 32, 32, 32]);
    expect([argWidth('readv', 2), argWidth('mmap', 5), argWidth('clone', 2), argWidth('no_such_call', 0)]).toEqual([64, 64, 64, 64]);
  });
});

describe('16-bit arguments (modes)', () => {
  const mkdir = (mode: bigint) => ({ nr: syscalls.number('mkdir', 'x86_64')!, args: [0n, mode] });

  it('eq compares the 16 bits the kernel uses: mode 0x1_01ff is 0o777 to mkdir, and is caught', () => {
    const rules = withArgWidths([{ syscall: 'mkdir', action: { errno: 'EPERM' }, args: [{ index: 1, op: 'eq', value: 0o777 }] }]);
    expect(rules[0]!.args![0]).toEqual({ index: 1, op: 'masked-eq', mask: 0xffffn, value: 0o777, width: 32 });
    const filter = compile({ defaultAction: 'allow', rules }, { arch: 'x86_64' });
    expect(evaluate(filter, mkdir(0o777n)).action).toEqual({ errno: 1 });
    expect(evaluate(filter, mkdir(0x1_01ffn)).action).toEqual({ errno: 1 });
    expect(evaluate(filter, mkdir(0x1_0000_01ffn)).action).toEqual({ errno: 1 });
    expect(evaluate(filter, mkdir(0o755n)).action).toBe('allow');
  });

  it('masked-eq within 0xffff is kept; other comparisons, wider masks and mixed widths are refused', () => {
    const kept = withArgWidths([{ syscall: 'fchmodat', action: 'allow', args: [{ index: 2, op: 'masked-eq', mask: 0o4000, value: 0o4000 }] }]);
    expect(kept[0]!.args![0]).toMatchObject({ op: 'masked-eq', width: 32 });
    const refused = (rule: Rule) => thrown(() => withArgWidths([rule]));
    expect(refused({ syscall: 'mkdir', action: 'allow', args: [{ index: 1, op: 'lt', value: 0o1000 }] }).message)
      .toBe('$[0].args[0]: compares with lt 512, but argument 1 of mkdir is 16 bits wide (the kernel ignores the rest): use eq, or masked-eq with a mask within 0xffff');
    expect(refused({ syscall: 'mkdir', action: 'allow', args: [{ index: 1, op: 'masked-eq', mask: 0x1_0000, value: 0 }] }).details.path).toBe('$[0].args[0]');
    expect(refused({ syscall: ['mkdir', 'chdir'], action: 'allow', args: [{ index: 1, op: 'eq', value: 0 }] }).details.path).toBe('$[0].syscall');
    expect(refused({ syscall: 'mkdir', action: 'allow', args: [{ index: 1, op: 'eq', value: 1, width: 64 }] }).message).toContain('argument 1 of mkdir is 16 bits wide');
  });
});
