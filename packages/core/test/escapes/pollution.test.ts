// #17 escape 4: prototype pollution widens the policy. Each case pollutes Object.prototype (and
// Array.prototype) in a fresh child the way a compromised dependency would, then restricts itself
// through each package and proves the restriction as written holds; JSON keys __proto__,
// constructor and hasOwnProperty are refused like any unknown key.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastJson, runScript, sharedTempDir } from '@exile/test-utils';
import { CLI, runAs, type User } from './run.js';

const child = (body: string, user: User) => {
  const r = runScript(`
    import fs from 'node:fs';
    const attempt = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code ?? String(e); } };
    const out = {};
    ${body}
    console.log(JSON.stringify(out));`, { from: import.meta.url, user });
  expect(r.stderr).toBe('');
  return lastJson<Record<string, unknown>>(r.stdout);
};

describe.each<User>(['current', 'nobody'])('a polluted prototype widens nothing, as %s', (user) => {
  it('enable(): Object.prototype.write = ["/"] grants no write; the report does not mention it', () => {
    const dir = sharedTempDir('exile-pollution-');
    const out = child(`
      import('node:fs');
      const { enable } = await import('@exile/core');
      Object.prototype.write = ['/'];
      Object.prototype.mode = 'best-effort';
      Array.prototype[3] = '/';
      const report = enable({ fs: { read: ['/usr', ${JSON.stringify(dir)}] } });
      out.mode = report.mode;
      out.detail = report.items.find((i) => i.what === 'file system').detail;
      out.write = attempt(() => fs.writeFileSync(${JSON.stringify(join(dir, 'x'))}, 'x'));
      out.read = attempt(() => fs.readdirSync(${JSON.stringify(dir)}));`, user);
    expect(out).toMatchObject({ mode: 'strict', write: 'EACCES', read: 'ok' });
    expect(out.detail).not.toContain('write');
  });

  it('@exile/seccomp: an inherited "args" cannot make a deny rule conditional', () => {
    const out = child(`
      const { install } = await import('@exile/seccomp');
      Object.prototype.args = [{ index: 0, op: 'eq', value: 12345 }];
      install({ defaultAction: 'allow', rules: [{ syscall: 'getppid', action: { errno: 'EPERM' } }] });
      delete Object.prototype.args;
      out.ppid = process.ppid;
      out.pid = process.pid > 0;`, user);
    // Node reads getppid() live and passes the -1 of the refused call through.
    expect(out).toEqual({ ppid: -1, pid: true });
  });

  it('@exile/landlock and @exile/caps: inherited rules and "keep" are ignored', () => {
    const dir = sharedTempDir('exile-pollution-');
    const out = child(`
      const { restrict } = await import('@exile/landlock');
      const { drop } = await import('@exile/caps');
      Object.prototype.write = ['/'];
      Object.prototype.keep = ['CAP_SYS_ADMIN', 'CAP_DAC_OVERRIDE'];
      restrict({ fs: { read: ['/usr', '/proc', ${JSON.stringify(dir)}] } });
      drop();
      out.write = attempt(() => fs.writeFileSync(${JSON.stringify(join(dir, 'y'))}, 'y'));
      out.capEff = /CapEff:\\s+(\\w+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1];`, user);
    expect(out).toEqual({ write: 'EACCES', capEff: '0000000000000000' });
  });

  it('@exile/namespaces and @exile/vows: a polluted prototype changes neither the launch plan nor the filter', () => {
    const out = child(`
      const { buildPlan } = await import('@exile/namespaces');
      const { seccompPolicy } = await import('@exile/vows');
      const opts = { namespaces: { net: true }, fs: { mounts: [{ type: 'bind', source: '/usr', readOnly: true }] } };
      const clean = JSON.stringify([buildPlan('/bin/true', [], opts), seccompPolicy(['stdio'])], (k, v) => typeof v === 'bigint' ? String(v) : v);
      Object.assign(Object.prototype, { devices: true, readOnly: false, uid: 0, preExec: [{ type: 'no-new-privs' }], rules: [{ syscall: 'socket', action: 'allow' }], runtime: 'none' });
      const dirty = JSON.stringify([buildPlan('/bin/true', [], opts), seccompPolicy(['stdio'])], (k, v) => typeof v === 'bigint' ? String(v) : v);
      out.same = clean === dirty;`, user);
    expect(out).toEqual({ same: true });
  });
});

describe('JSON policy files: __proto__, constructor, hasOwnProperty are unknown keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exile-pollution-'));
  it.each([
    ['{"fs": {"read": ["/usr"], "__proto__": {"write": ["/"]}}}', '$.fs.__proto__'],
    ['{"__proto__": {"net": true}}', '$.__proto__'],
    ['{"constructor": {}}', '$.constructor'],
    ['{"net": {"hasOwnProperty": [1]}}', '$.net.hasOwnProperty'],
  ])('%s is refused at %s', (text, path) => {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, text);
    const r = runAs('current', [process.execPath, CLI, 'run', '--policy', file, '--', '/bin/true']);
    expect(r.status).toBe(125);
    expect(r.stderr).toContain(`invalid policy: ${path}: is not allowed here`);
  });
});
