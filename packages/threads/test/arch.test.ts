import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
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
});
