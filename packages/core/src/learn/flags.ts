import type { Policy } from '../policy/types.js';

/** A word as sh reads it back: bare when safe, else single-quoted. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The `exile run` flag of each file-system list (the everyday vocabulary: exec and write imply read). */
const FS_FLAGS = [['read', '--ro'], ['exec', '--rox'], ['write', '--rw'], ['makeDevices', '--make-dev'], ['sockets', '--socket']] as const;

/** The `exile run` command line that enforces `policy` on `command`. */
export function runFlags(policy: Policy, command: readonly string[]): string {
  const words = ['exile', 'run'];
  if (policy.fs !== undefined && policy.fs !== false) {
    for (const [key, flag] of FS_FLAGS) for (const path of policy.fs[key] ?? []) words.push(flag, path);
    if (policy.fs.allowWriteExec === true) words.push('--allow-write-exec');
  }
  if (policy.net === false) words.push('--no-net');
  else if (typeof policy.net === 'object') {
    for (const port of policy.net.connect ?? []) words.push('--connect', String(port));
    for (const port of policy.net.bind ?? []) words.push('--bind', String(port));
  }
  if (policy.vows !== undefined) words.push('--vows', typeof policy.vows === 'string' ? policy.vows : policy.vows.join(' '));
  for (const rule of policy.syscalls ?? []) words.push('--syscall', JSON.stringify(rule));
  return [...words, '--', ...command].map(shellWord).join(' ');
}
