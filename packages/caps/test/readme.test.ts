import { describe, expect, it } from 'vitest';
import { readmeExamples, runScript } from '@exile/test-utils';

/** Every ```js block of the README runs as written, in a fresh process. */
const blocks = readmeExamples(new URL('../README.md', import.meta.url));

describe.each(['current', 'nobody'] as const)('README examples as %s', (user) => {
  it.each(blocks.map((code, i) => [i, code]))('block %i runs', (_i, code) => {
    const r = runScript(code, { from: import.meta.url, user });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });
  it('has examples', () => expect(blocks.length).toBeGreaterThan(0));
});
