import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastJson, runScript, sharedTempDir } from '@exile/test-utils';

describe.each(['current', 'nobody'] as const)('prepare() then apply() as %s', (user) => {
  it('prepare() changes nothing; apply() enforces on every thread, once', () => {
    const dir = sharedTempDir('exile-prepare-');
    for (const d of ['ro', 'rw', 'outside']) {
      mkdirSync(join(dir, d));
      chmodSync(join(dir, d), 0o777);
    }
    writeFileSync(join(dir, 'ro', 'file.txt'), 'ro data', { mode: 0o666 });
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
