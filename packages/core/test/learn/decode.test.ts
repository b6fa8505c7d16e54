import { describe, expect, it } from 'vitest';
import { posix } from 'node:path';
import { AT, decodeCall, decodeSockaddr, type CallContext, type ResolvedPath } from '../../src/learn/decode.js';

/** A fake process: strings at addresses 1.., a cwd, fd 5 open on /srv, a few existing paths. */
function context(strings: string[], existing: Record<string, 'file' | 'dir'>, sockets: Record<number, 'tcp' | 'udp'> = {}, memory = new Map<bigint, Uint8Array>()): CallContext {
  return {
    string: (addr) => strings[Number(addr) - 1],
    bytes: (addr, length) => memory.get(addr)?.subarray(0, length),
    resolve: (dirfd, path, _follow): ResolvedPath => {
      const base = dirfd === AT.FDCWD ? '/work' : dirfd === 5 ? '/srv' : '/fd';
      const full = path === '' ? base : posix.resolve(base, path);
      return { path: full, exists: existing[full] !== undefined, dir: existing[full] === 'dir' };
    },
    socketProtocol: (fd) => sockets[fd],
  };
}

const O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_TRUNC = 0o1000, O_DIRECTORY = 0o200000, O_PATH = 0o10000000, O_TMPFILE = 0o20200000;
const fdcwd = BigInt.asUintN(64, -100n);
const files = (name: string, args: bigint[], ctx: CallContext) => decodeCall(name, args, 7, ctx).files.map((f) => `${f.access} ${f.path}`);

describe('decodeCall', () => {
  const ctx = context(['data.txt', '/etc/hosts', 'out', 'src', 'dst', '/usr/bin/env', '', '/nowhere/env'], {
    '/usr/bin/env': 'file',
    '/work/data.txt': 'file', '/etc/hosts': 'file', '/work/src': 'file', '/work': 'dir', '/srv/out': 'dir', '/work/out': 'dir',
  });

  it('reads open flags with the file as it was: read, write, truncate, create only when missing, a directory is listed', () => {
    expect(files('openat', [fdcwd, 1n, 0n], ctx)).toEqual(['read /work/data.txt']);
    expect(files('openat', [fdcwd, 1n, BigInt(O_RDWR | O_TRUNC)], ctx)).toEqual(['read /work/data.txt', 'write /work/data.txt', 'truncate /work/data.txt']);
    expect(files('openat', [fdcwd, 1n, BigInt(O_WRONLY | O_CREAT)], ctx)).toEqual(['write /work/data.txt']);
    expect(files('openat', [fdcwd, 3n, BigInt(O_WRONLY | O_CREAT)], ctx)).toEqual([]);
    expect(files('openat', [fdcwd, 4n, BigInt(O_WRONLY | O_CREAT)], ctx)).toEqual(['write /work/src']);
    expect(files('openat', [5n, 3n, BigInt(O_DIRECTORY)], ctx)).toEqual(['list /srv/out']);
    expect(files('open', [2n, 0n], ctx)).toEqual(['read /etc/hosts']);
    expect(files('openat', [fdcwd, 2n, BigInt(O_PATH)], ctx)).toEqual([]);
    expect(files('openat', [fdcwd, 5n, BigInt(O_WRONLY | O_CREAT)], ctx)).toEqual(['create /work/dst']);
    expect(files('openat', [fdcwd, 7n, BigInt(O_TMPFILE | O_RDWR)], ctx)).toEqual(['create /work/.tmpfile']);
  });

  it('reads openat2 flags from its struct open_how (a program that calls it itself, under --diagnose)', () => {
    const how = (flags: number) => { const b = new Uint8Array(24); new DataView(b.buffer).setBigUint64(0, BigInt(flags), true); return b; };
    const memory = new Map([[200n, how(O_RDWR | O_TRUNC)], [300n, how(O_WRONLY | O_CREAT)]]);
    const withHow = context(['data.txt', 'new.txt'], { '/work/data.txt': 'file', '/work': 'dir' }, {}, memory);
    expect(files('openat2', [fdcwd, 1n, 200n, 24n], withHow)).toEqual(['read /work/data.txt', 'write /work/data.txt', 'truncate /work/data.txt']);
    expect(files('openat2', [fdcwd, 2n, 300n, 24n], withHow)).toEqual(['create /work/new.txt']);
    expect(files('openat2', [fdcwd, 1n, 999n, 24n], withHow)).toEqual([]);
  });

  it('does not count mkdir of an existing directory as a write (sandlock #113)', () => {
    expect(files('mkdirat', [fdcwd, 3n, 0o755n], ctx)).toEqual([]);
    expect(files('mkdir', [5n, 0o755n], ctx)).toEqual(['create /work/dst']);
  });

  it('records exec, removal, renames and links by their directories', () => {
    expect(files('execve', [6n, 0n, 0n], ctx)).toEqual(['exec /usr/bin/env']);
    expect(files('execve', [8n, 0n, 0n], ctx)).toEqual([]);
    expect(files('unlinkat', [fdcwd, 4n, 0n], ctx)).toEqual(['remove /work/src']);
    expect(files('unlinkat', [fdcwd, 5n, 0n], ctx)).toEqual([]);
    expect(files('renameat2', [fdcwd, 4n, fdcwd, 5n, 0n], ctx)).toEqual(['remove /work/src', 'create /work/dst']);
    expect(files('rename', [4n, 1n], ctx)).toEqual(['remove /work/src', 'remove /work/data.txt', 'create /work/data.txt']);
    expect(files('symlinkat', [2n, fdcwd, 5n], ctx)).toEqual(['create /work/dst']);
    expect(files('linkat', [fdcwd, 4n, fdcwd, 5n, 0n], ctx)).toEqual(['create /work/dst']);
    expect(files('fchmodat', [fdcwd, 1n, 0o644n], ctx)).toEqual(['attr /work/data.txt']);
  });

  it('keeps the call (with the pid) for the vows, also when it takes no path', () => {
    expect(decodeCall('socket', [2n, 1n, 0n], 7, ctx)).toEqual({ call: { syscall: 'socket', args: [2n, 1n, 0n], pid: 7 }, files: [], net: [] });
  });

  it('decodes bind and connect addresses with the socket protocol', () => {
    const inet = new Uint8Array([2, 0, 0x01, 0xbb, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    const withMemory = context([], {}, { 3: 'tcp', 4: 'udp' }, new Map([[100n, inet]]));
    expect(decodeCall('connect', [3n, 100n, 16n], 7, withMemory).net).toEqual([{ kind: 'net', op: 'connect', family: 'inet', port: 443, protocol: 'tcp' }]);
    expect(decodeCall('bind', [4n, 100n, 16n], 7, withMemory).net).toEqual([{ kind: 'net', op: 'bind', family: 'inet', port: 443, protocol: 'udp' }]);
    expect(decodeCall('connect', [9n, 100n, 16n], 7, withMemory).net).toEqual([{ kind: 'net', op: 'connect', family: 'inet', port: 443 }]);
  });

  it('decodes the destination of sendto and sendmsg: a pathname UNIX socket (relative to the cwd) as a connect, none or an IP one as nothing', () => {
    const unix = new Uint8Array([1, 0, ...new TextEncoder().encode('log.sock'), 0]);
    const inet = new Uint8Array([2, 0, 0, 53, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    const msghdr = (name: bigint, length: number) => {
      const header = new Uint8Array(56);
      new DataView(header.buffer).setBigUint64(0, name, true);
      new DataView(header.buffer).setUint32(8, length, true);
      return header;
    };
    const memory = new Map([[100n, unix], [200n, inet], [300n, msghdr(100n, unix.length)], [400n, msghdr(0n, 0)], [500n, msghdr(200n, 16)]]);
    const ctx2 = context([], {}, { 3: 'udp' }, memory);
    const sent = { kind: 'net', op: 'connect', family: 'unix', path: '/work/log.sock' };
    expect(decodeCall('sendto', [3n, 9n, 5n, 0n, 100n, BigInt(unix.length)], 7, ctx2).net).toEqual([sent]);
    expect(decodeCall('sendmsg', [3n, 300n, 0n], 7, ctx2).net).toEqual([sent]);
    expect(decodeCall('sendto', [3n, 9n, 5n, 0n, 0n, 0n], 7, ctx2).net).toEqual([]);
    expect(decodeCall('sendmsg', [3n, 400n, 0n], 7, ctx2).net).toEqual([]);
    expect(decodeCall('sendto', [3n, 9n, 5n, 0n, 200n, 16n], 7, ctx2).net).toEqual([]);
    expect(decodeCall('sendmsg', [3n, 500n, 0n], 7, ctx2).net).toEqual([]);
    // Binding one creates its file: Landlock's make-sock, in its directory.
    expect(decodeCall('bind', [3n, 100n, BigInt(unix.length)], 7, ctx2)).toMatchObject({
      files: [{ kind: 'file', access: 'create', path: '/work/log.sock', entry: 'sock' }], net: [{ ...sent, op: 'bind' }] });
  });

  it('decodes every sockaddr family it meets', () => {
    expect(decodeSockaddr(new Uint8Array([10, 0, 0, 80, ...new Array<number>(24).fill(0)]))).toEqual({ family: 'inet6', port: 80 });
    expect(decodeSockaddr(new Uint8Array([1, 0, ...new TextEncoder().encode('/run/x.sock'), 0]))).toEqual({ family: 'unix', path: '/run/x.sock' });
    expect(decodeSockaddr(new Uint8Array([1, 0, 0, 97]))).toEqual({ family: 'unix' });
    expect(decodeSockaddr(new Uint8Array([16, 0, 0, 0]))).toEqual({ family: 'other' });
  });
});
