import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { debianFile, thrown } from '@exile/test-utils';
import { ErrorCodes, loadPolicy, type Policy } from '../src/index.js';
import { plan } from '../src/plan/plan.js';
import { findStep, type Target } from '../src/plan/types.js';
import { launchOptions } from '../src/start/launch-options.js';
import { validatePolicy } from '../src/policy/validate.js';
import { fakeFeatures } from './fake-features.js';

// The policy's view (uid, gid, hostname, mounts) and its seccomp profile: validation and planning, no kernel.

const DOCKER = debianFile('oci-docker', 'usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json');
const planFor = (policy: Policy, target: Target = 'child') => plan(validatePolicy(policy), fakeFeatures(), target);

/** A compiled child filter: every started program has one (the terminal rules at least). */
const FILTER = { program: { instructions: new Uint8Array(8) }, pidSlots: [] };

describe('policy view', () => {
  it('uid/gid ask for a user namespace, hostname for UTS, mounts for mount, a proc mount for pid; all reach the launcher', () => {
    const p = planFor({ uid: 0, gid: 0, hostname: 'box', mounts: [{ type: 'tmpfs', target: '/tmp' }, { type: 'proc', target: '/proc' }] });
    const ns = findStep(p.steps, 'namespaces')!;
    expect(ns).toMatchObject({ user: true, uts: true, mount: true, pid: true, net: false });
    expect(ns.view).toEqual({ uid: 0, gid: 0, hostname: 'box', mounts: [{ type: 'tmpfs', target: '/tmp' }, { type: 'proc', target: '/proc' }] });
    expect(p.items.map((i) => i.what)).toEqual(expect.arrayContaining(['namespace: user', 'namespace: uts', 'namespace: mount', 'namespace: pid']));
    const options = launchOptions(p, FILTER);
    expect(options).toMatchObject({ uid: 0, gid: 0, hostname: 'box' });
    // The pid namespace's own /proc first, then the policy's mounts in order.
    expect(options.fs).toEqual({ root: 'host', mounts: [{ type: 'proc' }, { type: 'tmpfs', target: '/tmp' }, { type: 'proc', target: '/proc' }] });
  });

  it('the mounts go on top of the mount-namespace view when there is no Landlock', () => {
    const p = plan(validatePolicy({ fs: { read: ['/usr'], write: ['/tmp'] }, mounts: [{ type: 'tmpfs', target: '/tmp/x' }] }), fakeFeatures({ landlockAbi: 0 }), 'child');
    expect(launchOptions(p, FILTER).fs!.mounts!.at(-1)).toEqual({ type: 'tmpfs', target: '/tmp/x' });
    expect(launchOptions(p, FILTER).fs!.root).toBe('empty');
  });

  it('a running process cannot take a view: uid, hostname or mounts are refused for enable()', () => {
    for (const policy of [{ uid: 0 }, { hostname: 'x' }, { mounts: [{ type: 'tmpfs' as const, target: '/tmp' }] }]) {
      expect(thrown(() => planFor(policy, 'process')).code).toBe(ErrorCodes.UNSUPPORTED);
    }
  });

  it.each([
    [{ mounts: [{ type: 'bind', target: '/mnt' }] }, '$.mounts[0].source', 'is required for a bind mount'],
    [{ mounts: [{ type: 'tmpfs', target: '/tmp', source: '/x' }] }, '$.mounts[0].source', 'is not allowed for a tmpfs mount'],
    [{ mounts: [{ type: 'tmpfs', target: 'tmp' }] }, '$.mounts[0].target', 'must be an absolute path inside the sandbox, got "tmp"'],
    [{ mounts: [{ type: 'proc', target: '/' }] }, '$.mounts[0].target', 'cannot be the root itself'],
    [{ mounts: [{ type: 'overlay', target: '/x' }] }, '$.mounts[0].type', 'must be one of "bind" | "tmpfs" | "proc", got "overlay"'],
    [{ uid: -1 }, '$.uid', 'must be >= 0, got -1'],
    [{ hostname: '' }, '$.hostname', 'must not be empty'],
    [{ fs: { read: ['/usr'] }, mounts: [{ type: 'tmpfs', target: '/tmp' }] }, '$.mounts[0].target', '/tmp is under no fs path: add it to fs.read or fs.write (--ro/--rw) to reach it'],
    [{ fs: false, mounts: [{ type: 'tmpfs', target: '/tmp' }] }, '$.mounts[0].target', '/tmp is under no fs path: add it to fs.read or fs.write (--ro/--rw) to reach it'],
  ])('%j is refused at %s', (policy, path, message) => {
    const e = thrown(() => validatePolicy(policy));
    expect([e.code, e.details.path, e.message]).toEqual([ErrorCodes.INVALID_POLICY, path, `invalid policy: ${path}: ${message}`]);
  });

  it('a bind source resolves against the base; loadPolicy keeps the view', () => {
    expect(validatePolicy({ mounts: [{ type: 'bind', source: 'data', target: '/data/' }] }, '/srv').mounts).toEqual([{ type: 'bind', source: '/srv/data', target: '/data' }]);
    expect(loadPolicy({ uid: 7, hostname: 'h', mounts: [{ type: 'proc', target: '/proc' }] })).toMatchObject({ uid: 7, hostname: 'h', mounts: [{ type: 'proc', target: '/proc' }] });
  });
});

describe('policy seccompProfile', () => {
  it('a file (relative to the policy) or an object becomes a second filter, for a started program only', () => {
    const n = validatePolicy({ seccompProfile: basename(DOCKER) }, dirname(DOCKER));
    expect(n.seccompProfile!.source).toBe(DOCKER);
    expect(n.seccompProfile!.filter.defaultAction).toEqual({ errno: 1 });
    const child = planFor({ seccompProfile: DOCKER });
    expect(findStep(child.steps, 'seccomp')!.profile).toEqual(n.seccompProfile!.filter);
    expect(launchOptions(child, { program: { instructions: new Uint8Array(8) }, pidSlots: [] }).preExec!.filter((s) => s.type === 'seccomp')).toHaveLength(2);
    // enable() and launch() install one filter in a running Node: strict refuses, best-effort says so.
    expect(thrown(() => planFor({ seccompProfile: DOCKER }, 'process')).message).toContain('only for programs started by spawn() / exile run');
    const lax = planFor({ seccompProfile: DOCKER, mode: 'best-effort' }, 'launch');
    expect(lax.items).toContainEqual(expect.objectContaining({ what: expect.stringMatching(/^seccomp profile: /), enforced: false }));
    // Its filter is exile's own (the terminal rules at least), without the profile.
    expect(findStep(lax.steps, 'seccomp')!.profile).toBeUndefined();
    expect(loadPolicy({ seccompProfile: DOCKER }).seccompProfile).toBe(DOCKER);
  });

  it('a bad profile names its part under $.seccompProfile', () => {
    const e = thrown(() => validatePolicy({ seccompProfile: { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_FLY' }] } }));
    expect([e.details.path, e.message]).toEqual(['$.seccompProfile.syscalls[0].action', 'invalid policy: $.seccompProfile.syscalls[0].action: unknown action "SCMP_ACT_FLY"']);
    const dir = mkdtempSync(join(tmpdir(), 'exile-profile-'));
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_LOG'] }));
    const inFile = thrown(() => validatePolicy({ seccompProfile: 'p.json' }, dir));
    expect([inFile.details.path, inFile.details.file, inFile.message]).toEqual(['$.seccompProfile.flags[0]', join(dir, 'p.json'),
      `invalid policy (${join(dir, 'p.json')}): $.seccompProfile.flags[0]: SECCOMP_FILTER_FLAG_LOG is not supported (use install()'s options)`]);
    expect(thrown(() => validatePolicy({ seccompProfile: '/does/not/exist.json' })).message).toContain('$.seccompProfile: cannot read /does/not/exist.json');
  });
});
