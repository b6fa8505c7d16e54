// What a started program needs to start, read from its files: pure parsers on built bytes, and the
// resolver on a table of files (no kernel, no host files).
import { describe, expect, it } from 'vitest';
import { readElf, readShebang } from '../src/program/elf.js';
import { lookup, parseLdCache } from '../src/program/ld-cache.js';
import { programFiles, type ProgramFs } from '../src/program/needs.js';
import { spellings } from '../src/program/spellings.js';

const X86_64 = 62;
const AARCH64 = 183;

/** A minimal 64-bit little-endian ELF: optional PT_INTERP, a PT_LOAD over the whole file, a PT_DYNAMIC. */
function elf({ machine = X86_64, interp, needed = [], runpath, rpath }: { machine?: number; interp?: string; needed?: string[]; runpath?: string; rpath?: string }): Uint8Array {
  const strings = ['', ...needed, ...(runpath === undefined ? [] : [runpath]), ...(rpath === undefined ? [] : [rpath])];
  const strtab = Buffer.from(strings.map((s) => `${s}\0`).join(''));
  const offsetOf = (s: string) => strtab.indexOf(Buffer.from(`\0${s}\0`)) + 1;
  const phnum = 3;
  const interpBytes = Buffer.from(`${interp ?? ''}\0`);
  const interpAt = 64 + 56 * phnum;
  const strAt = interpAt + interpBytes.length;
  const dynAt = (strAt + strtab.length + 7) & ~7;
  const BASE = 0x400000;
  const dyn: [number, number][] = [
    ...needed.map((n): [number, number] => [1, offsetOf(n)]),
    ...(runpath === undefined ? [] : [[29, offsetOf(runpath)] as [number, number]]),
    ...(rpath === undefined ? [] : [[15, offsetOf(rpath)] as [number, number]]),
    [5, BASE + strAt], [10, strtab.length], [0, 0],
  ];
  const size = dynAt + dyn.length * 16;
  const b = Buffer.alloc(size);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  b.writeUInt16LE(2, 16);
  b.writeUInt16LE(machine, 18);
  b.writeBigUInt64LE(64n, 32);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(phnum, 56);
  const ph = (i: number, type: number, offset: number, vaddr: number, filesz: number) => {
    const at = 64 + i * 56;
    b.writeUInt32LE(type, at);
    b.writeBigUInt64LE(BigInt(offset), at + 8);
    b.writeBigUInt64LE(BigInt(vaddr), at + 16);
    b.writeBigUInt64LE(BigInt(filesz), at + 32);
  };
  ph(0, interp === undefined ? 6 /* PT_PHDR: ignored */ : 3, interpAt, BASE + interpAt, interpBytes.length);
  ph(1, 1, 0, BASE, size);
  ph(2, 2, dynAt, BASE + dynAt, dyn.length * 16);
  b.set(interpBytes, interpAt);
  b.set(strtab, strAt);
  dyn.forEach(([tag, value], i) => {
    b.writeBigInt64LE(BigInt(tag), dynAt + i * 16);
    b.writeBigUInt64LE(BigInt(value), dynAt + i * 16 + 8);
  });
  return b;
}

/** A glibc-ld.so.cache1.1 file. */
function ldCache(entries: { name: string; path: string; flags: number }[], oldPrefix = false): Uint8Array {
  const strings: string[] = [];
  const base = 48 + entries.length * 24;
  let text = '';
  const add = (s: string) => {
    const at = base + text.length;
    text += `${s}\0`;
    strings.push(s);
    return at;
  };
  const b = Buffer.alloc(base);
  b.write('glibc-ld.so.cache1.1', 0, 'latin1');
  b.writeUInt32LE(entries.length, 20);
  entries.forEach((e, i) => {
    const at = 48 + i * 24;
    b.writeInt32LE(e.flags, at);
    b.writeUInt32LE(add(e.name), at + 4);
    b.writeUInt32LE(add(e.path), at + 8);
  });
  b.writeUInt32LE(text.length, 24);
  const file = Buffer.concat([b, Buffer.from(text)]);
  if (!oldPrefix) return file;
  const old = Buffer.alloc(16 + 12);
  old.write('ld.so-1.7.0', 0, 'latin1');
  old.writeUInt32LE(1, 12);
  return Buffer.concat([old, Buffer.alloc(((old.length + 7) & ~7) - old.length), file]);
}

const reader = (bytes: Uint8Array) => (offset: number, length: number) => bytes.subarray(offset, offset + length);

describe('readElf', () => {
  it('reads the interpreter, the needed libraries and the search paths', () => {
    const info = readElf(reader(elf({ interp: '/lib64/ld-linux-x86-64.so.2', needed: ['libz.so.1', 'libc.so.6'], runpath: '$ORIGIN/../lib:/opt/lib' })));
    expect(info).toEqual({ machine: X86_64, interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libz.so.1', 'libc.so.6'], rpath: [], runpath: ['$ORIGIN/../lib', '/opt/lib'] });
    expect(readElf(reader(elf({ machine: AARCH64, needed: ['libc.so.6'], rpath: '/r' })))).toEqual({ machine: AARCH64, needed: ['libc.so.6'], rpath: ['/r'], runpath: [] });
  });

  it('is undefined for what is not a 64-bit little-endian ELF, or is cut short', () => {
    expect(readElf(reader(Buffer.from('#!/bin/sh\n')))).toBeUndefined();
    const e32 = Buffer.from(elf({}));
    e32[4] = 1;
    expect(readElf(reader(e32))).toBeUndefined();
    expect(readElf(reader(elf({ needed: ['libc.so.6'] }).subarray(0, 100)))).toBeUndefined();
  });

  it('reads the interpreter line of a script as the kernel splits it (one optional argument)', () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(readShebang(text('#!/bin/sh\necho'))).toEqual({ interpreter: '/bin/sh' });
    expect(readShebang(text('#! /usr/bin/env  node --x\n'))).toEqual({ interpreter: '/usr/bin/env', arg: 'node --x' });
    expect(readShebang(text('#!/usr/bin/python3 \r\n'))).toEqual({ interpreter: '/usr/bin/python3' });
    expect(readShebang(text('echo hi'))).toBeUndefined();
    expect(readShebang(text('#!\n'))).toBeUndefined();
  });
});

describe('parseLdCache', () => {
  const entries = [
    { name: 'libc.so.6', path: '/usr/lib/x86_64-linux-gnu/libc.so.6', flags: 0x0303 },
    { name: 'libc.so.6', path: '/usr/lib/i386-linux-gnu/libc.so.6', flags: 0x0003 },
    { name: 'libz.so.1', path: '/usr/lib/aarch64-linux-gnu/libz.so.1', flags: 0x0a03 },
  ];
  it('indexes sonames and keeps only the libraries the loader of that machine accepts', () => {
    for (const old of [false, true]) {
      const cache = parseLdCache(ldCache(entries, old));
      expect(lookup(cache, 'libc.so.6', X86_64)).toEqual(['/usr/lib/x86_64-linux-gnu/libc.so.6']);
      expect(lookup(cache, 'libz.so.1', X86_64)).toEqual([]);
      expect(lookup(cache, 'libz.so.1', AARCH64)).toEqual(['/usr/lib/aarch64-linux-gnu/libz.so.1']);
    }
  });

  it('an unknown or damaged file is an empty index', () => {
    expect(parseLdCache(Buffer.from('not a cache')).size).toBe(0);
    expect(parseLdCache(ldCache(entries).subarray(0, 60)).size).toBe(0);
  });
});

describe('programFiles', () => {
  function table(files: Record<string, Uint8Array | string>, links: Record<string, string> = {}, cache = ldCache([])): ProgramFs {
    const bytes = (p: string) => { const f = files[p]!; return typeof f === 'string' ? new TextEncoder().encode(f) : f; };
    return {
      realFile: (p) => { const real = links[p] ?? p; return real in files ? real : undefined; },
      readAt: (p, offset, length) => bytes(p).subarray(offset, offset + length),
      ldCache: () => parseLdCache(cache),
    };
  }
  const LOADER = '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2';
  const env = (path: string[], libraryPath: string[] = []) => ({ candidates: (name: string) => path.map((d) => `${d}/${name}`), libraryPath });

  it('an ELF program: itself, its loader (through the /lib64 link, kept as written) and its libraries, transitively, from the cache', () => {
    const fs = table({
      '/usr/bin/git': elf({ interp: '/lib64/ld-linux-x86-64.so.2', needed: ['libz.so.1', 'libc.so.6'] }),
      [LOADER]: elf({}),
      '/usr/lib/x86_64-linux-gnu/libz.so.1.2.13': elf({ needed: ['libc.so.6'] }),
      '/usr/lib/x86_64-linux-gnu/libc.so.6': elf({ needed: ['ld-linux-x86-64.so.2'] }),
    }, { '/lib64/ld-linux-x86-64.so.2': LOADER }, ldCache([
      { name: 'libz.so.1', path: '/usr/lib/x86_64-linux-gnu/libz.so.1.2.13', flags: 0x0303 },
      { name: 'libc.so.6', path: '/usr/lib/x86_64-linux-gnu/libc.so.6', flags: 0x0303 },
      { name: 'ld-linux-x86-64.so.2', path: LOADER, flags: 0x0303 },
    ]));
    expect(programFiles('/usr/bin/git', env([]), fs)).toEqual([
      { path: '/usr/bin/git', role: 'program', written: [] },
      { path: LOADER, role: 'loader', written: ['/lib64/ld-linux-x86-64.so.2'] },
      { path: '/usr/lib/x86_64-linux-gnu/libz.so.1.2.13', role: 'library', written: [] },
      { path: '/usr/lib/x86_64-linux-gnu/libc.so.6', role: 'library', written: [] },
    ]);
  });

  it('searches DT_RUNPATH ($ORIGIN) and LD_LIBRARY_PATH before the cache, and the system directories last', () => {
    const fs = table({
      '/opt/app/bin/app': elf({ needed: ['libapp.so', 'libenv.so', 'libsys.so'], runpath: '$ORIGIN/../lib' }),
      '/opt/app/lib/libapp.so': elf({}),
      '/env/libenv.so': elf({}),
      '/usr/lib/x86_64-linux-gnu/libsys.so': elf({}),
      '/elsewhere/libapp.so': elf({}),
    }, {}, ldCache([{ name: 'libapp.so', path: '/elsewhere/libapp.so', flags: 0x0303 }]));
    expect(programFiles('/opt/app/bin/app', env([], ['/env']), fs).map((f) => f.path))
      .toEqual(['/opt/app/bin/app', '/opt/app/lib/libapp.so', '/env/libenv.so', '/usr/lib/x86_64-linux-gnu/libsys.so']);
  });

  it('DT_RPATH of the program applies to the libraries it loads; a library that is nowhere is left to the loader', () => {
    const fs = table({
      '/p/bin/tool': elf({ needed: ['liba.so', 'libmissing.so'], rpath: '/p/lib' }),
      '/p/lib/liba.so': elf({ needed: ['libb.so'] }),
      '/p/lib/libb.so': elf({}),
    });
    expect(programFiles('/p/bin/tool', env([]), fs).map((f) => f.path)).toEqual(['/p/bin/tool', '/p/lib/liba.so', '/p/lib/libb.so']);
  });

  it('a script: itself and its interpreter; #!/usr/bin/env NAME also finds NAME on the PATH', () => {
    const fs = table({
      '/w/build.sh': '#!/bin/sh -e\nmake\n',
      '/usr/bin/dash': elf({}),
      '/usr/lib/node_modules/npm/bin/npm-cli.js': '#!/usr/bin/env node\n',
      '/usr/bin/env': elf({}),
      '/usr/bin/node': elf({}),
      '/w/loop': '#!/w/loop\n',
    }, { '/bin/sh': '/usr/bin/dash', '/usr/bin/npm': '/usr/lib/node_modules/npm/bin/npm-cli.js' });
    expect(programFiles('/w/build.sh', env([]), fs)).toEqual([{ path: '/w/build.sh', role: 'program', written: [] }, { path: '/usr/bin/dash', role: 'interpreter', written: ['/bin/sh'] }]);
    expect(programFiles('/usr/bin/npm', env(['/nowhere', '/usr/bin']), fs)).toEqual([
      { path: '/usr/lib/node_modules/npm/bin/npm-cli.js', role: 'program', written: ['/usr/bin/npm'] },
      { path: '/usr/bin/env', role: 'interpreter', written: [] },
      { path: '/usr/bin/node', role: 'interpreter', written: [] },
    ]);
    // A script that names itself ends like the kernel's bounded recursion does.
    expect(programFiles('/w/loop', env([]), fs)).toEqual([{ path: '/w/loop', role: 'program', written: [] }]);
    expect(programFiles('/does/not/exist', env([]), fs)).toEqual([]);
  });
});

describe('spellings', () => {
  // A merged-/usr Debian: /lib64 -> usr/lib64, /lib -> usr/lib, and the loader's own absolute link.
  const links: Record<string, string> = {
    '/lib64': 'usr/lib64', '/lib': 'usr/lib',
    '/usr/lib64/ld-linux-x86-64.so.2': '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
    '/loop/a': 'b', '/loop/b': 'a',
  };
  const readlink = (p: string) => links[p];

  it('follows every link of a lookup, keeping each path it passes through', () => {
    expect(spellings('/lib64/ld-linux-x86-64.so.2', readlink)).toEqual([
      '/lib64/ld-linux-x86-64.so.2', '/usr/lib64/ld-linux-x86-64.so.2', '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
    ]);
    expect(spellings('/usr/bin/git', readlink)).toEqual(['/usr/bin/git']);
  });

  it('stops on a loop', () => {
    expect(spellings('/loop/a', readlink)).toEqual(['/loop/a', '/loop/b']);
  });
});
