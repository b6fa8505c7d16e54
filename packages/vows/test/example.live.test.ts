import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runScript } from '@exile/test-utils';
import { tmpdir } from 'node:os';

describe('the README example', () => {
  it('runs as printed and prints what the README says', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const blocks = [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)];
    const code = blocks.find(([, lang]) => lang === 'js')![2]!;
    const printed = blocks[blocks.findIndex(([, lang]) => lang === 'js') + 1]![2]!;
    const r = runScript(code, { from: import.meta.url, cwd: tmpdir() });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // the instruction count follows @exile/seccomp's compiler; everything else must match exactly
    const shape = (text: string): string => text.replace(/: \d+ BPF/, ': N BPF');
    expect(shape(r.stdout)).toBe(shape(printed));
    expect(r.stdout).toMatch(/: \d+ BPF instructions\n/);
  });
});
