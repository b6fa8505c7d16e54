import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sharedTempDir } from '@exile/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPlan, encodePlan, launcherPath } from '../src/index.js';
import { runSandboxed, USERS } from './run-sandboxed.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function dir(): string {
  const d = sharedTempDir('exile-ns-listener-');
  made.push(d);
  return d;
}

/**
 * A listener that answers mkdir with `answer` ('deny' EACCES, 'kill' or 'close' = the supervisor
 * goes away) and records each notification; the filter notifies mkdir/mkdirat, allows the rest.
 */
function prelude(answer: 'deny' | 'kill' | 'close'): string {
  return `
import { compile, openListener } from '@exile/seccomp';
const seen = [];
const filter = compile({ defaultAction: 'allow', rules: [{ syscall: ['mkdir', 'mkdirat'], action: 'notify' }] }).instructions;
const listener = openListener((n) => {
  seen.push({ syscall: n.syscall, path: listener.readString(n, n.args[n.syscall === 'mkdir' ? 0 : 1]), pid: n.pid });
  ${answer === 'deny' ? 'listener.deny(n.id, 13);' : answer === 'kill' ? 'listener.kill(n);' : 'listener.close();'}
});`;
}

const AFTER = 'listener.releaseSocket(); child.on(\'close\', () => { out.seen = seen; });';
const OPTIONS = `{ preExec: [{ type: 'no-new-privs' }, { type: 'seccomp', filter, listener: listener.socket }] }`;

describe.each(USERS)('a seccomp listener passed to the parent (%s)', (user) => {
  it('denies what the filter notifies, with the errno the parent chose; the rest works; the program never holds the listener', () => {
    const d = dir();
    const script = `ls /proc/self/fd; readlink /proc/self/fd/* ; mkdir ${d}/denied; echo rc=$?; touch ${d}/allowed && echo touched`;
    const out = runSandboxed('sh', ['-c', script], OPTIONS, user, prelude('deny'), AFTER) as ReturnType<typeof runSandboxed> & { seen: { syscall: string; path: string }[] };
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/Permission denied/);
    expect(out.stdout).toMatch(/rc=1\ntouched/);
    expect(existsSync(join(d, 'denied'))).toBe(false);
    expect(existsSync(join(d, 'allowed'))).toBe(true);
    expect(out.seen).toEqual([{ syscall: 'mkdir', path: `${d}/denied`, pid: expect.any(Number) }]);
    // ls sees stdin/stdout/stderr and its own directory fd, nothing else: no listener, no socket to the parent.
    expect(out.stdout.split('\n').slice(0, 4)).toEqual(['0', '1', '2', '3']);
    expect(out.stdout).not.toMatch(/seccomp/);
  });

  it('kill: the notifying process dies by SIGSYS, as with kill-process, before the call runs', () => {
    const d = dir();
    const out = runSandboxed('mkdir', [`${d}/denied`], OPTIONS, user, prelude('kill'), AFTER);
    expect(out.signal).toBe('SIGSYS');
    expect(existsSync(join(d, 'denied'))).toBe(false);
  });

  it('kill: a process that ignores SIGSYS dies by SIGKILL', () => {
    const d = dir();
    const out = runSandboxed('sh', ['-c', `trap '' SYS; exec mkdir ${d}/denied`], OPTIONS, user, prelude('kill'), AFTER);
    expect(out.signal).toBe('SIGKILL');
    expect(existsSync(join(d, 'denied'))).toBe(false);
  });

  it('a supervisor that goes away makes the waiting call and every later one fail (ENOSYS): nothing is allowed by default', () => {
    const d = dir();
    const out = runSandboxed('sh', ['-c', `mkdir ${d}/a; echo a=$?; mkdir ${d}/b; echo b=$?; touch ${d}/c && echo touched`], OPTIONS, user, prelude('close'), AFTER);
    expect(out.stdout).toMatch(/a=1\nb=1\ntouched/);
    expect(out.stderr).toMatch(/Function not implemented/);
    expect(existsSync(join(d, 'a'))).toBe(false);
    expect(existsSync(join(d, 'b'))).toBe(false);
    expect(existsSync(join(d, 'c'))).toBe(true);
  });
});

describe.each(USERS)('the listener hand-over (%s)', (user) => {
  // The launcher's sendmsg is allowed on listenerFd() with exactly LISTENER_HANDOVER_FLAGS and refused
  // otherwise: the launch works only if that export says what native/preexec.c does.
  const launch = (flags: string) => runSandboxed('true', [], OPTIONS, user, `
import { listenerFd, LISTENER_HANDOVER_FLAGS } from '@exile/namespaces';
import { compile, openListener } from '@exile/seccomp';
const handover = { syscall: 'sendmsg', action: 'allow', args: [{ index: 0, op: 'eq', value: listenerFd(), width: 32 }, { index: 2, op: 'eq', value: ${flags}, width: 32 }] };
const filter = compile({ defaultAction: 'allow', rules: [handover, { syscall: 'sendmsg', action: { errno: 'EPERM' } }] }).instructions;
const listener = openListener(() => {});`, 'listener.releaseSocket();');
  it('uses LISTENER_HANDOVER_FLAGS on listenerFd(): a filter allowing only that lets the launch through', () => {
    expect(launch('LISTENER_HANDOVER_FLAGS')).toMatchObject({ code: 0, events: ['exit', 'close'] });
  });
  it('and a filter allowing other flags fails the launch, naming the hand-over', () => {
    const out = launch('LISTENER_HANDOVER_FLAGS & ~0x40');
    expect(out.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'seccomp' } });
    expect(out.error?.message).toMatch(/sending the seccomp listener/);
  });
});

describe('listener validation', () => {
  const filter = new Uint8Array(8);
  it('puts NEW_LISTENER in the flags and keeps the socket for the launcher', () => {
    const plan = buildPlan('true', [], { preExec: [{ type: 'seccomp', filter, listener: 7 }] });
    expect(plan.steps).toEqual([{ step: 'seccomp', flags: 8, filter, pidSlots: [], listener: 7 }]);
  });
  it('refuses a second listener, naming it, and a bad fd', () => {
    expect(() => buildPlan('true', [], { preExec: [{ type: 'seccomp', filter, listener: 7 }, { type: 'seccomp', filter, listener: 8 }] }))
      .toThrow(/\$\.preExec\[1\]\.listener: only one seccomp step can have a listener/);
    expect(() => buildPlan('true', [], { preExec: [{ type: 'seccomp', filter, listener: -1 }] })).toThrow(/\$\.preExec\[0\]\.listener/);
  });
  it('exile-launch refuses a plan with two listeners on its own too', () => {
    const plan = buildPlan('true', [], { preExec: [{ type: 'seccomp', filter, listener: 7 }] });
    const check = (steps: typeof plan.steps): string => spawnSync(launcherPath, ['--check'], { input: encodePlan({ ...plan, steps }), encoding: 'utf8' }).stdout;
    expect(check(plan.steps)).toBe('ok\n');
    expect(check([...plan.steps, ...plan.steps])).toMatch(/^invalid: second seccomp listener/);
  });
});
