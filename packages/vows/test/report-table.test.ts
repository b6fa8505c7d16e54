import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syscalls } from '@exile/seccomp';
import { hintsFor, reportTable, tableValueSlots, violationLine } from '../src/report-table.js';
import { NO_PID } from '../src/install-compiled.js';
import { prepareVow } from '../src/vow.js';

describe('violation lines', () => {
  it('name the syscall and the missing vows, or say that none would help', () => {
    expect(violationLine('socket', { args: [], missing: ['inet'] }, true)).toBe('exile: socket(2) blocked by vows; add "inet" to allow\n');
    expect(violationLine('openat', { args: [], missing: ['wpath', 'cpath'] }, true)).toBe('exile: openat(2) blocked by vows; add "wpath" and "cpath" to allow\n');
    expect(violationLine('openat', { args: [], missing: ['rpath', 'wpath', 'cpath'] }, true)).toBe('exile: openat(2) blocked by vows; add "rpath", "wpath" and "cpath" to allow\n');
    expect(violationLine('ptrace', undefined, false)).toBe('exile: ptrace(2) blocked by vows; no vow allows it\n');
    expect(violationLine('ioctl', undefined, true)).toBe('exile: ioctl(2) blocked by vows; no vow allows these arguments\n');
    expect(violationLine('socket', { args: [], missing: [] }, true)).toBe('exile: socket(2) blocked by vows; an earlier vow() call forbids it\n');
  });

  it('suggest the narrowest vow first, broad ones (tmppath, dns, unveil) last', () => {
    const hints = hintsFor('openat', ['stdio', 'rpath'], 1);
    expect(hints[0]!.missing).toEqual([]); // read-only: already granted (so a trap came from an earlier filter)
    const missing = hints.map((hint) => hint.missing.join('+'));
    expect(missing.indexOf('wpath')).toBeLessThan(missing.indexOf('tmppath'));
    expect(missing.indexOf('wpath+cpath')).toBeLessThan(missing.indexOf('tmppath'));
    expect(hintsFor('ptrace', ['stdio'], 1)).toEqual([]);
  });
});

describe('the binary report table', () => {
  it('has one row per syscall number up to the highest, for both architectures', () => {
    for (const arch of ['x86_64', 'aarch64'] as const) {
      const table = Buffer.from(reportTable(['stdio', 'inet'], arch, 1));
      expect(table.readUInt32LE(0)).toBe(0x31565845);
      const rows = table.readUInt32LE(4), entries = table.readUInt32LE(8), checks = table.readUInt32LE(12), strings = table.readUInt32LE(16);
      expect(rows).toBe(Math.max(...syscalls.list(arch).map((name) => syscalls.number(name, arch)!)) + 1);
      expect(table.length).toBe(20 + rows * 12 + entries * 12 + checks * 24 + strings);
      expect(table.length).toBeLessThan(512 * 1024); // the handler's static slot
      // the default line of `socket` on this arch
      const socket = syscalls.number('socket', arch)!;
      const stringsAt = 20 + rows * 12 + entries * 12 + checks * 24;
      const offset = table.readUInt32LE(20 + socket * 12);
      const length = table.readUInt32LE(stringsAt + offset);
      expect(table.toString('utf8', stringsAt + offset + 4, stringsAt + offset + 4 + length)).toBe('exile: socket(2) blocked by vows; no vow allows these arguments\n');
    }
  });
});

describe('a filter compiled for NO_PID', () => {
  it('names the pid only in its slots: filled with a pid, it is the filter and table compiled for that pid', () => {
    const any = prepareVow('stdio', { pid: NO_PID }).compiled;
    const slots = any.pidSlots!;
    expect(slots.instructions.length).toBeGreaterThan(0);
    expect(slots.table.length).toBeGreaterThan(0);
    for (const pid of [2, 4242]) {
      const mine = prepareVow('stdio', { pid }).compiled;
      const instructions = Buffer.from(any.instructions);
      for (const slot of slots.instructions) instructions.writeUInt32LE(pid, slot * 8 + 4);
      expect(instructions.equals(Buffer.from(mine.instructions))).toBe(true);
      const table = Buffer.from(any.table!);
      for (const at of slots.table) table.writeBigUInt64LE(BigInt(pid), at);
      expect(table.equals(Buffer.from(mine.table!))).toBe(true);
      expect(mine.pidSlots).toBeUndefined();
    }
    expect(tableValueSlots(reportTable(['stdio'], 'x86_64', NO_PID), 12345)).toEqual([]);
  });
});

describe('the native SIGSYS handler', () => {
  const source = new URL('../native/handler.c', import.meta.url).pathname;
  const compilers = [['gcc', 'x86_64'], ['aarch64-linux-gnu-gcc', 'aarch64']] as const;
  for (const [cc, arch] of compilers) {
    it(`compiles warning-free for ${arch}`, () => {
      const found = ['/usr/bin/', '/usr/local/bin/'].some((dir) => existsSync(dir + cc));
      expect(found, `${cc} missing: tools/run.sh setup installs it (tools/prebuild-arches.mjs)`).toBe(true);
      const out = join(mkdtempSync(join(tmpdir(), 'exile-vows-cc-')), 'handler.o');
      execFileSync(cc, ['-std=c11', '-O2', '-Wall', '-Wextra', '-Werror', '-I', new URL('../../common/include', import.meta.url).pathname, '-c', source, '-o', out]);
      // the handler itself must not call into libc: only set_table/install (outside the signal path) may
      const disassembly = execFileSync(arch === 'x86_64' ? 'objdump' : 'aarch64-linux-gnu-objdump', ['-dr', out], { encoding: 'utf8' });
      const calls = new Map<string, string[]>();
      let fn = '';
      for (const line of disassembly.split('\n')) {
        const head = /^[0-9a-f]+ <([^>]+)>:$/.exec(line);
        if (head) fn = head[1]!;
        const reloc = /R_(?:X86_64_PLT32|AARCH64_CALL26)\s+(\S+?)(?:-0x4)?$/.exec(line.trim());
        if (reloc) calls.set(fn, [...(calls.get(fn) ?? []), reloc[1]!]);
      }
      for (const fnName of ['on_sigsys', 'report', 'message', 'die', 'write_all', 'check_holds', 'first_time']) {
        // gcc's aarch64 outline atomics (__aarch64_ldset8_relax) are lock-free libgcc helpers, not libc
        expect((calls.get(fnName) ?? []).filter((callee) => !callee.startsWith('__aarch64_')), fnName).toEqual([]);
      }
    });
  }
});
