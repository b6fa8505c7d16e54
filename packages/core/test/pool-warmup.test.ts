import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { child, packageWithSecret } from './launch-child.js';

/** A module whose warm-up leaves state behind, and exports that fail in each way a warm-up can. */
function fixture(): { mod: string; secret: string } {
  const { pkg, secret } = packageWithSecret();
  const mod = join(pkg, 'warm.js');
  writeFileSync(mod, `import { readFileSync } from 'node:fs';
    export function warm(sample) { sample.seen = true; globalThis.warmups = [...(globalThis.warmups ?? []), sample]; }
    export function mark(value) { const seen = globalThis.marked ?? null; globalThis.marked = value; return { seen, warmups: globalThis.warmups ?? [], pid: process.pid }; }
    export function throws() { throw Object.assign(new RangeError('cold'), { code: 'E_COLD' }); }
    export async function connect() { const net = await import('node:net'); net.connect(9, '127.0.0.1').on('error', () => {}); await new Promise((r) => setTimeout(r, 5000)); }
    export function readAtWarmup(path) { try { readFileSync(path); globalThis.read = 'ok'; } catch (e) { globalThis.read = e.code; } }
    export const readThen = () => globalThis.read;
    export const stuck = () => new Promise(() => {});`);
  return { mod, secret };
}

describe.each(['current', 'nobody'] as const)('createPool({ warmup }) (%s)', (user) => {
  it('each worker makes its warm-up calls with the creator\'s arguments (a fresh copy each time); a call sees what they left, never an earlier call\'s', () => {
    const { mod } = fixture();
    const { out } = child(`
      const pool = createPool({ fs: false, net: false, vows: 'stdio', capabilities: 'drop-all' },
        { module: ${JSON.stringify(mod)}, size: 2, warmup: [{ export: 'warm', args: [{ n: 1 }], times: 3 }, { export: 'warm', args: [{ n: 2 }] }] });
      out.calls = { value: [] };
      for (let i = 0; i < 4; i++) out.calls.value.push(await pool.run('mark', i));
      out.stats = { value: pool.stats() };
      await pool.close();
    `, {}, user);
    const calls = out.calls!.value as { seen: unknown; warmups: unknown[]; pid: number }[];
    for (const call of calls) {
      // Single use: the warm-up's globals are there, the previous call's are not.
      expect(call.seen).toBeNull();
      expect(call.warmups).toEqual([{ n: 1, seen: true }, { n: 1, seen: true }, { n: 1, seen: true }, { n: 2, seen: true }]);
    }
    expect(new Set(calls.map((c) => c.pid)).size).toBe(4);
    expect(out.stats!.value).toMatchObject({ failed: 0 });
  });

  it('a warm-up runs under the whole sandbox; one that throws, breaks the policy or never settles fails the worker\'s start with a typed error', () => {
    const { mod, secret } = fixture();
    const { out } = child(`
      const policy = { fs: false, vows: 'stdio rpath' };
      const make = (warmup) => createPool(policy, { module: ${JSON.stringify(mod)}, size: 1, warmup });
      const sandboxed = make([{ export: 'readAtWarmup', args: [${JSON.stringify(secret)}] }]);
      out.sandboxed = await settle(sandboxed.run('readThen'));
      const thrown = make([{ export: 'warm', args: [{}] }, { export: 'throws' }]);
      out.thrown = await settle(thrown.run('mark', 1));
      out.thrownStats = { value: thrown.stats() };
      const violation = make([{ export: 'connect' }]);
      out.violation = await settle(violation.run('mark', 1));
      const missing = make([{ export: 'nope' }]);
      out.missing = await settle(missing.run('mark', 1));
      const stuck = make([{ export: 'stuck' }]);
      out.stuck = await settle(stuck.run('mark', 1));
      await Promise.all([sandboxed, thrown, violation, missing, stuck].map((pool) => pool.close()));
    `, {}, user);
    // The warm-up's read met Landlock (it runs where a call runs); the worker started and served the call.
    expect(out.sandboxed).toEqual({ value: 'EACCES' });
    expect(out.thrown!.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', exile: true,
      details: { path: 'options.warmup[1]', remote: { name: 'RangeError', message: 'cold', code: 'E_COLD' } } });
    expect(out.thrown!.error!.message).toContain('warm-up options.warmup[1] ("throws") threw RangeError: cold; the worker did not start');
    expect(out.thrownStats!.value).toMatchObject({ idle: 0, failed: 1 });
    expect(out.violation!.error).toMatchObject({ code: 'ERR_EXILE_VIOLATION', details: { syscall: 'socket', vows: ['inet'], path: 'options.warmup' } });
    expect(out.violation!.error!.message).toContain('warm-up (options.warmup) broke its policy');
    expect(out.missing!.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { path: 'options.warmup[0]', remote: { name: 'TypeError' } } });
    expect(out.stuck!.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { path: 'options.warmup[0]' } });
    expect(out.stuck!.error!.message).toContain('never settles');
  });
});

describe('createPool({ warmup }): options', () => {
  it('bad warm-ups throw before any worker starts, with the JSON path of the bad part', () => {
    const { mod } = fixture();
    const { out } = child(`
      const attempt = (warmup) => { try { createPool({}, { module: ${JSON.stringify(mod)}, warmup }); return { value: 'created' }; } catch (e) { return { error: { code: e.code, details: e.details, message: e.message } }; } };
      out.notArray = attempt({ export: 'warm' });
      out.entry = attempt(['warm']);
      out.name = attempt([{ export: 'warm' }, { export: 7 }]);
      out.args = attempt([{ export: 'warm', args: 'x' }]);
      out.clone = attempt([{ export: 'warm', args: [() => 1] }]);
      out.times = attempt([{ export: 'warm', times: 1.5 }]);
      out.unknown = attempt([{ export: 'warm', time: 3 }]);
      // Own properties only: an inherited export is no one's choice.
      out.inherited = attempt([Object.create({ export: 'warm' })]);
    `);
    const paths = { notArray: 'options.warmup', entry: 'options.warmup[0]', name: 'options.warmup[1].export', args: 'options.warmup[0].args',
      clone: 'options.warmup[0].args', times: 'options.warmup[0].times', unknown: 'options.warmup[0].time', inherited: 'options.warmup[0].export' };
    for (const [key, path] of Object.entries(paths)) {
      expect(out[key]!.error, key).toMatchObject({ code: 'ERR_EXILE_INVALID_POLICY', details: { path } });
      expect(out[key]!.error!.message, key).toMatch(new RegExp(`^createPool\\(\\): ${path.replace(/[.[\]]/g, '\\$&')}: `));
    }
  });
});
