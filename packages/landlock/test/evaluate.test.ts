import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { deniesPort, missingFsRights } from '../src/evaluate.js';

const kernel = (abi: number) => ({ abi, errata: 7, status: 'available' as const });
const dir = mkdtempSync(join(tmpdir(), 'exile-ll-evaluate-'));
const ro = join(dir, 'ro');
const rw = join(dir, 'rw');
const file = join(dir, 'file');
mkdirSync(ro);
mkdirSync(rw);
writeFileSync(file, '');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('missingFsRights: the compiled ruleset, evaluated in user space', () => {
  const model = compile({ fs: { read: [ro, file], write: [rw], exec: ['/usr/bin'] }, net: { connectTcp: [443] } }, kernel(7)).model;

  it('grants a directory rule on the directory and beneath it, a file rule on that file only', () => {
    expect(missingFsRights(model, 'read', join(ro, 'a/b'))).toEqual({ path: join(ro, 'a/b'), missing: [] });
    expect(missingFsRights(model, 'list', ro).missing).toEqual([]);
    expect(missingFsRights(model, 'read', file).missing).toEqual([]);
    expect(missingFsRights(model, 'read', `${file}x`).missing).toEqual(['read-file']);
    expect(missingFsRights(model, 'list', dir).missing).toEqual(['read-dir']);
    expect(missingFsRights(model, 'read', '/etc/hostname').missing).toEqual(['read-file']);
  });

  it('checks making and removing an entry on its directory, each right by itself', () => {
    expect(missingFsRights(model, 'make-reg', join(rw, 'new'))).toEqual({ path: rw, missing: [] });
    expect(missingFsRights(model, 'make-reg', join(ro, 'new'))).toEqual({ path: ro, missing: ['make-reg'] });
    expect(missingFsRights(model, 'remove-dir', join(ro, 'x')).missing).toEqual(['remove-dir']);
    expect(missingFsRights(model, 'write', join(ro, 'f')).missing).toEqual(['write-file']);
    expect(missingFsRights(model, 'execute', join(ro, 'f')).missing).toEqual(['execute']);
    expect(missingFsRights(model, 'execute', '/usr/bin/env').missing).toEqual([]);
    // write does not grant device nodes: those are granted by name only.
    expect(missingFsRights(model, 'make-char', join(rw, 'tty')).missing).toEqual(['make-char']);
  });

  it('answers per ABI: a right the kernel does not handle is allowed; below ABI 2 a rename across directories never is', () => {
    const abi2 = compile({ fs: { read: [ro] }, compat: 'best-effort' }, kernel(2)).model;
    expect(missingFsRights(abi2, 'truncate', join(ro, 'f')).missing).toEqual([]);
    expect(missingFsRights(model, 'truncate', join(ro, 'f')).missing).toEqual(['truncate']);
    const abi1 = compile({ fs: { write: [rw] }, compat: 'best-effort' }, kernel(1)).model;
    expect(missingFsRights(abi1, 'refer', join(rw, 'x')).missing).toEqual(['refer']);
    expect(missingFsRights(abi2, 'refer', join(ro, 'x')).missing).toEqual(['refer']);
    expect(missingFsRights(compile({ fs: { write: [rw] }, compat: 'best-effort' }, kernel(2)).model, 'refer', join(rw, 'x')).missing).toEqual([]);
  });

  it('refuses TCP ports the ruleset does not grant, and nothing when it handles no network', () => {
    expect(deniesPort(model, 'connect-tcp', 443)).toBe(false);
    expect(deniesPort(model, 'connect-tcp', 80)).toBe(true);
    expect(deniesPort(model, 'bind-tcp', 443)).toBe(true);
    expect(deniesPort(model, 'bind-udp', 53)).toBe(false);
    expect(deniesPort(compile({ fs: { read: [ro] } }, kernel(7)).model, 'connect-tcp', 80)).toBe(false);
  });
});
