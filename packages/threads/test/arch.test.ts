import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const engineDir = join(import.meta.dirname, '..', 'native', 'engine');
const commonInclude = join(import.meta.dirname, '..', '..', 'common', 'include');
const sources = readdirSync(engineDir).filter((f) => f.endsWith('.c')).map((f) => join(engineDir, f));

/**
 * The engine (handler, slot protocol, scan, ops) must build for x86_64 and aarch64 with nothing but
 * the compiler's own headers, and link into a shared object with no libc at all: that is what
 * makes the handler async-signal-safe by construction (and proves the aarch64 restorer assembles).
 */
describe.each([
  ['x86_64', 'gcc', [] as string[], 'X86-64'],
  ['aarch64', 'aarch64-linux-gnu-gcc', ['-mno-outline-atomics'], 'AArch64'],
])('engine for %s', (_arch, cc, extra, machine) => {
  it('compiles freestanding and links with no library', () => {
    const include = execFileSync(cc, ['-print-file-name=include'], { encoding: 'utf8' }).trim();
    const out = join(mkdtempSync(join(tmpdir(), 'exile-engine-')), 'engine.so');
    execFileSync(cc, ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror', '-ffreestanding', '-nostdinc', '-isystem', include, '-I', commonInclude,
      ...extra, '-fPIC', '-shared', '-nostdlib', '-Wl,-z,defs', '-o', out, ...sources]);
    const header = execFileSync('readelf', ['-h', out], { encoding: 'utf8' });
    expect(header).toContain(machine);
    expect(execFileSync('readelf', ['--dyn-syms', '-W', out], { encoding: 'utf8' })).toMatch(/GLOBAL DEFAULT +\d+ exile_threads_broadcast_v1/);
    // No NEEDED entries: not even libc.
    expect(execFileSync('readelf', ['-d', out], { encoding: 'utf8' })).not.toContain('NEEDED');
  });

  it("uses the arch's own kernel constants and syscall numbers (the C library's headers for that arch agree)", () => {
    // Constants that differ per architecture have bitten before: x86's O_DIRECTORY is O_DIRECT on
    // arm64, and /proc/self/task refused to open (EINVAL). The numbers come from @exile/seccomp's
    // tables through exile/syscall_numbers.h; every one the engine uses must be the target's.
    const dir = mkdtempSync(join(tmpdir(), 'exile-engine-consts-'));
    const probe = join(dir, 'consts.c');
    const used = [...new Set(sources.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bEXILE_NR_(\w+)/g)].map((m) => m[1])))];
    expect(used).toContain('landlock_restrict_self');
    writeFileSync(probe, '#define _GNU_SOURCE\n#include <fcntl.h>\n#include <signal.h>\n#include <sys/syscall.h>\n#include "sys.h"\n'
      + used.map((name) => `_Static_assert(EXILE_NR_${name} == SYS_${name}, "${name}");\n`).join('')
      + '_Static_assert(K_O_CLOEXEC == O_CLOEXEC, "O_CLOEXEC");\n'
      + '_Static_assert(K_AT_FDCWD == AT_FDCWD, "AT_FDCWD");\n_Static_assert(K_AT_SYMLINK_NOFOLLOW == AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW");\n'
      + '_Static_assert(K_SA_SIGINFO == SA_SIGINFO, "SA_SIGINFO");\n_Static_assert(K_SA_ONSTACK == SA_ONSTACK, "SA_ONSTACK");\n_Static_assert(K_SA_RESTART == SA_RESTART, "SA_RESTART");\n');
    expect(() => execFileSync(cc, ['-std=gnu11', '-fsyntax-only', '-I', engineDir, '-I', commonInclude, ...extra, probe], { encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
  });
});
