import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScript } from '@exile/test-utils';
import { readmeSection } from '@exile/test-utils/readme-section';
import { optionTable } from '../src/cli/options.js';
import { RUN_OPTIONS } from '../src/cli/run-command.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('the first example runs as written, as root and as nobody, and reports what it enforces', () => {
    const example = /```js\n([\s\S]*?)```/.exec(readme)![1]!;
    for (const user of ['current', 'nobody'] as const) {
      const r = runScript(example, { from: import.meta.url, user });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^yes file system \[landlock ABI \d+\]$/m);
      expect(r.stdout).toMatch(/^yes vows: stdio rpath wpath cpath \[seccomp \(TSYNC: every thread\)\]$/m);
      expect(r.stdout).toMatch(/^yes capabilities: drop all /m);
    }
  });

  it("has the current exile run option table, rendered from the CLI's own (run `pnpm --filter @exile/core readme`)", () => {
    expect(readmeSection(readme, 'exile-run-options')).toBe(optionTable(RUN_OPTIONS));
  });
});
