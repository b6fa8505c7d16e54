import { describe, expect, it } from 'vitest';
import { normalizeSpec } from '../src/spec.js';
import { FS_RIGHTS, maskOf } from '../src/rights.js';

function errorOf(fn: () => unknown): { code: string; path: unknown; message: string } {
  try {
    fn();
  } catch (error) {
    const e = error as { code: string; details: { path: unknown }; message: string };
    return { code: e.code, path: e.details.path, message: e.message };
  }
  throw new Error('did not throw');
}

describe('normalizeSpec', () => {
  it('expands read, write and exec and merges grants per path', () => {
    const spec = normalizeSpec({ fs: { read: ['/a', '/b'], write: ['/a'], exec: ['/c'], makeDevices: ['/d'], rules: [{ path: '/b', access: ['ioctl-dev'] }] } });
    const byPath = Object.fromEntries(spec.fs!.map((grant) => [grant.path, grant]));
    expect(byPath['/a']!.access).toBe(maskOf(FS_RIGHTS, ['read-file', 'read-dir', 'write-file', 'truncate', 'remove-dir', 'remove-file',
      'make-dir', 'make-reg', 'make-sock', 'make-fifo', 'make-sym', 'refer']));
    expect(byPath['/d']!.access).toBe(maskOf(FS_RIGHTS, ['make-char', 'make-block']));
    expect(byPath['/a']!.where).toEqual(['$.fs.read[0]', '$.fs.write[0]']);
    expect(byPath['/b']!.access).toBe(maskOf(FS_RIGHTS, ['read-file', 'read-dir', 'ioctl-dev']));
    expect(byPath['/b']!.where).toEqual(['$.fs.read[1]', '$.fs.rules[0].path']);
    expect(byPath['/c']!.access).toBe(maskOf(FS_RIGHTS, ['execute', 'read-file']));
  });

  it('write never implies reading, ioctl-dev or resolve-unix', () => {
    const access = normalizeSpec({ fs: { write: ['/w'] } }).fs![0]!.access;
    for (const right of ['read-file', 'read-dir', 'execute', 'ioctl-dev', 'resolve-unix'] as const) {
      expect(access & FS_RIGHTS[right].value).toBe(0);
    }
  });

  it('sockets grant resolve-unix alone, and only rules name a right (what raises the ABI needed)', () => {
    const [grant] = normalizeSpec({ fs: { sockets: ['/run/s'] } }).fs!;
    expect([grant!.access, grant!.named, grant!.where]).toEqual([FS_RIGHTS['resolve-unix'].value, 0, ['$.fs.sockets[0]']]);
    const [named] = normalizeSpec({ fs: { rules: [{ path: '/run/s', access: ['resolve-unix'] }] } }).fs!;
    expect(named!.named).toBe(FS_RIGHTS['resolve-unix'].value);
  });

  it('resolves relative paths against the working directory', () => {
    expect(normalizeSpec({ fs: { read: ['rel'] } }).fs![0]!.path).toBe(`${process.cwd()}/rel`);
  });

  it('merges ports and records which net keys are present', () => {
    const net = normalizeSpec({ net: { bindTcp: [80, 80], connectTcp: [80, 443], connectUdp: [] } }).net!;
    expect(net.named).toEqual(['bind-tcp', 'connect-tcp', 'connect-send-udp']);
    expect(net.ports).toEqual([{ port: 80, access: ['bind-tcp', 'connect-tcp'] }, { port: 443, access: ['connect-tcp'] }]);
  });

  it('defaults compat to hard and missingPaths to error, dedupes scopes', () => {
    const spec = normalizeSpec({ scope: ['signal', 'abstract-unix-socket', 'signal'] });
    expect(spec.compat).toBe('hard');
    expect(spec.missingPaths).toBe('error');
    expect(spec.scope).toEqual(['abstract-unix-socket', 'signal']);
    expect(spec.fs).toBeUndefined();
    expect(spec.net).toBeUndefined();
  });

  it('an empty fs object still handles the file system (deny all)', () => {
    expect(normalizeSpec({ fs: {} }).fs).toEqual([]);
  });

  it.each([
    [null, '$'],
    [{}, '$'],
    [{ scope: [] }, '$'],
    [{ fs: { reads: ['/'] } }, '$.fs.reads'],
    [{ fs: { read: '/' } }, '$.fs.read'],
    [{ fs: { read: [''] } }, '$.fs.read[0]'],
    [{ fs: { read: ['/ok', 3] } }, '$.fs.read[1]'],
    [{ fs: { write: ['/a\0b'] } }, '$.fs.write[0]'],
    [{ fs: { rules: [{ path: '/x', access: ['read-file', 'fly'] }] } }, '$.fs.rules[0].access[1]'],
    [{ fs: { rules: [{ path: '/x', access: [] }] } }, '$.fs.rules[0].access'],
    [{ fs: { rules: [{ path: '/x' }] } }, '$.fs.rules[0].access'],
    [{ fs: { rules: [{ path: '/x', access: ['read-file'], extra: 1 }] } }, '$.fs.rules[0].extra'],
    [{ fs: { rules: [{ access: ['read-file'] }] } }, '$.fs.rules[0].path'],
    [{ net: { bindTcp: [65536] } }, '$.net.bindTcp[0]'],
    [{ net: { connectTcp: [1, -1] } }, '$.net.connectTcp[1]'],
    [{ net: { connectTcp: [1.5] } }, '$.net.connectTcp[0]'],
    [{ net: { connectTcp: ['80'] } }, '$.net.connectTcp[0]'],
    [{ net: { sendUdp: [1] } }, '$.net.sendUdp'],
    [{ scope: ['signals'] }, '$.scope[0]'],
    [{ fs: {}, compat: 'soft' }, '$.compat'],
    [{ fs: {}, missingPaths: 'skip' }, '$.missingPaths'],
    [{ fs: {}, extra: true }, '$.extra'],
  ])('rejects %j at %s', (spec, path) => {
    const error = errorOf(() => normalizeSpec(spec));
    expect(error.code).toBe('ERR_EXILE_INVALID_POLICY');
    expect(error.path).toBe(path);
    expect(error.message).toContain(path);
  });
});

describe('normalizeSpec reads only own properties', () => {
  it('a polluted Object.prototype adds no grant, and __proto__ is an unknown key', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.write = ['/'];
    proto.scope = ['signal'];
    try {
      const spec = normalizeSpec({ fs: { read: ['/usr'] } });
      expect(spec.fs!.map((g) => g.path)).toEqual(['/usr']);
      expect(spec.scope).toEqual([]);
    } finally {
      delete proto.write;
      delete proto.scope;
    }
    expect(errorOf(() => normalizeSpec(JSON.parse('{"fs": {"read": ["/usr"], "__proto__": {"write": ["/"]}}}')))).toMatchObject({ path: '$.fs.__proto__' });
    expect(errorOf(() => normalizeSpec({ fs: {}, constructor: 1 }))).toMatchObject({ path: '$.constructor' });
  });
});
