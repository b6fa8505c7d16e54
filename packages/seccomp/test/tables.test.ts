import { describe, expect, it } from 'vitest';
import { ARCH_NAMES, syscalls } from '../src/index.js';
import { NEWER_THAN_LIBSECCOMP as NEWER, libseccompNames } from './helpers/libseccomp.js';


describe.each(ARCH_NAMES)('syscall table %s', (arch) => {
  it('agrees with libseccomp on every syscall libseccomp knows', () => {
    const theirs = libseccompNames(arch);
    expect(theirs.size).toBeGreaterThan(300);
    for (const [nr, name] of theirs) expect([name, syscalls.number(name, arch)]).toEqual([name, nr]);
  });

  it('has nothing libseccomp lacks except syscalls newer than it', () => {
    const theirs = new Set(libseccompNames(arch).values());
    const extra = syscalls.list(arch).filter((name) => !theirs.has(name));
    expect(extra.filter((name) => !NEWER.has(name))).toEqual([]);
  });

  it('reaches Linux 6.18 and maps both ways', () => {
    // file_getattr/file_setattr arrived in 6.17, the last additions before 6.18.
    expect(syscalls.number('file_setattr', arch)).toBe(469);
    for (const name of syscalls.list(arch)) expect(syscalls.name(syscalls.number(name, arch)!, arch)).toBe(name);
    expect(syscalls.number('nosuch', arch)).toBeUndefined();
    expect(syscalls.number('toString', arch)).toBeUndefined();
  });
});

it('knows arch-specific numbers', () => {
  expect(syscalls.number('read', 'x86_64')).toBe(0);
  expect(syscalls.number('read', 'i386')).toBe(3);
  expect(syscalls.number('read', 'aarch64')).toBe(63);
  expect(syscalls.number('open', 'aarch64')).toBeUndefined();
  expect(syscalls.number('socketcall', 'i386')).toBe(102);
});
