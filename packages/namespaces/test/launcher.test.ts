import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { launcherPath } from '../src/index.js';

describe('exile-launch', () => {
  it('is a runnable executable shipped in prebuilds/', () => {
    expect(launcherPath).toMatch(/prebuilds\/linux-x64\/exile-launch$|build\/Release\/exile-launch$/);
    expect(execFileSync(launcherPath, ['--version'], { encoding: 'utf8' })).toMatch(/^exile-launch \d+\.\d+\.\d+/);
  });

  it('execs the target and passes its exit status through', () => {
    const result = spawnSync(launcherPath, ['--', 'sh', '-c', 'echo hi; exit 7'], { encoding: 'utf8' });
    expect(result.stdout).toBe('hi\n');
    expect(result.status).toBe(7);
  });
});
