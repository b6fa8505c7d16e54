import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { replaceSection, runtimeTableMarkdown, vowTableMarkdown } from '../src/docs.js';
import { PROGRAM_RUNTIME } from '../src/runtime-program.js';

describe('README', () => {
  it('has the current generated vow table and Node runtime list (run `pnpm --filter @exile/vows readme`)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const fresh = replaceSection(replaceSection(replaceSection(readme, 'vow-table', vowTableMarkdown()), 'node-runtime', runtimeTableMarkdown()),
      'program-runtime', runtimeTableMarkdown(PROGRAM_RUNTIME, 'a started program'));
    expect(readme).toBe(fresh);
  });
});
