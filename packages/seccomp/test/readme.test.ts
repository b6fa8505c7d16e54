import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runScript } from '@exile/test-utils';

it('the README example is literally true', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  const result = runScript(code!, { from: import.meta.url });
  expect(result.stderr).toBe('');
  const lines = result.stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^\d+ instructions$/);
  expect(lines.slice(1)).toEqual(['{ errno: 97 }', 'allow', "[ 'TSYNC' ]", 'EACCES']);
  // The comments in the example say the same.
  expect(code).toContain('// { errno: 97 }');
  expect(code).toContain('// EACCES');
});
