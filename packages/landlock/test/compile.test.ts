import { describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { FS_RIGHTS, maskOf } from '../src/rights.js';

const kernel = (abi: number) => ({ abi, errata: 7, status: 'available' as const });

describe('compile', () => {
  it('gives the masks, both rule variants and the flags for ABI 7', () => {
    const out = compile({ fs: { read: ['/etc'], write: ['/tmp'] }, net: { connectTcp: [443] } }, kernel(7));
    expect(out).toMatchObject({ abi: 7, attrSize: 24, handled: { fs: 0xffff, net: 3, scoped: 0 }, restrictFlags: 0, enforced: 'full', missingPaths: 'error' });
    expect(out.paths[0]).toEqual({ path: '/etc', access: maskOf(FS_RIGHTS, ['read-file', 'read-dir']), fileAccess: maskOf(FS_RIGHTS, ['read-file']), where: ['fs.read[0]'] });
    expect(out.paths[1]!.fileAccess).toBe(maskOf(FS_RIGHTS, ['write-file', 'truncate']));
    expect(out.ports).toEqual([{ port: 443, access: 2 }]);
  });

  it('sets TSYNC from ABI 8 and sizes the attr by ABI', () => {
    expect(compile({ fs: {} }, kernel(8))).toMatchObject({ restrictFlags: 8, attrSize: 24 });
    expect(compile({ fs: {} }, kernel(10)).attrSize).toBe(48);
    expect(compile({ fs: {}, compat: 'best-effort' }, kernel(2)).attrSize).toBe(8);
  });

  it('takes the same compat decisions as restrict()', () => {
    expect(() => compile({ net: { bindUdp: [53] } }, kernel(7))).toThrow(expect.objectContaining({ code: 'ERR_EXILE_UNSUPPORTED' }));
    const none = compile({ net: { bindUdp: [53] }, compat: 'best-effort' }, kernel(3));
    expect(none).toMatchObject({ abi: 0, attrSize: 0, enforced: 'none', ports: [] });
    const refer = compile({ fs: { write: ['/w'] }, compat: 'best-effort' }, kernel(1));
    expect(refer.enforced).toBe('partial');
    expect(refer.notEnforced.map((item) => item.what)).toContain('fs:refer (granted)');
  });

  it('drops rules that grant nothing handled', () => {
    expect(compile({ fs: { rules: [{ path: '/s', access: ['resolve-unix'] }] }, compat: 'best-effort' }, kernel(7)).paths).toEqual([]);
  });
});
