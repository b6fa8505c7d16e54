import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decider } from './helpers.js';

// tools/vows-runtime/measure.mjs records what Node 20 calls after start-up; the runtime list
// (plus stdio) must cover every such call, with the observed argument shapes.
interface Observed { node: string; phases: Record<string, { counts: Record<string, number>; shapes: Record<string, string[]> }> }
const observed = JSON.parse(readFileSync(new URL('../../../tools/vows-runtime/observed.json', import.meta.url), 'utf8')) as Observed;

const SYMBOLS: Record<string, number> = {
  PROT_NONE: 0, PROT_READ: 1, PROT_WRITE: 2, PROT_EXEC: 4, MAP_PRIVATE: 2, MAP_FIXED: 0x10, MAP_ANONYMOUS: 0x20,
  MAP_NORESERVE: 0x4000, MAP_STACK: 0x20000, MAP_DENYWRITE: 0x800, O_RDONLY: 0, O_CLOEXEC: 0o2000000, AT_EMPTY_PATH: 0x1000,
  AT_FDCWD: -100, F_GETFL: 3, TCGETS: 0x5401, MADV_DONTFORK: 10, MADV_DONTNEED: 4, MADV_FREE: 8, NULL: 0,
};
const value = (text: string): number => text.split('|').reduce((sum, part) => {
  const v = SYMBOLS[part.trim()];
  if (v === undefined) throw new Error(`unknown symbol ${part} in ${text}`);
  return sum | v;
}, 0);

describe('the Node runtime list against the measurement', () => {
  const call = decider('stdio');

  it(`covers every syscall Node ${observed.node} made in the core and wasm workloads`, () => {
    for (const phase of ['core', 'wasm']) {
      for (const name of Object.keys(observed.phases[phase]!.counts)) {
        if (name === 'clone3') {
          expect(call(name)).toEqual({ errno: 38 }); // glibc falls back to clone(), covered below
          continue;
        }
        // any allowed shape, or the runtime's explicit EACCES for reads that need rpath
        const anyShape = [call(name), call(name, 0, 0, 0, 0x1000), call(name, 0, 0, 7), call(name, 0, 0, 0), call(name, 0, 0x5401), call(name, 0, 3), call(name, 0x3d0f00)];
        expect(anyShape.some((action) => action === 'allow' || (typeof action === 'object' && 'errno' in action)), `${phase}: ${name}`).toBe(true);
      }
    }
  });

  it('allows the observed memory shapes, including the JIT ones', () => {
    for (const phase of ['core', 'wasm']) {
      const shapes = observed.phases[phase]!.shapes;
      for (const name of ['mprotect', 'pkey_mprotect'] as const) {
        for (const shape of shapes[name] ?? []) {
          const prot = value(shape.split(', ')[2]!);
          expect(call(name, 0x10000, 4096, prot, 1), `${name}(${shape})`).toBe('allow');
        }
      }
      for (const shape of shapes.mmap ?? []) {
        const [, , prot, flags, fd] = shape.split(', ');
        expect(call('mmap', 0, 4096, value(prot!), value(flags!), fd === '-N' ? -1 : 20, 0), `mmap(${shape})`).toBe('allow');
      }
      for (const shape of shapes.madvise ?? []) expect(call('madvise', 0, 4096, value(shape.split(', ')[2]!))).toBe('allow');
    }
  });

  it('answers the pre-rpath reads of Node and glibc with EACCES rather than the penalty', () => {
    for (const shape of observed.phases.core!.shapes.openat!) {
      expect(call('openat', -100, 0, value(shape.split(', ')[2]!))).toEqual({ errno: 13 });
    }
  });
});

// tools/vows-runtime/programs.mjs records what programs started under "stdio rpath" (no runtime
// list) were refused; the `program` runtime list must cover every call that is not a vow's job.
interface ObservedPrograms { programs: Record<string, Record<string, string[]>> }
const programs = JSON.parse(readFileSync(new URL('../../../tools/vows-runtime/observed-programs.json', import.meta.url), 'utf8')) as ObservedPrograms;
const FLAGS: Record<string, number> = {
  CLONE_VM: 0x100, CLONE_FS: 0x200, CLONE_FILES: 0x400, CLONE_SIGHAND: 0x800, CLONE_THREAD: 0x10000, CLONE_SYSVSEM: 0x40000,
  CLONE_SETTLS: 0x80000, CLONE_PARENT_SETTID: 0x100000, CLONE_CHILD_CLEARTID: 0x200000, CLONE_CHILD_SETTID: 0x1000000, SIGCHLD: 17,
  O_RDWR: 2, O_NOCTTY: 0o400, O_NONBLOCK: 0o4000, O_CLOEXEC: 0o2000000, TIOCGPGRP: 0x540f,
  AF_UNIX: 1, SOCK_STREAM: 1, SOCK_NONBLOCK: 0o4000, SOCK_CLOEXEC: 0o2000000, N: 0,
};
const flagsOf = (text: string) => text.split('|').reduce((sum, f) => sum | FLAGS[f.trim()]!, 0);
/** The arguments a decider needs for a recorded shape (the flags are all that the rules look at). */
function argsOf(name: string, shape: string): number[] {
  if (name === 'clone') return [flagsOf(/flags=([\w|]+)/.exec(shape)![1]!)];
  if (name === 'openat') return [-100, 0, flagsOf(shape.split(', ')[2]!)];
  if (name === 'ioctl') return [2, flagsOf(shape.split(', ')[1]!)];
  if (name === 'socket') return shape.split(', ').map(flagsOf);
  return [];
}
/**
 * What these programs were refused is a vow's job, not the runtime's: a shell forks, git opens
 * /dev/null read-write.
 */
const VOW_JOB: Record<string, Record<string, string>> = { 'sh pipeline': { clone: 'proc' }, 'git --version': { openat: 'wpath' } };

describe('the program runtime list against the measurement', () => {
  const bare = decider('stdio rpath', { runtime: 'none' });
  const withRuntime = decider('stdio rpath', { runtime: 'program' });

  it('measured Node, CPython, bash and Go (static, dynamic, esbuild), and each needed something', () => {
    expect(Object.keys(programs.programs)).toEqual(expect.arrayContaining(['node -e 1', 'python3 -c 1', 'bash script', 'go: hello-static', 'go: hello-dynamic', 'go: esbuild']));
    expect(Object.keys(programs.programs['bash script']!)).toEqual(['ioctl', 'openat', 'sysinfo']);
    expect(Object.keys(programs.programs['bash -c']!)).toEqual(['getpeername', 'ioctl', 'openat', 'sysinfo']);
    expect(Object.keys(programs.programs['bash script without $SHELL']!)).toEqual(['ioctl', 'openat', 'socket', 'sysinfo']);
    expect(Object.keys(programs.programs['node -e 1']!)).toEqual(['capget', 'clone', 'sysinfo']);
    expect(Object.keys(programs.programs['go: esbuild']!)).toEqual(['clone']);
  });

  it('allows every refused call of a runtime; what a vow is for (a fork, a write open) still needs that vow', () => {
    for (const [program, calls] of Object.entries(programs.programs)) {
      for (const [name, shapes] of Object.entries(calls)) {
        const vow = VOW_JOB[program]?.[name];
        for (const shape of shapes) {
          const args = argsOf(name, shape);
          expect(bare(name, ...args), `${program}: ${name}(${shape}) was refused without the list`).not.toBe('allow');
          if (vow === undefined) {
            // allowed, or answered with an error the program copes with instead of the penalty
            const action = withRuntime(name, ...args);
            expect(action === 'allow' || (typeof action === 'object' && 'errno' in action), `${program}: ${name}(${shape}): ${JSON.stringify(action)}`).toBe(true);
          } else {
            expect(withRuntime(name, ...args), `${program}: ${name}(${shape}) without ${vow}`).not.toBe('allow');
            expect(decider(`stdio rpath ${vow}`, { runtime: 'program' })(name, ...args), `${program}: ${name}(${shape}) with ${vow}`).toBe('allow');
          }
        }
      }
    }
  });
});
