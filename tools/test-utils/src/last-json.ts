/** Parses the last non-empty line of a child's stdout as JSON (children report this way). */
export function lastJson<T = unknown>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  const last = lines[lines.length - 1];
  if (last === undefined || last === '') throw new Error(`child printed no JSON line; stdout was:\n${stdout}`);
  return JSON.parse(last) as T;
}
