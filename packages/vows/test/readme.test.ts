import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readmeSection } from '@exile/test-utils/readme-section';
import { runtimeTableMarkdown, vowTableMarkdown } from '../src/docs.js';
import { PROGRAM_RUNTIME } from '../src/runtime-program.js';

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it.each([
    ['vow-table', vowTableMarkdown],
    ['node-runtime', () => runtimeTableMarkdown()],
    ['program-runtime', () => runtimeTableMarkdown(PROGRAM_RUNTIME, 'a started program')],
  ])('has the current generated %s section (run `pnpm --filter @exile/vows readme`)', (name, render) => {
    expect(readmeSection(readme, name)).toBe(render());
  });
});
