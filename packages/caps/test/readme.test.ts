import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScript } from '@exile/test-utils';

/** Every ```js block of the README runs as written, in a fresh process. */
const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe.each(['current', 'nobody'] as const)('README examples as %s', (user) => {
  it.each(blocks.map((code, i) => [i, code]))('block %i runs', (_i, code) => {
    const r = runScript(code, { from: import.meta.url, user });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });
  it('has examples', () => expect(blocks.length).toBeGreaterThan(0));
});
