import { describe, expect, it } from 'vitest';
import { EXEC, FILE_MASK, FS_RIGHTS, MAKE_DEVICES, NET_RIGHTS, READ, SCOPES, WRITE, knownAt, maskOf, namesOf } from '../src/rights.js';

describe('access-right tables', () => {
  it('file-system bits are 1 << 0 … 1 << 16 in kernel order', () => {
    expect(Object.values(FS_RIGHTS).map((right) => right.value)).toEqual(Array.from({ length: 17 }, (_, i) => 2 ** i));
  });

  it.each([[1, 0x1fff], [2, 0x3fff], [3, 0x7fff], [4, 0x7fff], [5, 0xffff], [6, 0xffff], [7, 0xffff], [8, 0xffff], [9, 0x1ffff], [10, 0x1ffff]])(
    'ABI %i knows the file-system mask %s', (abi, mask) => {
      expect(maskOf(FS_RIGHTS, knownAt(FS_RIGHTS, abi))).toBe(mask);
    });

  it.each([[3, 0], [4, 3], [9, 3], [10, 15]])('ABI %i knows the net mask %i', (abi, mask) => {
    expect(maskOf(NET_RIGHTS, knownAt(NET_RIGHTS, abi))).toBe(mask);
  });

  it.each([[5, 0], [6, 3], [10, 3]])('ABI %i knows the scope mask %i', (abi, mask) => {
    expect(maskOf(SCOPES, knownAt(SCOPES, abi))).toBe(mask);
  });

  it('the rights that apply to files match the kernel (rust-landlock ACCESS_FILE)', () => {
    expect(namesOf(FS_RIGHTS, FILE_MASK)).toEqual(['execute', 'write-file', 'read-file', 'truncate', 'ioctl-dev', 'resolve-unix']);
  });

  it('read, write and exec together are every right but device nodes, ioctl-dev and resolve-unix', () => {
    expect(namesOf(FS_RIGHTS, ~maskOf(FS_RIGHTS, [...READ, ...WRITE, ...EXEC]) & 0x1ffff)).toEqual(['make-char', 'make-block', 'ioctl-dev', 'resolve-unix']);
    expect(namesOf(FS_RIGHTS, maskOf(FS_RIGHTS, MAKE_DEVICES))).toEqual(['make-char', 'make-block']);
    expect(WRITE.filter((right) => (READ as string[]).includes(right) || (EXEC as string[]).includes(right))).toEqual([]);
  });
});
