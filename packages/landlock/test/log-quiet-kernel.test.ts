import { describe, expect, it } from 'vitest';
import { USERS, child } from './child.js';
import { abi } from '../src/index.js';

const KERNEL_ABI = abi().abi;

/** Restricts with `spec` (a JS expression over `dir`), then reads inside and outside `dir/ok`. */
const run = (spec: string) => `
fs.mkdirSync(dir + '/ok', { mode: 0o777 }); fs.writeFileSync(dir + '/ok/f', 'data', { mode: 0o666 }); fs.writeFileSync(dir + '/no', 'x', { mode: 0o666 });
const outcome = errorOf(() => restrict(${spec}));
print({ outcome, allowed: attempt(() => fs.readFileSync(dir + '/ok/f')), denied: attempt(() => fs.readFileSync(dir + '/no')) });
`;

interface Run {
  outcome: { result?: { enforced: string; log: string[]; quiet: { fs: string[] }; notEnforced: { what: string }[] }; code?: string; details?: { unsupported: { what: string }[] } };
  allowed: string;
  denied: string;
}

// The audit records themselves are checked where the kernel has audit on (npm run test:kernels, 7.2 booted with audit=1).
describe.each(USERS)('log flags and quiet rules on the real kernel (as %s)', (user) => {
  it.runIf(KERNEL_ABI >= 7)('the kernel takes the three log flags; the restriction holds as without them', () => {
    const r = child<Run>(run(`{ fs: { read: [dir + '/ok'] }, log: { sameExec: false, newExec: true, subdomains: false } }`), { user });
    expect(r.outcome.result).toMatchObject({ enforced: 'full', log: ['same-exec-off', 'new-exec-on', 'subdomains-off'] });
    expect([r.allowed, r.denied]).toEqual(['ok', 'EACCES']);
  });

  it.runIf(KERNEL_ABI >= 7)('through the broadcast too (ABI capped to 7)', () => {
    const r = child<Run>(run(`{ fs: { read: [dir + '/ok'] }, log: { newExec: true } }`), { user, env: { EXILE_LANDLOCK_ABI_MAX: '7' } });
    expect(r.outcome.result).toMatchObject({ enforced: 'full', log: ['new-exec-on'] });
    expect([r.allowed, r.denied]).toEqual(['ok', 'EACCES']);
  });

  it('below ABI 7, hard mode refuses a log flag and applies nothing; best-effort applies the rest', () => {
    const spec = `{ fs: { read: [dir + '/ok'] }, log: { newExec: true } }`;
    const hard = child<Run>(run(spec), { user, env: { EXILE_LANDLOCK_ABI_MAX: '6' } });
    expect(hard.outcome.code).toBe('ERR_EXILE_UNSUPPORTED');
    expect(hard.outcome.details!.unsupported.map((u) => u.what)).toEqual(['log:new-exec-on']);
    expect(hard.denied).toBe('ok');
    const soft = child<Run>(run(`{ ...${spec}, compat: 'best-effort' }`), { user, env: { EXILE_LANDLOCK_ABI_MAX: '6' } });
    expect(soft.outcome.result).toMatchObject({ enforced: 'partial', log: [] });
    expect([soft.allowed, soft.denied]).toEqual(['ok', 'EACCES']);
  });

  it.runIf(KERNEL_ABI >= 10)('a quiet path changes no access: the kernel takes the rule, the quiet one still denied', () => {
    const r = child<Run>(run(`{ fs: { read: [dir + '/ok'] }, quiet: { paths: [dir + '/no'] } }`), { user });
    expect(r.outcome.result).toMatchObject({ enforced: 'full' });
    expect([r.allowed, r.denied]).toEqual(['ok', 'EACCES']);
  });

  it.runIf(KERNEL_ABI < 10)('below ABI 10, hard mode refuses quiet; best-effort enforces the rest without it', () => {
    const spec = `{ fs: { read: [dir + '/ok'] }, quiet: { paths: [dir + '/no'] } }`;
    const hard = child<Run>(run(spec), { user });
    expect(hard.outcome.details!.unsupported.map((u) => u.what)).toEqual(['quiet']);
    expect(hard.denied).toBe('ok');
    const soft = child<Run>(run(`{ ...${spec}, compat: 'best-effort' }`), { user });
    expect(soft.outcome.result).toMatchObject({ enforced: 'partial', quiet: { fs: [] } });
    expect([soft.allowed, soft.denied]).toEqual(['ok', 'EACCES']);
  });
});
