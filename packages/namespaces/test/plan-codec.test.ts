import { describe, expect, it } from 'vitest';
import { dropOpsBeforeExec } from '@exile/caps';
import { compile } from '@exile/landlock';
import { buildPlan, decodePlan, encodePlan, type LaunchPlan } from '../src/index.js';

const filter = new Uint8Array([0x06, 0, 0, 0, 0, 0, 0xff, 0x7f]); // ret ALLOW

function richPlan(): LaunchPlan {
  return buildPlan('sh', ['-c', 'echo ü', ''], {
    namespaces: 'all', uid: 0, gid: 0, hostname: 'box', dieWithParent: true, newSession: true, clearEnv: true,
    env: { PATH: '/usr/bin', EMPTY: '' }, cwd: '/tmp', stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    fs: { root: 'empty', mounts: [
      { type: 'bind', source: '/usr', readOnly: true }, { type: 'tmpfs', target: '/tmp', size: 1 << 20, mode: 0o1777 },
      { type: 'proc' }, { type: 'dev' }, { type: 'dir', target: '/a/b', mode: 0o700 }, { type: 'symlink', target: '/bin', linkTo: 'usr/bin' },
      { type: 'file', target: '/etc/hosts', content: new Uint8Array([0, 1, 2, 255]) },
    ] },
    preExec: [
      { type: 'seccomp', filter, flags: 1 }, { type: 'no-new-privs' }, { type: 'caps', ops: dropOpsBeforeExec({ keep: ['CAP_CHOWN', 'CAP_CHECKPOINT_RESTORE'] }, { userNamespace: true }) },
      { type: 'landlock', ruleset: compile({ fs: { exec: ['/usr'] }, net: { bindTcp: [80] } }, { abi: 7, errata: 7, status: 'available' }).ruleset },
    ],
  });
}

describe('encodePlan / decodePlan', () => {
  it('round-trips a plan using every record kind', () => {
    const plan = richPlan();
    expect(decodePlan(encodePlan(plan))).toEqual(plan);
  });

  it('round-trips the smallest plan', () => {
    const plan = buildPlan('true', []);
    expect(decodePlan(encodePlan(plan))).toEqual(plan);
  });

  it('starts with the magic and the total length', () => {
    const bytes = encodePlan(buildPlan('true', []));
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(view.getUint32(0, true)).toBe(0x314c5845);
    expect(view.getUint32(4, true)).toBe(bytes.length);
  });

  it('rejects a wrong magic, a wrong length, truncation and trailing bytes with the offset', () => {
    const bytes = encodePlan(richPlan());
    const bad = (b: Uint8Array): unknown => { try { decodePlan(b); return undefined; } catch (e) { return e; } };
    const wrongMagic = bytes.slice(); wrongMagic[0] = 0;
    expect(bad(wrongMagic)).toMatchObject({ code: 'ERR_EXILE_INVALID_POLICY', details: { reason: 'bad magic', offset: 0 } });
    expect(bad(bytes.slice(0, bytes.length - 1))).toMatchObject({ details: { reason: 'length mismatch' } });
    const truncated = bytes.slice(0, bytes.length - 3);
    new DataView(truncated.buffer).setUint32(4, truncated.length, true);
    expect(bad(truncated)).toMatchObject({ code: 'ERR_EXILE_INVALID_POLICY' });
    const unknownTag = bytes.slice();
    new DataView(unknownTag.buffer).setUint32(8 + 8 + 20, 99, true); // the record after OPTIONS
    expect(bad(unknownTag)).toMatchObject({ details: { reason: 'unknown record tag' } });
  });

  it('keeps the tags as identifiers and checks the execution order caps → no-new-privs → landlock → seccomp', () => {
    const plan = richPlan();
    expect(plan.steps.map((s) => s.step)).toEqual(['caps', 'no-new-privs', 'landlock', 'seccomp']);
    const tags = (bytes: Uint8Array): number[] => {
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      const out: number[] = [];
      for (let at = 8; at < bytes.length; at += 8 + view.getUint32(at + 4, true)) out.push(view.getUint32(at, true));
      return out.filter((t) => t >= 8 && t <= 11);
    };
    expect(tags(encodePlan(plan))).toEqual([9, 10, 8, 11]);
    const reversed = { ...plan, steps: [...plan.steps].reverse() };
    expect(() => decodePlan(encodePlan(reversed))).toThrow(/pre-exec steps out of order/);
    // the previous order (Landlock first) is out of order now
    const landlockFirst = { ...plan, steps: [plan.steps[2]!, plan.steps[0]!, plan.steps[1]!, plan.steps[3]!] };
    expect(() => decodePlan(encodePlan(landlockFirst))).toThrow(/pre-exec steps out of order/);
  });
});
