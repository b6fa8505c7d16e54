import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastJson, runScript, sharedTree } from '@exile/test-utils';

describe.each(['current', 'nobody'] as const)('prepare() then apply() as %s', (user) => {
  it('prepare() changes nothing; apply() enforces on every thread, once', () => {
    const dir = sharedTree('exile-prepare-', { 'ro/file.txt': 'ro data', 'rw/': '', 'outside/': '' });
    const p = (...parts: string[]) => JSON.stringify(join(dir, ...parts));
    const r = runScript(`
      import fs from 'node:fs';
      import dgram from 'node:dgram';
      import { prepare } from '@exile/core';
      const status = () => fs.readFileSync('/proc/self/status', 'utf8').split('\\n').filter((l) => /^(NoNewPrivs|Seccomp|CapEff):/.test(l)).join(' ');
      const attempt = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code ?? String(e); } };
      const udp = () => new Promise((res) => { const s = dgram.createSocket('udp4'); s.once('error', (e) => res(e.code)); s.bind(0, '127.0.0.1', () => { s.close(); res('ok'); }); });
      const poolWrite = (f) => fs.promises.writeFile(f, 'x').then(() => 'ok', (e) => e.code);
      const out = {};
      const before = status();
      const prepared = prepare({ fs: { read: [${p('ro')}], write: [${p('rw')}] }, net: false, vows: 'stdio rpath wpath cpath' });
      out.unchanged = status() === before;
      out.preparedReport = { threads: prepared.report.threads, items: prepared.report.items.length };
      out.beforeApply = { outside: attempt(() => fs.writeFileSync(${p('outside', 'a.txt')}, 'x')), udp: await udp() };
      const report = prepared.apply();
      out.report = { threads: report.threads, sameItems: JSON.stringify(report.items.slice(0, prepared.report.items.length)) === JSON.stringify(prepared.report.items) };
      out.afterApply = {
        outside: attempt(() => fs.writeFileSync(${p('outside', 'b.txt')}, 'x')),
        ro: attempt(() => fs.readFileSync(${p('ro', 'file.txt')})),
        rw: attempt(() => fs.writeFileSync(${p('rw', 'b.txt')}, 'x')),
        poolOutside: await poolWrite(${p('outside', 'c.txt')}),
        poolRw: await poolWrite(${p('rw', 'c.txt')}),
        udp: await udp(),
      };
      out.again = attempt(() => prepared.apply());
      console.log(JSON.stringify(out));`, { from: import.meta.url, user });
    expect(r.stderr).toBe('');
    const out = lastJson<Record<string, unknown>>(r.stdout);
    expect(out.unchanged).toBe(true);
    expect(out.preparedReport).toMatchObject({ threads: 0 });
    expect(out.beforeApply).toEqual({ outside: 'ok', udp: 'ok' });
    expect(out.report).toMatchObject({ sameItems: true });
    expect((out.report as { threads: number }).threads).toBeGreaterThanOrEqual(7);
    expect(out.afterApply).toEqual({ outside: 'EACCES', ro: 'ok', rw: 'ok', poolOutside: 'EACCES', poolRw: 'ok', udp: 'EAFNOSUPPORT' });
    expect(out.again).toBe('ERR_EXILE_INVALID_POLICY');
  });
});

describe.each(['current', 'nobody'] as const)('no_new_privs on every thread as %s', (user) => {
  // One round over the threads at most: no_new_privs comes with the capability drop or the
  // Landlock broadcast, or from seccomp's TSYNC; only a policy with none of them broadcasts it alone.
  it.each([
    ['nothing else', {}],
    ['vows (seccomp TSYNC)', { vows: 'stdio rpath' }],
    ['fs (the Landlock broadcast)', { fs: { read: ['/proc', '/usr', '/etc'] } }],
    ['capabilities (the drop)', { capabilities: 'drop-all' }],
  ])('with %s', (_name, policy) => {
    const r = runScript(`
      import fs from 'node:fs';
      import { enable } from '@exile/core';
      await Promise.all(Array.from({ length: 4 }, () => fs.promises.readFile('/proc/self/status')));
      const nnp = () => fs.readdirSync('/proc/self/task').map((tid) => /NoNewPrivs:\\s+1/.test(fs.readFileSync('/proc/self/task/' + tid + '/status', 'utf8')));
      const before = nnp();
      const report = enable(${JSON.stringify(policy)});
      const after = nnp();
      console.log(JSON.stringify({ before, after, threads: report.threads }));`, { from: import.meta.url, user });
    expect(r.stderr).toBe('');
    const out = lastJson<{ before: boolean[]; after: boolean[]; threads: number }>(r.stdout);
    expect(out.before.every((set) => !set)).toBe(true);
    expect(out.after.length).toBeGreaterThanOrEqual(7);
    expect(out.after.every((set) => set)).toBe(true);
    expect(out.threads).toBe(out.after.length);
  });
});
