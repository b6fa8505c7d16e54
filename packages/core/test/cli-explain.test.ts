import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../src/index.js';

const cli = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('exile explain', () => {
  it('prints the ordered steps and every item for exile run', () => {
    const r = run('explain', '--ro', '/usr', '--rw', '/tmp', '--no-net', '--vows', 'stdio rpath');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/steps, in order:\n {2}1\. namespaces +user net\n {2}2\. caps +drop all\n {2}3\. no-new-privs.*\n {2}4\. landlock +fs rules \+ scopes signal abstract-unix-socket \(hard\), by exile-launch right before exec\n {2}5\. seccomp +\d+ rule\(s\) \+ vows "stdio rpath"/);
    expect(r.stdout).toMatch(/yes {2}network: none +network namespace/);
    expect(r.stdout).toMatch(/yes {2}file system +landlock ABI \d+ — read \/usr; write \/tmp; everything else denied, applied before exec/);
    expect(r.stdout).toMatch(/yes {2}file system: harmless devices +landlock ABI \d+ — read and write \/dev\/null, \/dev\/zero, \/dev\/full; read \/dev\/random, \/dev\/urandom; the terminal it inherits/);
    expect(r.stdout).toMatch(/yes {2}network: new sockets other than AF_UNIX \(vsock.* +seccomp/);
    expect(r.stdout).toMatch(/yes {2}terminal input injection \(ioctl TIOCSTI, TIOCLINUX\) +seccomp/);
    expect(r.stdout).toMatch(/yes {2}capabilities: drop all +capset.*the default for a started program/);
    expect(r.stdout).toMatch(/yes {2}session: a new one, no controlling terminal +setsid\(\) before exec/);
    expect(run('explain', '--share-session').stdout).toMatch(/NO {3}session: the caller's \(job control\) +newSession: false/);
    // Without Landlock the same policy falls back to a mount-namespace view.
    const old = spawnSync(process.execPath, [cli, 'explain', '--ro', '/usr', '--rw', '/tmp'], { encoding: 'utf8', env: { ...process.env, EXILE_LANDLOCK_ABI_MAX: '0' } });
    expect(old.stdout).toMatch(/ {2}\d\. mounts +bind read-only: \/usr; read-write: \/tmp; a minimal \/dev\n/);
    expect(old.stdout).toMatch(/yes {2}file system +mount namespace \+ bind mounts \+ pivot_root — read \/usr; write \/tmp; everything else denied/);
    expect(old.stdout).toMatch(/yes {2}file system: harmless devices +mount namespace: a minimal \/dev/);
  });

  it("shows @exile/landlock's per-right items, each once: truncate below ABI 3, newer rights on this kernel", () => {
    const env = { ...process.env, EXILE_LANDLOCK_ABI_MAX: '2' };
    const capped = spawnSync(process.execPath, [cli, 'explain', '--in-process', '--best-effort', '--rw', '/tmp'], { encoding: 'utf8', env });
    expect(capped.status).toBe(0);
    expect(capped.stdout.match(/truncate/g)).toHaveLength(1);
    expect(capped.stdout).toMatch(/NO +landlock right fs:truncate +landlock ABI 2 — requested; needs Landlock ABI 3, this kernel has 2/);
    const strict = spawnSync(process.execPath, [cli, 'explain', '--in-process', '--rw', '/tmp'], { encoding: 'utf8', env });
    expect(strict.stdout).toMatch(/strict mode would refuse: this kernel cannot enforce: landlock right fs:truncate/);
    expect(run('explain', '--in-process', '--rw', '/tmp').stdout).toMatch(/NO +landlock right fs:resolve-unix +landlock ABI \d+ — not named by the spec; needs Landlock ABI 9/);
  });

  it('--json --in-process gives the plan for enable()', () => {
    const r = run('explain', '--json', '--in-process', '--no-net');
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout) as Plan;
    expect(plan.target).toBe('process');
    expect(plan.steps.map((s) => s.step)).toEqual(['no-new-privs', 'landlock', 'seccomp']);
  });

  it('--launch gives the plan for launch(): namespaces, caps, NNP, Landlock before exec; seccomp in the child', () => {
    const r = run('explain', '--launch', '--no-net', '--ro', '/usr', '--vows', 'stdio', '--unshare', 'pid');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^for +launch\(\)$/m);
    expect(r.stdout).toMatch(/landlock +fs rules \+ scopes signal abstract-unix-socket \(hard\), by exile-launch right before exec/);
    expect(r.stdout).toMatch(/seccomp +\d+ rule\(s\) \+ vows "stdio" \(penalty kill\), by the child once its target is loaded/);
    expect(r.stdout).toMatch(/yes {2}network: none +network namespace/);
    const json = JSON.parse(run('explain', '--launch', '--json', '--vows', 'stdio').stdout) as Plan;
    expect(json.target).toBe('launch');
    expect(run('explain', '--launch', '--in-process').status).toBe(2);
  });

  it('reads --policy files; a bad one exits 125 naming the JSON path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exile-explain-'));
    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ fs: { read: ['/usr'] }, capabilities: 'drop-all' }));
    const ok = run('explain', '--policy', join(dir, 'ok.json'));
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/caps +drop all/);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ net: { connect: ['https'] } }));
    const bad = run('explain', '--policy', join(dir, 'bad.json'));
    expect(bad.status).toBe(125);
    expect(bad.stderr).toBe('exile: invalid policy: $.net.connect[0]: must be integer, got string [ERR_EXILE_INVALID_POLICY]\n');
    const vow = run('explain', '--vows', 'stdio teleport');
    expect(vow.status).toBe(125);
    expect(vow.stderr).toContain('unknown vow "teleport" [ERR_EXILE_UNKNOWN_VOW]');
  });

  it('--bpf disassembles the one filter, in-process and before a child execs', () => {
    const inProcess = run('explain', '--in-process', '--no-net', '--vows', 'stdio', '--bpf');
    expect(inProcess.status).toBe(0);
    expect(inProcess.stdout.match(/^seccomp: .*$/gm)).toEqual([expect.stringMatching(/^seccomp: network and policy rules, then vows "stdio" \(Node runtime baseline\), \d+ instructions$/)]);
    expect(inProcess.stdout).toMatch(/ret errno\(97\)/);
    expect(run('explain', '--in-process', '--no-net', '--bpf').stdout).toMatch(/seccomp: network and policy rules \(default allow\), \d+ instructions\n0000: ld +\[4\]/);
    const child = run('explain', '--vows', 'stdio', '--bpf');
    expect(child.stdout.match(/^seccomp: .*$/gm)).toEqual([expect.stringMatching(/^seccomp: filter installed before exec, \d+ instructions$/)]);
    expect(run('explain', '--in-process', '--bpf').stdout).toContain('no seccomp filter');
  });

  it('in-process namespaces exit 125 pointing at spawn/launch', () => {
    const r = run('explain', '--in-process', '--unshare', 'net');
    expect(r.status).toBe(125);
    expect(r.stderr).toContain('use spawn() or launch()');
  });

  it.each([[['--bogus']], [['--connect', 'x']], [['stray']]])('usage error %j exits 2 with the explain help', (args) => {
    const r = run('explain', ...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('usage: exile explain');
  });

  it('has help: --help, help explain, and the top-level list', () => {
    expect(run('explain', '--help').stdout).toContain('--in-process');
    expect(run('explain', '--help').stdout).toContain('--launch');
    expect(run('help', 'explain').stdout).toContain('usage: exile explain');
    expect(run('help', 'probe').stdout).toContain('usage: exile probe');
    expect(run('help').stdout).toContain('explain [options]');
    expect(run('help', 'nope').status).toBe(2);
  });
});
