// #17 gaps: signals and abstract Unix sockets reach outside. A started program gets Landlock's
// signal and abstract-unix-socket scopes (ABI 6; this kernel has 7); enable({ net: false }) the
// abstract one. Each attack works unsandboxed here, is refused sandboxed, and what must keep
// working (signals to itself and its own children, its own abstract sockets) does.

import { describe, expect, it } from 'vitest';
import { lastJson, runScript } from '@exile/test-utils';
import { attacks, CLI, lastObject, runAs, type User } from './run.js';

const PY = '/usr/bin/python3';
const script = attacks('attack.py')['attack.py']!;
type Result = Record<string, string>;
const exile = (user: User, flags: string[], attack: string[]) => {
  const r = runAs(user, [process.execPath, CLI, 'run', ...flags, '--', PY, script, ...attack]);
  return lastObject<Result>(r.stdout + r.stderr);
};

/** Runs `attack` against a Node caller that listens on an abstract socket, via `how` (a spawn policy, or none). */
const againstCaller = (user: User, how: 'bare' | 'spawn', attack: string[]) => {
  const r = runScript(`
    import net from 'node:net';
    import { spawn as nodeSpawn } from 'node:child_process';
    import { spawn } from '@exile/core';
    const name = 'exile-scope-' + process.pid;
    const server = net.createServer((s) => s.end());
    await new Promise((res) => server.listen('\\0' + name, res));
    const argv = [${JSON.stringify(script)}, ...${JSON.stringify(attack)}.map((a) => a.replace('CALLER', String(process.pid)).replace('NAME', name))];
    const child = ${how === 'spawn' ? "spawn({}, '/usr/bin/python3', argv, { stdio: ['ignore', 'pipe', 'inherit'] })" : "nodeSpawn('/usr/bin/python3', argv, { stdio: ['ignore', 'pipe', 'inherit'] })"};
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise((res) => child.on('close', res));
    server.close();
    console.log(out.trim());`, { from: import.meta.url, user });
  return lastJson<Result>(r.stdout);
};

describe.each<User>(['current', 'nobody'])('scopes as %s', (user) => {
  it('signal scope: a started program cannot signal its caller; it still signals itself and its own children', () => {
    expect(againstCaller(user, 'bare', ['kill', 'CALLER'])).toEqual({ kill: 'ok' });
    expect(againstCaller(user, 'spawn', ['kill', 'CALLER'])).toEqual({ kill: 'EPERM' });
    expect(exile(user, [], ['kill-own'])).toEqual({ 'kill-own': 'ok' });
  });

  it('signal scope (a Landlock domain): pidfd_getfd() on the caller is refused even without any namespace', () => {
    expect(againstCaller(user, 'bare', ['pidfd-getfd', 'CALLER', '0'])).toEqual({ 'pidfd-getfd': 'ok' });
    expect(againstCaller(user, 'spawn', ['pidfd-getfd', 'CALLER', '0'])).toEqual({ 'pidfd-getfd': 'EPERM' });
  });

  it('abstract-unix-socket scope: the caller\'s abstract socket is out of reach; the program\'s own work', () => {
    expect(againstCaller(user, 'bare', ['connect-abstract', 'NAME'])).toEqual({ 'connect-abstract': 'ok' });
    expect(againstCaller(user, 'spawn', ['connect-abstract', 'NAME'])).toEqual({ 'connect-abstract': 'EPERM' });
    expect(exile(user, [], ['listen-abstract', `exile-own-${process.pid}`])).toEqual({ 'listen-abstract': 'ok' });
  });

  it('enable({ net: false }): abstract sockets outside are refused, its own work', () => {
    const r = runScript(`
      import net from 'node:net';
      import { spawn } from 'node:child_process';
      import { enable } from '@exile/core';
      const name = 'exile-enable-' + process.pid;
      const listener = "const s = require('node:net').createServer(); s.listen('\\\\0' + process.argv[1], () => console.log('ready'));";
      const outside = spawn(process.execPath, ['-e', listener, name], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((res) => outside.stdout.once('data', res));
      const connect = (path) => new Promise((res) => { const c = net.connect(path); c.on('connect', () => { c.destroy(); res('ok'); }); c.on('error', (e) => res(e.code)); });
      const out = { before: await connect('\\0' + name) };
      const report = enable({ net: false });
      out.item = report.items.find((i) => i.what.startsWith('scope: abstract'))?.enforced;
      out.after = await connect('\\0' + name);
      const own = net.createServer((s) => s.end());
      await new Promise((res) => own.listen('\\0' + name + '-own', res));
      out.own = await connect('\\0' + name + '-own');
      own.close();
      outside.kill();
      console.log(JSON.stringify(out));`, { from: import.meta.url, user });
    expect(lastJson(r.stdout)).toEqual({ before: 'ok', item: true, after: 'EPERM', own: 'ok' });
  });

  it('the report and explain list every scope, each capability kept and the session choice', () => {
    const r = runAs(user, [process.execPath, CLI, 'run', '--report', '--', '/bin/true']);
    expect(r.stderr).toContain('exile: enforced: scope: signals and ptrace (pidfd_getfd, /proc/PID/ns) only within the sandbox [landlock ABI');
    expect(r.stderr).toContain('exile: enforced: scope: abstract Unix sockets only within the sandbox [landlock ABI');
    expect(r.stderr).toContain('exile: enforced: session: a new one, no controlling terminal [setsid() before exec]');
    const kept = runAs(user, [process.execPath, CLI, 'run', '--report', '--cap-keep', 'net_raw', '--cap-keep', 'mknod', '--share-session', '--', '/bin/true']);
    expect(kept.stderr).toContain('exile: enforced: capabilities: keep only CAP_NET_RAW, CAP_MKNOD [capset, bounding and ambient sets]');
    expect(kept.stderr).toContain('exile: NOT enforced: session: the caller\'s (job control) [newSession: false]');
    const explain = runAs(user, [process.execPath, CLI, 'explain', '--cap-keep', 'net_raw', '--share-session']).stdout;
    expect(explain).toMatch(/landlock +scopes signal abstract-unix-socket \(hard\)/);
    expect(explain).toMatch(/yes +scope: signals and ptrace .* landlock ABI \d+/);
    expect(explain).toMatch(/yes +scope: abstract Unix sockets only within the sandbox +landlock ABI \d+/);
    expect(explain).toMatch(/yes +capabilities: keep only CAP_NET_RAW +capset/);
    expect(explain).toMatch(/NO +session: the caller's \(job control\) +newSession: false/);
  });
});
