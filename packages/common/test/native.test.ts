import { chmodSync, copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { lastJson, runScript, sharedTempDir } from '@exile/test-utils';
import { ensureExecutable } from '../src/index.js';

describe('ensureExecutable()', () => {
  it('gives a packed (0644) executable back its execute bit, so it runs', () => {
    const file = join(sharedTempDir('exile-exec-'), 'true');
    copyFileSync('/bin/true', file);
    chmodSync(file, 0o644);
    expect(() => execFileSync(file)).toThrow(/EACCES/);
    ensureExecutable(file);
    expect(statSync(file).mode & 0o777).toBe(0o755);
    expect(() => execFileSync(file)).not.toThrow();
  });

  it('when it may not chmod (another user\'s file), says what to run', () => {
    const file = join(sharedTempDir('exile-exec-'), 'true');
    copyFileSync('/bin/true', file);
    chmodSync(file, 0o644);
    const r = runScript(`
      import { ensureExecutable } from '@exile/common';
      try { ensureExecutable(${JSON.stringify(file)}); console.log(JSON.stringify({ ok: true })); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, errnoName: e.details.errnoName })); }`, { from: import.meta.url, user: 'nobody' });
    expect(lastJson(r.stdout)).toEqual({ code: 'ERR_EXILE_NATIVE', errnoName: 'EPERM',
      message: `${file} lost its execute permission when the package was packed, and it cannot be restored from here (EPERM); run: chmod 755 ${file}` });
    expect(statSync(file).mode & 0o777).toBe(0o644);
  });
});
