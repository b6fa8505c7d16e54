// #17 escape 1: terminal injection. A sandboxed program pushes "INJECTED\n" into the caller's
// terminal with TIOCSTI; the caller's shell would run it after the program exits. Each case runs
// on a real pseudo-terminal that is the caller's controlling terminal (tty-harness.py).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nobodyPath } from '@exile/test-utils';
import { attacks, CLI, lastObject, runAs, type User } from './run.js';

interface Attack { tiocsti: string; wide: string; jobControl: string; ownSession: boolean }
interface Harness { status: number; queued: string; output: string }

const files = attacks('tty-harness.py', 'tiocsti.py');
const onTerminal = (user: User, ...argv: string[]) => {
  const r = runAs(user, ['/usr/bin/python3', files['tty-harness.py']!, ...argv]);
  expect(r.stderr).toBe('');
  const harness = lastObject<Harness>(r.stdout);
  return { ...harness, attack: lastObject<Attack>(harness.output.split('\n').filter((l) => l.includes('tiocsti')).join('\n')) };
};
const attack = (fd = 0) => ['/usr/bin/python3', files['tiocsti.py']!, String(fd)];

describe.each<User>(['current', 'nobody'])('TIOCSTI as %s', (user) => {
  it('without exile the attack works here (legacy_tiocsti=1): the bytes wait in the terminal', () => {
    const r = onTerminal(user, ...attack());
    expect(r.attack).toMatchObject({ tiocsti: 'ok', wide: 'ok', jobControl: 'ok' });
    expect(r.queued).toBe('INJECTED\nW');
  });

  it('exile run: a new session (no controlling terminal) and seccomp refuse both requests; nothing is queued', () => {
    const r = onTerminal(user, process.execPath, CLI, 'run', '--', ...attack());
    expect(r.attack).toEqual({ tiocsti: 'EPERM', wide: 'EPERM', jobControl: 'ENOTTY', ownSession: true });
    expect(r.queued).toBe('');
    expect(r.status).toBe(0);
  });

  it('exile run --share-session: job control works (the terminal is the program\'s), seccomp still refuses TIOCSTI on 32 bits', () => {
    const r = onTerminal(user, process.execPath, CLI, 'run', '--share-session', '--', ...attack());
    expect(r.attack).toEqual({ tiocsti: 'EPERM', wide: 'EPERM', jobControl: 'ok', ownSession: false });
    expect(r.queued).toBe('');
  });

  it('launch(): a launched function that starts the attack on its stdout (the caller\'s terminal) injects nothing', () => {
    // nobody runs from the world-readable stage of the repository, where @exile/core resolves too.
    const dir = user === 'nobody' ? nobodyPath(join(import.meta.dirname, '..', '..', '.test-tmp')) : join(import.meta.dirname, '..', '..', '.test-tmp');
    mkdirSync(dir, { recursive: true });
    const script = join(dir, `launch-tiocsti-${user}.mjs`);
    writeFileSync(script, `
      import { launch } from '@exile/core';
      const status = await launch({}, async (argv) => {
        const { spawnSync } = await import('node:child_process');
        return spawnSync(argv[0], argv.slice(1), { stdio: 'inherit' }).status;
      }, ${JSON.stringify(attack(1))});
      console.log(JSON.stringify({ launched: status }));`, { mode: 0o644 });
    const r = onTerminal(user, process.execPath, script);
    expect(r.output).toContain('{"launched":0}');
    expect(r.attack).toMatchObject({ tiocsti: 'EPERM', wide: 'EPERM', jobControl: 'ENOTTY' });
    expect(r.queued).toBe('');
  });
});
