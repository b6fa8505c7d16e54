import { existsSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sharedTempDir } from '@exile/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPlan, ExileError } from '../src/index.js';
import { landlockStep } from './landlock-step.js';
import { runSandboxed, USERS } from './run-sandboxed.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** More single-file rules than the launcher's general bounds (4096 items, 64 KiB a record): a launched module's code, file by file. */
const FILES = 5000;

/** Node's own files, read and executed as a whole (the rules under test are the files). */
const SYSTEM = ['/usr', '/lib', '/lib64', '/etc', dirname(realpathSync(process.execPath))].filter((path) => existsSync(path));

describe.each(USERS)('a Landlock ruleset of thousands of file rules (%s)', (user) => {
  it('is applied: every granted file reads, the file beside them does not', () => {
    const dir = sharedTempDir('exile-ns-many-');
    made.push(dir);
    const files = Array.from({ length: FILES }, (_, i) => join(dir, `f${i}.js`));
    for (const file of files) writeFileSync(file, 'ok');
    writeFileSync(join(dir, '.env'), 'secret');
    const step = landlockStep({ fs: { read: [], write: [], exec: [...new Set(SYSTEM)], rules: files.map((path) => ({ path, access: ['read-file'] })) } });
    expect(step.length).toBeGreaterThan(65536);
    const read = `const r = (p) => { try { return require('fs').readFileSync(p, 'utf8'); } catch (e) { return e.code; } };
      console.log(JSON.stringify([r(${JSON.stringify(files[0])}), r(${JSON.stringify(files[FILES - 1])}), r(${JSON.stringify(join(dir, '.env'))})]))`;
    const r = runSandboxed(process.execPath, ['-e', read], `{ preExec: [{ type: 'no-new-privs' }, ${step}] }`, user);
    expect(r.error).toBeUndefined();
    expect(JSON.parse(r.stdout)).toEqual(['ok', 'ok', 'EACCES']);
  });
});

describe('the ruleset bound', () => {
  it('takes a ruleset up to the plan bound (4 MiB) and refuses a larger one', () => {
    const at = (bytes: number) => () => buildPlan('true', [], { preExec: [{ type: 'landlock', ruleset: new Uint8Array(bytes) }] });
    expect(at(4 << 20)().steps).toHaveLength(1);
    expect(at((4 << 20) + 1)).toThrow(ExileError);
    expect(at((4 << 20) + 1)).toThrow(/preExec\[0\]\.ruleset: must be .*1 to 4194304 bytes/);
  });
});
