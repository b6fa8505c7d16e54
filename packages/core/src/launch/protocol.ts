import type { Policy } from '../policy/types.js';

/** What the parent sends the launched child (structured clone over the IPC channel). */
export interface LaunchRequest {
  policy: Policy;
  target: { source: string } | { module: string; export: string };
  args: unknown[];
}

/** An error as it crosses back: enough to rebuild it with its name, message, stack and code. */
export interface SentError {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  details?: unknown;
}

/** The child's one answer. */
export type LaunchResponse = { ok: true; value: unknown } | { ok: false; error: SentError };

/** A Report line from the vows SIGSYS handler: `exile: socket(2) blocked by vows; add "inet" to allow`. */
export function parseViolation(stderr: string): { syscall: string; vows: string[]; line: string } | undefined {
  const m = /^exile: (\w+)\(2\) blocked by vows; (?:add (.+) to allow|no vow allows it)$/m.exec(stderr);
  if (m === null) return undefined;
  return { syscall: m[1]!, vows: [...(m[2] ?? '').matchAll(/"(\w+)"/g)].map((v) => v[1]!), line: m[0] };
}
