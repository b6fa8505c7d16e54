import { describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { canLog, planRuleset, planSpec, targetAbi, type KernelView } from '../src/plan.js';
import { FS_ACCESS_NAMES, FS_RIGHTS, NET_RIGHTS, SCOPES, maskOf } from '../src/rights.js';
import { normalizeSpec, type LandlockSpec } from '../src/spec.js';
import { decodeRuleset } from './wire.js';

const kernel = (abi: number): KernelView => ({ abi, errata: 7, status: 'available' });
const plan = (spec: LandlockSpec, abi: number) => planRuleset(normalizeSpec(spec), kernel(abi));

function invalidAt(spec: unknown): string {
  try {
    normalizeSpec(spec);
  } catch (error) {
    const e = error as { code: string; details: { path: string } };
    expect(e.code).toBe('ERR_EXILE_INVALID_POLICY');
    return e.details.path;
  }
  throw new Error('did not throw');
}

describe('log: the audit-log flags (ABI 7)', () => {
  it('keeps only the keys that change the kernel default, as flags', () => {
    expect(normalizeSpec({ fs: {}, log: { sameExec: true, newExec: false, subdomains: true } }).log).toEqual([]);
    expect(normalizeSpec({ fs: {}, log: { sameExec: false, newExec: true, subdomains: false } }).log)
      .toEqual(['same-exec-off', 'new-exec-on', 'subdomains-off']);
  });

  it('are required on their own, without raising the target ABI of the rights, and go in the plan', () => {
    expect(targetAbi(normalizeSpec({ fs: {}, log: { newExec: true }, quiet: { paths: ['/a'] } }))).toBe(3);
    expect(plan({ fs: {}, log: { newExec: true } }, 7).log).toEqual(['new-exec-on']);
  });

  it('hard mode refuses them below ABI 7 naming each; best-effort drops and reports them', () => {
    expect(() => plan({ fs: {}, log: { newExec: true, subdomains: false } }, 6)).toThrow(/log:new-exec-on .*log:subdomains-off/);
    const dropped = plan({ fs: {}, log: { newExec: true }, compat: 'best-effort' }, 6);
    expect(dropped).toMatchObject({ log: [], partial: true });
    expect(dropped.notEnforced).toContainEqual({ what: 'log:new-exec-on', reason: 'requested; needs Landlock ABI 7, this kernel has 6', required: true });
  });

  it('are restrict flags beside TSYNC on the wire', () => {
    expect(decodeRuleset(compile({ fs: {}, log: { sameExec: false, newExec: true, subdomains: false } }, kernel(7)).ruleset).restrictFlags).toBe(7);
    expect(decodeRuleset(compile({ fs: {}, log: { newExec: true } }, kernel(8)).ruleset).restrictFlags).toBe(8 | 2);
  });

  it('canLog says where a caller may ask for them', () => {
    expect([6, 7, 10].map((abi) => canLog(kernel(abi)))).toEqual([false, true, true]);
    expect(canLog({ abi: 0, errata: 0, status: 'disabled' })).toBe(false);
  });

  it('bad values name their JSON path', () => {
    expect(invalidAt({ fs: {}, log: { newExec: 'yes' } })).toBe('$.log.newExec');
    expect(invalidAt({ fs: {}, log: { everything: true } })).toBe('$.log.everything');
  });
});

describe('quiet: denials left out of the audit log (ABI 10)', () => {
  it('marks quiet paths and ports on the grants; a quiet-only one grants nothing', () => {
    const spec = normalizeSpec({ fs: { read: ['/etc'] }, net: { connectTcp: [443] }, quiet: { paths: ['/etc', '/home'], ports: [53] } });
    expect(spec.fs).toEqual([{ path: '/etc', access: maskOf(FS_RIGHTS, ['read-file', 'read-dir']), named: 0, where: ['$.fs.read[0]', '$.quiet.paths[0]'], quiet: true },
      { path: '/home', access: 0, named: 0, where: ['$.quiet.paths[1]'], quiet: true }]);
    expect(spec.net!.ports).toEqual([{ port: 443, access: ['connect-tcp'] }, { port: 53, access: [], quiet: true }]);
  });

  it('quiet rights default to every handled one, only of the kinds that have a quiet object', () => {
    expect(plan({ fs: {}, quiet: { paths: ['/home'] } }, 10).quiet).toEqual({ fs: FS_ACCESS_NAMES, net: [], scope: [] });
    expect(plan({ fs: {}, net: {}, scope: ['signal'], quiet: { paths: ['/home'], fs: ['read-file'], scope: ['signal'] } }, 10).quiet)
      .toEqual({ fs: ['read-file'], net: [], scope: ['signal'] });
    expect(plan({ net: {}, quiet: { ports: [1] } }, 10).quiet).toEqual({ fs: [], net: Object.keys(NET_RIGHTS), scope: [] });
  });

  it('encodes the quiet masks in the ABI 10 attr and ADD_RULE_QUIET on quiet rules (even one granting nothing)', () => {
    const out = compile({ fs: { read: ['/etc'] }, net: { connectTcp: [443] }, scope: ['signal'],
      quiet: { paths: ['/usr'], fs: ['read-file', 'read-dir'], ports: [53], scope: ['signal'] } }, kernel(10));
    const wire = decodeRuleset(out.ruleset);
    expect(wire.attr.length).toBe(48);
    expect([24, 32, 40].map((at) => wire.attr.readUInt32LE(at)))
      .toEqual([maskOf(FS_RIGHTS, ['read-file', 'read-dir']), maskOf(NET_RIGHTS, Object.keys(NET_RIGHTS) as never), maskOf(SCOPES, ['signal'])]);
    expect(wire.rules.map((r) => [r.path ?? r.rule!.readUInt32LE(8), r.addFlags])).toEqual([['/etc', 0], ['/usr', 1], [443, 0], [53, 1]]);
    const usr = wire.rules[1]!;
    expect([usr.dir!.readUInt32LE(0), usr.file!.length]).toEqual([0, 12]);
  });

  it('hard mode refuses quiet below ABI 10; best-effort drops every quiet rule and field', () => {
    expect(() => plan({ fs: {}, quiet: { paths: ['/home'] } }, 9)).toThrow(/cannot enforce quiet \(requested; needs Landlock ABI 10, this kernel has 9\)/);
    const out = compile({ fs: { read: ['/etc'] }, quiet: { paths: ['/etc', '/usr'] }, compat: 'best-effort' }, kernel(7));
    const wire = decodeRuleset(out.ruleset);
    expect(wire.attr.length).toBe(24);
    expect(wire.rules.map((r) => [r.path, r.addFlags])).toEqual([['/etc', 0]]);
    expect(out.notEnforced.map((n) => n.what)).toContain('quiet');
  });

  it('refuses what the kernel would (EINVAL) or what could never be quiet, naming the JSON path', () => {
    expect(invalidAt({ net: {}, quiet: { paths: ['/a'] } })).toBe('$.quiet.paths');
    expect(invalidAt({ fs: {}, quiet: { ports: [1] } })).toBe('$.quiet.ports');
    expect(invalidAt({ fs: {}, quiet: { fs: ['read-file'] } })).toBe('$.quiet.fs');
    expect(invalidAt({ fs: {}, quiet: { paths: ['/a'], fs: ['read'] } })).toBe('$.quiet.fs[0]');
    expect(invalidAt({ fs: {}, scope: ['signal'], quiet: { scope: ['abstract-unix-socket'] } })).toBe('$.quiet.scope');
    expect(invalidAt({ net: {}, quiet: { ports: [70000] } })).toBe('$.quiet.ports[0]');
  });

  it('planSpec reports quiet and log like the rights, without refusing', () => {
    const p = planSpec({ fs: {}, log: { newExec: true }, quiet: { paths: ['/a'] } }, kernel(7));
    expect(p.notEnforced.map((n) => [n.what, n.required])).toEqual([['fs:resolve-unix', false], ['quiet', true]]);
    expect(p.log).toEqual(['new-exec-on']);
  });
});
