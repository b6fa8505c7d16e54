import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { FS_RIGHTS, maskOf } from '../src/rights.js';
import { decodeRuleset } from './wire.js';

const kernel = (abi: number) => ({ abi, errata: 7, status: 'available' as const });
const dir = mkdtempSync(join(tmpdir(), 'exile-ll-compile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compile', () => {
  it('encodes the attr, both rule variants of each path, the port rules and the flags for ABI 7', () => {
    const out = compile({ fs: { read: ['/etc'], write: ['/tmp'] }, net: { connectTcp: [443] } }, kernel(7));
    expect(out).toMatchObject({ abi: 7, enforced: 'full', handled: { net: ['bind-tcp', 'connect-tcp'], scope: [] } });
    const wire = decodeRuleset(out.ruleset);
    expect(wire.attr.length).toBe(24);
    expect(wire.attr.readUInt32LE(0)).toBe(0xffff);
    expect(wire.attr.readUInt32LE(8)).toBe(3);
    expect(wire.restrictFlags).toBe(0);
    const etc = statSync('/etc', { bigint: true });
    expect(wire.rules[0]).toMatchObject({ type: 1, path: '/etc', dev: etc.dev, ino: etc.ino, identity: true, fdOffset: 8 });
    expect(wire.rules[0]!.dir!.readUInt32LE(0)).toBe(maskOf(FS_RIGHTS, ['read-file', 'read-dir']));
    expect(wire.rules[0]!.file!.readUInt32LE(0)).toBe(maskOf(FS_RIGHTS, ['read-file']));
    expect(wire.rules[1]!.file!.readUInt32LE(0)).toBe(maskOf(FS_RIGHTS, ['write-file', 'truncate']));
    expect(wire.rules[2]).toMatchObject({ type: 2, addFlags: 0 });
    expect(wire.rules[2]!.rule!.readUInt32LE(0)).toBe(2);
    expect(wire.rules[2]!.rule!.readUInt32LE(8)).toBe(443);
  });

  it('sets TSYNC from ABI 8 and sizes the attr by ABI', () => {
    expect(decodeRuleset(compile({ fs: {} }, kernel(8)).ruleset)).toMatchObject({ restrictFlags: 8 });
    expect(decodeRuleset(compile({ fs: {} }, kernel(10)).ruleset).attr.length).toBe(48);
    expect(decodeRuleset(compile({ fs: {}, compat: 'best-effort' }, kernel(2)).ruleset).attr.length).toBe(8);
  });

  it('keeps the signal scope without erratum 2: the launcher restricts one thread, so the program has one domain', () => {
    const out = compile({ scope: ['signal'] }, { abi: 6, errata: 0, status: 'available' });
    expect(out).toMatchObject({ abi: 6, enforced: 'full', handled: { scope: ['signal'] }, notEnforced: [] });
    expect(decodeRuleset(out.ruleset).attr.readUInt32LE(16)).toBe(2); // LANDLOCK_SCOPE_SIGNAL
  });

  it('takes the same compat decisions as restrict()', () => {
    expect(() => compile({ net: { bindUdp: [53] } }, kernel(7))).toThrow(expect.objectContaining({ code: 'ERR_EXILE_UNSUPPORTED' }));
    const none = compile({ net: { bindUdp: [53] }, compat: 'best-effort' }, kernel(3));
    expect(none).toMatchObject({ abi: 0, enforced: 'none' });
    expect(none.ruleset.length).toBe(0);
    const refer = compile({ fs: { write: [dir] }, compat: 'best-effort' }, kernel(1));
    expect(refer.enforced).toBe('partial');
    expect(refer.notEnforced.map((item) => item.what)).toContain('fs:refer (granted)');
  });

  it('drops rules that grant nothing handled, and says why a file rule with only directory rights is skipped', () => {
    expect(decodeRuleset(compile({ fs: { rules: [{ path: '/etc', access: ['resolve-unix'] }] }, compat: 'best-effort' }, kernel(7)).ruleset).rules).toEqual([]);
    const file = join(dir, 'file');
    writeFileSync(file, '');
    const out = compile({ fs: { rules: [{ path: file, access: ['make-dir'] }] } }, kernel(7));
    expect(out.notEnforced.map((n) => n.reason)).toContain('skipped: it grants only directory rights, but the path is not a directory');
    expect(decodeRuleset(out.ruleset).rules[0]!.file!.length).toBe(0);
  });

  it('resolves a symlink once: the rule and the report name its target', () => {
    const target = join(dir, 'target');
    mkdirSync(target);
    symlinkSync(target, join(dir, 'link'));
    const out = compile({ fs: { read: [join(dir, 'link')] } }, kernel(7));
    expect(out.paths).toEqual([{ given: join(dir, 'link'), path: target, where: ['$.fs.read[0]'] }]);
    const st = statSync(target, { bigint: true });
    expect(decodeRuleset(out.ruleset).rules[0]).toMatchObject({ path: target, dev: st.dev, ino: st.ino, identity: true });
  });

  it('resolves many paths through their parents alike: a symlinked directory on the way, a symlink at the end, a file in the way', () => {
    const real = join(dir, 'real-tree');
    mkdirSync(join(real, 'sub'), { recursive: true });
    for (const name of ['a.js', 'b.js', 'sub/c.js']) writeFileSync(join(real, name), '');
    symlinkSync(real, join(dir, 'tree-link'));
    symlinkSync(join(real, 'a.js'), join(real, 'alias.js'));
    const given = ['tree-link/a.js', 'tree-link/b.js', 'tree-link/sub/c.js', 'tree-link/alias.js', 'real-tree/a.js', 'tree-link/sub'].map((p) => join(dir, p));
    const out = compile({ fs: { rules: given.map((path) => ({ path, access: ['read-file'] })) } }, kernel(7));
    expect(out.paths.map((p) => p.path)).toEqual(['a.js', 'b.js', 'sub/c.js', 'a.js', 'a.js', 'sub'].map((p) => join(real, p)));
    expect(decodeRuleset(out.ruleset).rules.map((r) => r.ino)).toEqual(out.paths.map((p) => statSync(p.path, { bigint: true }).ino));
    const inFile = join(real, 'a.js', 'x');
    expect(() => compile({ fs: { read: [inFile] } }, kernel(7))).toThrow(expect.objectContaining({ details: expect.objectContaining({ errnoName: 'ENOTDIR' }) }));
    expect(() => compile({ fs: { read: [join(dir, 'no-dir', 'x')] } }, kernel(7))).toThrow(expect.objectContaining({ details: expect.objectContaining({ errnoName: 'ENOENT' }) }));
  });

  it('a missing path throws naming the spec entry, or is skipped and reported with missingPaths: ignore', () => {
    const gone = join(dir, 'gone');
    expect(() => compile({ fs: { read: [gone] } }, kernel(7))).toThrow(expect.objectContaining({ code: 'ERR_EXILE_INVALID_POLICY', details: expect.objectContaining({ path: '$.fs.read[0]' }) }));
    const out = compile({ fs: { read: ['/etc', gone] }, missingPaths: 'ignore' }, kernel(7));
    expect(out.paths.map((p) => p.path)).toEqual(['/etc']);
    expect(out.notEnforced.map((n) => n.what)).toContain(`rule $.fs.read[1] (${gone})`);
  });

  it('takes the child-only paths as written, without the identity check', () => {
    const out = compile({ fs: { read: ['/proc/self/fd', '/proc'] } }, kernel(7), { asIs: ['/proc'] });
    expect(decodeRuleset(out.ruleset).rules.map((r) => [r.path, r.identity])).toEqual([['/proc/self/fd', false], ['/proc', false]]);
  });
});
