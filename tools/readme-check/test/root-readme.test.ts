import { describe, expect, it } from 'vitest';
import { readmeExamples, runScript } from '@exile/test-utils';

const blocks = readmeExamples(new URL('../../../README.md', import.meta.url));

/** What an example must print, by the package it imports (the README's comments say so too). */
const prints: Record<string, RegExp> = {
  "'@exile/core'": /^(yes vows: stdio rpath wpath cpath |3$)/m,
  "'@exile/landlock'": /^(full|partial) /m,
  "'@exile/namespaces'": /^uid=0\b/m,
};

describe('root README', () => {
  it('has JavaScript examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(7);
  });

  // Each example applies real, irreversible restrictions: each runs in its own fresh process.
  it.each(blocks.map((code, i) => [i, code.split('\n').find((l) => l.startsWith('import')) ?? '', code]))(
    'example %i (%s) runs as printed', (_i, _import, code) => {
      const r = runScript(code, { from: import.meta.url });
      expect(r.stderr).toBe('');
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      const expected = Object.entries(prints).find(([pkg]) => code.includes(pkg))?.[1];
      if (expected) expect(r.stdout).toMatch(expected);
    });
});
