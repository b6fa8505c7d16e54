import { describe, expect, it } from 'vitest';
import { syscalls } from '@exile/seccomp';
import { VOW_NAMES } from '../src/names.js';
import { VOWS } from '../src/table.js';
import { NODE_RUNTIME } from '../src/runtime-node.js';
import { explain, vowsFor } from '../src/explain.js';
import * as linux from '../src/linux.js';

const names = (syscall: string | readonly string[]): string[] => (typeof syscall === 'string' ? [syscall] : [...syscall]);

describe('the vow table', () => {
  it('defines every vow, each with a description', () => {
    expect(Object.keys(VOWS).sort()).toEqual([...VOW_NAMES].sort());
    for (const vow of VOW_NAMES) expect(VOWS[vow].description.length).toBeGreaterThan(10);
  });

  it('names only syscalls that exist on x86_64 or aarch64', () => {
    const all = [
      ...VOW_NAMES.flatMap((vow) => [...VOWS[vow].syscalls, ...VOWS[vow].rules.flatMap((rule) => names(rule.syscall))]),
      ...NODE_RUNTIME.flatMap((entry) => names(entry.syscall)),
    ];
    const unknown = [...new Set(all)].filter((name) => syscalls.number(name, 'x86_64') === undefined && syscalls.number(name, 'aarch64') === undefined);
    expect(unknown).toEqual([]);
  });

  it('puts the dangerous syscalls in no vow', () => {
    const never = ['io_uring_setup', 'io_uring_enter', 'io_uring_register', 'bpf', 'ptrace', 'userfaultfd', 'perf_event_open',
      'keyctl', 'add_key', 'request_key', 'mount', 'umount2', 'pivot_root', 'chroot', 'move_mount', 'open_tree', 'fsopen',
      'fsmount', 'fsconfig', 'fspick', 'mount_setattr', 'unshare', 'setns', 'process_vm_readv', 'process_vm_writev',
      'kexec_load', 'init_module', 'finit_module', 'delete_module', 'reboot', 'swapon', 'acct', 'open_by_handle_at',
      'name_to_handle_at', 'kcmp', 'pidfd_getfd', 'syslog', 'iopl', 'ioperm', 'modify_ldt', 'quotactl'];
    for (const name of never) expect(vowsFor(name), name).toEqual([]);
  });

  it('lets personality() only query', () => {
    const rules = VOWS.stdio.rules.filter((rule) => names(rule.syscall).includes('personality'));
    expect(rules).toEqual([{ syscall: 'personality', args: [{ index: 0, op: 'eq', value: 0xffffffff, width: 32 }] }]);
  });

  it('compares ioctl requests by equality or range, never by bit test', () => {
    const checks = VOW_NAMES.flatMap((vow) => VOWS[vow].rules).filter((rule) => names(rule.syscall).includes('ioctl')).flatMap((rule) => rule.args ?? []);
    expect(checks.length).toBeGreaterThan(20);
    for (const check of checks) expect(['eq', 'lt', 'gt']).toContain(check.op);
  });

  it('uses __O_TMPFILE, not O_TMPFILE (which includes O_DIRECTORY)', () => {
    expect(linux.O.TMPFILE_BIT).toBe(0o20000000);
    const O_DIRECTORY_X86 = 0o200000, O_DIRECTORY_ARM64 = 0o40000;
    const masks = VOW_NAMES.flatMap((vow) => VOWS[vow].rules).filter((rule) => names(rule.syscall).includes('openat'))
      .flatMap((rule) => rule.args ?? []).filter((check) => check.index === 2).map((check) => Number(check.mask));
    for (const mask of masks) {
      expect(mask & O_DIRECTORY_X86).toBe(0);
      expect(mask & O_DIRECTORY_ARM64).toBe(0);
    }
  });

  it('explains syscalls by name and by number on both architectures', () => {
    expect(explain('socket')).toEqual({ syscall: 'socket', vows: ['inet', 'anet', 'unix', 'dns'] });
    expect(explain('ptrace').vows).toEqual([]);
    expect(explain(41, 'x86_64').syscall).toBe('socket');
    expect(explain(198, 'aarch64').syscall).toBe('socket');
    expect(explain('openat').vows).toEqual(['rpath', 'wpath', 'cpath', 'tmppath', 'dns', 'unveil']);
    expect(() => explain(99999)).toThrow(expect.objectContaining({ code: 'ERR_EXILE_UNKNOWN_SYSCALL' }));
  });
});
