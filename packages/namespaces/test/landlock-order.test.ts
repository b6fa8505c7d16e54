import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { abi, compile, type LandlockSpec } from '@exile/landlock';
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

/** The ruleset bytes with the add-rule flags of the path rule on `path` set to `addFlags` (see
 *  @exile/landlock's wire.ts: the launcher passes them to landlock_add_rule as they are). */
function withAddFlags(ruleset: Uint8Array, path: string, addFlags: number): Uint8Array {
  const b = Buffer.from(ruleset);
  let at = 8;
  const bytes = (): Buffer => {
    const length = b.readUInt32LE(at);
    const value = b.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    return value;
  };
  bytes(); // attr
  const count = b.readUInt32LE(at);
  at += 4;
  for (let i = 0; i < count; i++) {
    const flagsAt = at + 8;
    const isPath = (b.readUInt32LE(at + 4) & 1) !== 0;
    at += 12;
    if (!isPath) {
      bytes();
      continue;
    }
    at += 20; // dev, ino, fd offset
    const rulePath = bytes().toString('utf8');
    bytes();
    bytes();
    if (rulePath === path) {
      b.writeUInt32LE(addFlags, flagsAt);
      return new Uint8Array(b);
    }
  }
  throw new Error(`no path rule on ${path}`);
}

/** The add-rule flags of the path rule on `path` (0 when it has none). */
function addFlagsOf(ruleset: Uint8Array, path: string): number {
  for (const flags of [0, 1]) {
    if (Buffer.from(withAddFlags(ruleset, path, flags)).equals(Buffer.from(ruleset))) return flags;
  }
  return -1;
}

const KERNEL_ABI = abi().abi;
const ADD_RULE_QUIET = 1;

describe.each(USERS)('Landlock add-rule flags through the launcher (quiet rules, ABI 10), as %s', (user) => {
  /** Read-only on `allowed` with `quiet` a quiet path, compiled for this kernel. */
  const quietSpec = (allowed: string, quiet: string): LandlockSpec => ({ fs: { read: [...SYSTEM, allowed], exec: PROGRAMS }, quiet: { paths: [quiet] } });

  it.runIf(KERNEL_ABI >= 10)('a quiet rule is added with ADD_RULE_QUIET; it changes no access: the quiet path is still denied', () => {
    const { allowed, readable, other } = dirs();
    const { ruleset } = compile(quietSpec(allowed, dirname(other)));
    expect([addFlagsOf(ruleset, dirname(other)), addFlagsOf(ruleset, allowed)]).toEqual([ADD_RULE_QUIET, 0]);
    const step = `{ type: 'landlock', ruleset: new Uint8Array(${JSON.stringify([...ruleset])}) }`;
    const p = probe(runSandboxed(process.execPath, ['-e', PROBE, readable, other], `{ preExec: [{ type: 'no-new-privs' }, ${step}] }`, user));
    expect(p).toMatchObject({ read: 'ok', write: 'EACCES', other: 'EACCES', nnp: '1' });
  });

  it.runIf(KERNEL_ABI < 10)(`below ABI 10 (here ${KERNEL_ABI}) the kernel refuses the flag the launcher passes: EINVAL, named; without it the same ruleset runs`, () => {
    const { allowed, readable, other } = dirs();
    const { ruleset } = compile({ fs: { read: [...SYSTEM, allowed], exec: PROGRAMS } });
    const flagged = withAddFlags(ruleset, allowed, ADD_RULE_QUIET);
    const step = (bytes: Uint8Array): string => `{ type: 'landlock', ruleset: new Uint8Array(${JSON.stringify([...bytes])}) }`;
    const refused = runSandboxed(process.execPath, ['-e', PROBE, readable, other], `{ preExec: [{ type: 'no-new-privs' }, ${step(flagged)}] }`, user);
    expect(refused.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'landlock', errnoName: 'EINVAL', path: allowed } });
    expect([refused.code, refused.stdout]).toEqual([127, '']);
    const p = probe(runSandboxed(process.execPath, ['-e', PROBE, readable, other], `{ preExec: [{ type: 'no-new-privs' }, ${step(ruleset)}] }`, user));
    expect(p).toMatchObject({ read: 'ok', write: 'EACCES', other: 'EACCES', nnp: '1' });
    // Compiled for this kernel, a quiet path is left out in best-effort and refused in hard mode: never sent to fail.
    expect(addFlagsOf(compile({ ...quietSpec(allowed, dirname(other)), compat: 'best-effort' }).ruleset, allowed)).toBe(0);
    expect(() => compile(quietSpec(allowed, dirname(other)))).toThrow(/quiet/);
  });
});
