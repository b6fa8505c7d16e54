import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runOutcome, runSandboxed, USERS } from './run-sandboxed.js';

describe.each(USERS)('process control as %s', (user) => {
  it('clearEnv passes only env', () => {
    expect(runSandboxed('/usr/bin/env', [], `{ clearEnv: true, env: { ONLY: 'me' } }`, user).stdout).toBe('ONLY=me\n');
    expect(runSandboxed('/usr/bin/env', [], `{ clearEnv: true }`, user).stdout).toBe('');
    expect(runSandboxed('/usr/bin/env', [], `{}`, user, "process.env.EXILE_MARK = 'x';").stdout).toMatch(/^EXILE_MARK=x$/m);
  });

  it('newSession puts the program in its own session', () => {
    const sid = 'set -- $(cat /proc/$$/stat); [ "$6" = "$$" ] && echo own || echo inherited';
    expect(runSandboxed('sh', ['-c', sid], `{ newSession: true }`, user).stdout).toBe('own\n');
    expect(runSandboxed('sh', ['-c', sid], `{}`, user).stdout).toBe('inherited\n');
  });

  it('closes inherited fds that are not passed, keeps those that are', () => {
    const fds = 'ls /proc/self/fd | sort -n | tr "\\n" " "';
    expect(runSandboxed('sh', ['-c', fds], `{ namespaces: 'all' }`, user).stdout).toBe('0 1 2 3 ');
    expect(runSandboxed('sh', ['-c', fds], `{ namespaces: 'all', stdio: ['pipe', 'pipe', 'pipe', 'pipe'] }`, user).stdout).toBe('0 1 2 3 4 ');
  });

  it('a passed fd works inside', () => {
    const r = runSandboxed('sh', ['-c', 'echo through-fd-3 >&3'], `{ namespaces: 'all', stdio: ['ignore', 'pipe', 'pipe', 'pipe'] }`, user,
      '', "let fd3 = ''; child.stdio[3].on('data', (d) => { fd3 += d; }); child.on('close', () => { out.stdout += 'fd3:' + fd3; });");
    expect(r.stdout).toBe('fd3:through-fd-3\n');
  });

  it('cwd is inside the sandbox: / of an empty root by default, or the one given', () => {
    const fs = `fs: { root: 'empty', mounts: [{ type: 'bind', source: '/usr' }, { type: 'symlink', target: '/bin', linkTo: 'usr/bin' }, { type: 'symlink', target: '/lib', linkTo: 'usr/lib' }, { type: 'symlink', target: '/lib64', linkTo: 'usr/lib64' }] }`;
    expect(runSandboxed('pwd', [], `{ ${fs} }`, user).stdout).toBe('/\n');
    expect(runSandboxed('pwd', [], `{ ${fs}, cwd: '/usr/lib' }`, user).stdout).toBe('/usr/lib\n');
  });

  it('stdin reaches the program', () => {
    const r = runSandboxed('cat', [], `{ namespaces: 'all' }`, user, '', "child.stdin.end('piped in');");
    expect(r.stdout).toBe('piped in');
  });

  it('killing the launcher with SIGKILL takes the whole pid namespace with it', () => {
    const seconds = 10_000 + (process.pid % 50_000) * 2; // a sleep nobody else runs
    const r = runSandboxed('sh', ['-c', `sleep ${seconds} & sleep ${seconds + 1} & echo ready; wait`], `{ namespaces: 'all' }`, user, '',
      "child.stdout.once('data', () => child.kill('SIGKILL'));");
    expect(r).toMatchObject({ code: null, signal: 'SIGKILL' });
    let left = '';
    for (let i = 0; i < 50; i++) {
      left = spawnSync('pgrep', ['-f', `^sleep (${seconds}|${seconds + 1})$`], { encoding: 'utf8' }).stdout;
      if (left === '') break;
      spawnSync('sleep', ['0.05']);
    }
    expect(left).toBe('');
  });

  it('dieWithParent kills the sandbox when its parent dies; without it the program survives', () => {
    const code = (die: boolean): string => `
import { spawn as nodeSpawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
const running = (pid) => { try { return !/^State:\\s+Z/m.test(readFileSync('/proc/' + pid + '/status', 'utf8')); } catch { return false; } };
const parent = nodeSpawn(process.execPath, ['--input-type=module', '-e', \`
import { spawn } from '@exile/namespaces';
const c = spawn('sleep', ['30'], { namespaces: { user: true }, dieWithParent: ${die}, stdio: 'ignore' });
c.on('spawn', () => console.log(c.pid));\`], { stdio: ['ignore', 'pipe', 'pipe'] });
let err = '';
parent.stderr.on('data', (d) => { err += d; });
parent.on('exit', () => { if (err) console.log(JSON.stringify({ err })); });
parent.stdout.once('data', (d) => {
  const pid = Number(String(d).trim());
  parent.kill('SIGKILL');
  parent.on('exit', () => setTimeout(() => {
    const alive = running(pid);
    try { process.kill(pid, 'SIGKILL'); } catch {}
    console.log(JSON.stringify({ alive }));
  }, 300));
});
`;
    expect(runOutcome(code(true), user)).toEqual({ alive: false });
    expect(runOutcome(code(false), user)).toEqual({ alive: true });
  });
});
