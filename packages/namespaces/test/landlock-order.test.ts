import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NOBODY, sharedTempDir } from '@exile/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { capsStep } from './caps-step.js';
import { landlockStep } from './landlock-step.js';
import { runSandboxed, USERS } from './run-sandboxed.js';

/** What Node itself reads (and executes) to start. */
const SYSTEM = ['/usr', '/etc', '/proc', '/sys', '/dev'];
const PROGRAMS = ['/usr', dirname(process.execPath)];

/** Reads and writes the given files, lists its own fds and capabilities; prints JSON. */
const PROBE = String.raw`
const fs = require('fs');
const [readable, other, locked] = process.argv.slice(1);
const t = (f) => { try { f(); return 'ok'; } catch (e) { return e.code; } };
const fds = fs.readdirSync('/proc/self/fd').map((fd) => { try { return fs.readlinkSync('/proc/self/fd/' + fd); } catch { return ''; } });
const status = fs.readFileSync('/proc/self/status', 'utf8');
console.log(JSON.stringify({
  read: t(() => fs.readFileSync(readable)), write: t(() => fs.appendFileSync(readable, 'x')), other: t(() => fs.readFileSync(other)),
  locked: locked === undefined ? null : t(() => fs.statSync(locked)),
  capEff: /^CapEff:\s+(\w+)/m.exec(status)[1], nnp: /^NoNewPrivs:\s+(\d+)/m.exec(status)[1], fds,
}));
`;

interface Probe {
  read: string;
  write: string;
  other: string;
  locked: string | null;
  capEff: string;
  nnp: string;
  fds: string[];
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function file(dir: string): string {
  const f = join(dir, 'f');
  writeFileSync(f, 'data');
  chmodSync(f, 0o666);
  return f;
}

function dirs(): { allowed: string; readable: string; other: string } {
  const allowed = sharedTempDir('exile-ns-ll-allowed-');
  const elsewhere = sharedTempDir('exile-ns-ll-other-');
  made.push(allowed, elsewhere);
  return { allowed, readable: file(allowed), other: file(elsewhere) };
}

/** Landlock read-only on `paths` (and what Node needs to start): read only there, write nowhere. */
function readOnly(paths: string[]): string {
  return landlockStep({ fs: { read: [...SYSTEM, ...paths], exec: PROGRAMS } });
}

function probe(r: { stdout: string; error?: unknown }): Probe {
  expect(r.error).toBeUndefined();
  return JSON.parse(r.stdout) as Probe;
}

describe.each(USERS)('Landlock after no_new_privs, without a user namespace, as %s', (user) => {
  it('[landlock, no-new-privs] (either array order) restricts the program; no ruleset fd reaches it', () => {
    const { allowed, readable, other } = dirs();
    for (const steps of [[readOnly([allowed]), `{ type: 'no-new-privs' }`], [`{ type: 'no-new-privs' }`, readOnly([allowed])]]) {
      const p = probe(runSandboxed(process.execPath, ['-e', PROBE, readable, other], `{ preExec: [${steps.join(', ')}] }`, user));
      expect(p).toMatchObject({ read: 'ok', write: 'EACCES', other: 'EACCES', nnp: '1' });
      // anon inodes are listed (Node's epoll is one), the Landlock ruleset is not among them
      expect(p.fds).toContain('anon_inode:[eventpoll]');
      expect(p.fds.filter((fd) => fd.includes('landlock'))).toEqual([]);
    }
  });

  it('two Landlock steps get a ruleset each, both enforced', () => {
    const { allowed, readable, other } = dirs();
    const noWrites = landlockStep({ fs: { read: ['/'], exec: ['/'] } });
    const reads = landlockStep({ fs: { read: [...SYSTEM, allowed], exec: PROGRAMS, write: ['/'] } });
    const p = probe(runSandboxed(process.execPath, ['-e', PROBE, readable, other], `{ preExec: [${noWrites}, { type: 'no-new-privs' }, ${reads}] }`, user));
    expect(p).toMatchObject({ read: 'ok', write: 'EACCES', other: 'EACCES' });
    expect(p.fds.filter((fd) => fd.includes('landlock'))).toEqual([]);
  });

  it('with no-new-privs alone the same probe reads and writes everywhere (the probe can fail)', () => {
    const { readable, other } = dirs();
    const p = probe(runSandboxed(process.execPath, ['-e', PROBE, readable, other], `{ preExec: [{ type: 'no-new-privs' }] }`, user));
    expect(p).toMatchObject({ read: 'ok', write: 'ok', other: 'ok', nnp: '1' });
  });

  it(user === 'nobody' ? 'without no-new-privs: landlock fails with EPERM, named' : 'without no-new-privs: root has CAP_SYS_ADMIN, so it works', () => {
    const { allowed, readable, other } = dirs();
    const r = runSandboxed(process.execPath, ['-e', PROBE, readable, other], `{ preExec: [${readOnly([allowed])}] }`, user);
    if (user === 'nobody') {
      expect(r.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'landlock', errnoName: 'EPERM', detail: 'landlock-restrict' } });
      expect(r.events).toEqual(['error', 'exit', 'close']);
      expect(r.code).toBe(127);
    } else {
      expect(probe(r)).toMatchObject({ read: 'ok', write: 'EACCES', other: 'EACCES', nnp: '0' });
    }
  });
});

describe('Landlock rulesets are built before the caps step', () => {
  it.skipIf((process.geteuid?.() ?? 0) !== 0)('root: drop every cap + NNP + a rule path only full privileges can reach', () => {
    const { allowed, readable, other } = dirs();
    const outer = sharedTempDir('exile-ns-ll-locked-');
    made.push(outer);
    // root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH cannot search a 0700 directory of another uid
    const locked = join(outer, 'locked');
    const inner = join(locked, 'inner');
    mkdirSync(inner, { recursive: true });
    chownSync(locked, NOBODY, NOBODY);
    chmodSync(locked, 0o700);
    const options = `{ preExec: [${readOnly([allowed, inner])}, { type: 'no-new-privs' }, ${capsStep([], false)}] }`;
    const p = probe(runSandboxed(process.execPath, ['-e', PROBE, readable, other, inner], options, 'current'));
    // The launcher opened `inner` for its rule; the program, without capabilities, cannot even stat it.
    expect(p).toMatchObject({ read: 'ok', write: 'EACCES', other: 'EACCES', locked: 'EACCES', capEff: '0000000000000000', nnp: '1' });
    expect(p.fds.filter((fd) => fd.includes('landlock'))).toEqual([]);
  });
});
