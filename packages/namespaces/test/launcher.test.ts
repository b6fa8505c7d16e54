import { execFileSync, spawn as nodeSpawn, spawnSync } from 'node:child_process';
import { dropOpsBeforeExec } from '@exile/caps';
import { compile } from '@exile/landlock';
import { describe, expect, it } from 'vitest';
import { buildPlan, encodePlan, launcherPath } from '../src/index.js';
import { parseStatus } from '../src/status.js';

/** Runs the launcher on raw plan bytes; resolves with its exit status and status-fd error. */
function launchRaw(bytes: Uint8Array): Promise<{ code: number | null; error: ReturnType<typeof parseStatus> }> {
  return new Promise((resolve) => {
    // fd 3 is a socket pair: the plan goes in, a failure record comes back on the same fd.
    const child = nodeSpawn(launcherPath, ['3'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    const socket = child.stdio[3] as unknown as NodeJS.ReadWriteStream;
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.end(bytes);
    child.on('close', (code) => resolve({ code, error: parseStatus(Buffer.concat(chunks), 'x') }));
  });
}

describe('exile-launch executable', () => {
  it('is shipped in prebuilds/ and reports its version', () => {
    expect(launcherPath).toMatch(/prebuilds\/linux-x64\/exile-launch$|build\/Release\/exile-launch$/);
    expect(execFileSync(launcherPath, ['--version'], { encoding: 'utf8' })).toMatch(/^exile-launch \d+\.\d+\.\d+/);
  });

  it('--check accepts a plan from TypeScript and rejects a broken one with the reason', () => {
    const good = encodePlan(buildPlan('true', [], { namespaces: 'all', fs: { root: 'empty', mounts: [{ type: 'dev' }, { type: 'proc' }] } }));
    expect(spawnSync(launcherPath, ['--check'], { input: good, encoding: 'utf8' })).toMatchObject({ status: 0, stdout: 'ok\n' });
    const bad = good.slice();
    bad[0] = 0;
    expect(spawnSync(launcherPath, ['--check'], { input: bad, encoding: 'utf8' })).toMatchObject({ status: 2, stdout: 'invalid: bad magic at 0\n' });
  });

  it('--check accepts pre-exec steps in execution order only: caps → no-new-privs → landlock → seccomp', () => {
    const plan = buildPlan('true', [], { preExec: [
      { type: 'landlock', ruleset: compile({ fs: {} }, { abi: 7, errata: 7, status: 'available' }).ruleset }, { type: 'seccomp', filter: new Uint8Array(8) }, { type: 'no-new-privs' }, { type: 'caps', ops: dropOpsBeforeExec({}, { userNamespace: true }) },
    ] });
    const check = (steps: typeof plan.steps): string => spawnSync(launcherPath, ['--check'], { input: encodePlan({ ...plan, steps }), encoding: 'utf8' }).stdout;
    expect(check(plan.steps)).toBe('ok\n');
    const [caps, nnp, landlock, seccomp] = plan.steps as [typeof plan.steps[0], typeof plan.steps[0], typeof plan.steps[0], typeof plan.steps[0]];
    expect(check([landlock, caps, nnp, seccomp])).toMatch(/^invalid: pre-exec steps out of order at \d+\n$/);
    expect(check([caps, landlock, nnp, seccomp])).toMatch(/^invalid: pre-exec steps out of order/);
    expect(check([caps, nnp, seccomp, landlock])).toMatch(/^invalid: pre-exec steps out of order/);
    expect(check([caps, caps, nnp, landlock, landlock, seccomp, seccomp])).toBe('ok\n');
  });

  it('--check refuses a seccomp pid slot that is not a jeq #k instruction', () => {
    const jeq = new Uint8Array(new BigUint64Array([0x00000000_00000020n, 0x7fffffff_00000015n, 0x7fff0000_00000006n]).buffer);
    const check = (pidSlots: number[]) => spawnSync(launcherPath, ['--check'], { input: encodePlan(buildPlan('true', [], { preExec: [{ type: 'seccomp', filter: jeq, pidSlots }] })), encoding: 'utf8' }).stdout;
    expect(check([1])).toBe('ok\n');
    expect(check([0])).toMatch(/^invalid: seccomp pid slot is not a jeq #k/);
    expect(check([2])).toMatch(/^invalid: seccomp pid slot is not a jeq #k/);
  });

  it('refuses bad usage', () => {
    expect(spawnSync(launcherPath, [], { encoding: 'utf8' }).status).toBe(2);
    expect(spawnSync(launcherPath, ['x'], { encoding: 'utf8' }).status).toBe(2);
    expect(spawnSync(launcherPath, ['3', '4'], { encoding: 'utf8' }).status).toBe(2);
  });

  it('a malformed plan on the plan fd becomes a structured plan error, exit 127', async () => {
    const plan = buildPlan('true', []);
    const bytes = encodePlan(plan);
    const truncated = bytes.slice(0, 20);
    new DataView(truncated.buffer).setUint32(4, truncated.length, true);
    const result = await launchRaw(truncated);
    expect(result.code).toBe(127);
    expect(result.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'plan', errnoName: 'EINVAL', detail: expect.stringMatching(/^truncated record at byte \d+$/) } });
    expect((await launchRaw(new Uint8Array(0))).error?.details).toMatchObject({ step: 'plan', detail: 'truncated record at byte 0' });
  });

  it('a plan whose fd differs from the command line is refused', async () => {
    const plan = buildPlan('true', []);
    plan.planFd = 9;
    expect((await launchRaw(encodePlan(plan))).error?.details).toMatchObject({ step: 'plan', detail: 'plan fd differs from the plan' });
  });

  it('a valid plan runs the program', async () => {
    expect(await launchRaw(encodePlan(buildPlan('true', [])))).toEqual({ code: 0, error: undefined });
  });
});
