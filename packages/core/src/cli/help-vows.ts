import { VOW_NAMES, VOWS } from '@exile/vows';
import { wrap } from './wrap.js';

/** `exile help vows`: every vow, what it is for and its syscalls, from @exile/vows' table. */
export function vowsHelp(): string {
  const width = Math.max(...VOW_NAMES.map((v) => v.length)) + 2;
  const indent = ' '.repeat(width);
  const body = VOW_NAMES.map((vow) => {
    const d = VOWS[vow];
    const checked = [...new Set(d.rules.flatMap((r) => (typeof r.syscall === 'string' ? [r.syscall] : r.syscall)))];
    return [
      `${vow.padEnd(width)}${wrap(d.description.split(' '), indent).trimStart()}`,
      ...(d.syscalls.length > 0 ? [wrap(['syscalls:', ...d.syscalls], indent)] : []),
      ...(checked.length > 0 ? [wrap(['with argument checks:', ...checked], indent)] : []),
    ].join('\n');
  });
  return `usage: exile run --vows "VOW VOW …" -- CMD

Vows are pledge-style promises: the program may make the syscalls its vows allow and no other
(a refused call kills it with SIGSYS; add "error" to get EPERM instead). Combine them freely.

${body.join('\n\n')}
`;
}
