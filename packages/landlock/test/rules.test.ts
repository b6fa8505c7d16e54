import { describe, expect, it } from 'vitest';
import { planRuleset, type KernelView } from '../src/plan.js';
import { planRules, type PathKind } from '../src/rules.js';
import { normalizeSpec, type LandlockSpec } from '../src/spec.js';
import { FS_RIGHTS, NET_RIGHTS, maskOf, namesOf } from '../src/rights.js';

const kernel = (abi: number): KernelView => ({ abi, errata: 7, status: 'available' });

function rulesFor(spec: LandlockSpec, abi: number, kinds: Record<string, PathKind>) {
  const normalized = normalizeSpec(spec);
  const plan = planRuleset(normalized, kernel(abi));
  return planRules(plan, normalized.fs ?? [], new Map(Object.entries(kinds)), normalized.net?.ports ?? []);
}

describe('planRules', () => {
  it('keeps only file rights on a non-directory', () => {
    const { paths, notEnforced } = rulesFor({ fs: { read: ['/etc/hosts'], write: ['/etc/hosts'] } }, 7, { '/etc/hosts': 'file' });
    expect(namesOf(FS_RIGHTS, paths[0]!.allowed)).toEqual(['write-file', 'read-file', 'truncate']);
    expect(notEnforced).toEqual([]);
  });

  it('keeps directory rights on a directory', () => {
    const { paths } = rulesFor({ fs: { read: ['/etc'] } }, 7, { '/etc': 'dir' });
    expect(namesOf(FS_RIGHTS, paths[0]!.allowed)).toEqual(['read-file', 'read-dir']);
  });

  it('masks grants to the handled set of the ABI', () => {
    const { paths } = rulesFor({ fs: { write: ['/w'] }, compat: 'best-effort' }, 1, { '/w': 'dir' });
    expect(paths[0]!.allowed).toBe(maskOf(FS_RIGHTS, ['write-file', 'remove-dir', 'remove-file', 'make-dir', 'make-reg',
      'make-sock', 'make-fifo', 'make-sym']));
  });

  it('reports that ABI 1 denies refer even when granted', () => {
    const { notEnforced } = rulesFor({ fs: { write: ['/w'] }, compat: 'best-effort' }, 1, { '/w': 'dir' });
    expect(notEnforced).toEqual([{ what: 'fs:refer (granted)', reason: expect.stringContaining('always denies') }]);
  });

  it('skips and reports a rule with only directory rights on a file', () => {
    const { paths, notEnforced } = rulesFor({ fs: { rules: [{ path: '/f', access: ['make-reg', 'read-dir'] }] } }, 7, { '/f': 'file' });
    expect(paths).toEqual([]);
    expect(notEnforced[0]).toEqual({ what: 'rule $.fs.rules[0].path (/f)', reason: expect.stringContaining('not a directory') });
  });

  it('skips and reports missing paths', () => {
    const { paths, notEnforced } = rulesFor({ fs: { read: ['/gone', '/here'] }, missingPaths: 'ignore' }, 7,
      { '/gone': { missing: 'ENOENT' }, '/here': 'dir' });
    expect(paths.map((rule) => rule.path)).toEqual(['/here']);
    expect(notEnforced).toEqual([{ what: 'rule $.fs.read[0] (/gone)', reason: expect.stringContaining('does not exist (ENOENT)') }]);
  });

  it('silently drops grants of rights the kernel does not handle (they are allowed anyway)', () => {
    const { paths } = rulesFor({ fs: { rules: [{ path: '/s', access: ['resolve-unix'] }] }, compat: 'best-effort' }, 7, { '/s': 'dir' });
    expect(paths).toEqual([]);
  });

  it('builds one port rule per port with every right on it, TCP only on ABI 7', () => {
    const { ports } = rulesFor({ net: { bindTcp: [8080], connectTcp: [8080, 443], bindUdp: [53] }, compat: 'best-effort' }, 7, {});
    expect(ports).toEqual([
      { port: 8080, allowed: NET_RIGHTS['bind-tcp'].value | NET_RIGHTS['connect-tcp'].value, quiet: false },
      { port: 443, allowed: NET_RIGHTS['connect-tcp'].value, quiet: false },
    ]);
  });

  it('keeps UDP port rules on ABI 10', () => {
    const { ports } = rulesFor({ net: { bindUdp: [53] } }, 10, {});
    expect(ports).toEqual([{ port: 53, allowed: NET_RIGHTS['bind-udp'].value, quiet: false }]);
  });
});
