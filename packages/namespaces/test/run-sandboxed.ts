import { lastJson, runScript } from '@exile/test-utils';

/** What a sandboxed program did, as seen by the Node process that spawned it. */
export interface Outcome {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  error?: { code: string; message: string; details: Record<string, unknown> };
  events: string[];
}

export type User = 'current' | 'nobody';

/** Root and nobody: every enforcement test runs as both. */
export const USERS: User[] = ['current', 'nobody'];

/** The uid a user has outside the sandbox. */
export function outsideId(user: User): number {
  return user === 'nobody' ? 65534 : process.geteuid?.() ?? 0;
}

/**
 * The body of a child script: evaluates `spawnExpression` (JavaScript returning a ChildProcess,
 * with `spawn`, `spawnPlan`, `buildPlan` and `encodePlan` in scope) and prints the outcome as JSON.
 */
export function outcomeScript(spawnExpression: string, { prelude = '', after = '' } = {}): string {
  const used = ['spawn', 'spawnPlan', 'buildPlan', 'encodePlan'].filter((name) => new RegExp(`\\b${name}\\(`).test(prelude + spawnExpression));
  return `
import { ${used.join(', ')} } from '@exile/namespaces';
${prelude}
const child = ${spawnExpression};
const out = { stdout: '', stderr: '', events: [] };
${after}
child.stdout?.on('data', (d) => { out.stdout += d; });
child.stderr?.on('data', (d) => { out.stderr += d; });
child.on('error', (e) => { out.events.push('error'); out.error = { code: e.code, message: e.message, details: e.details }; });
child.on('exit', () => out.events.push('exit'));
child.on('close', (code, signal) => {
  out.events.push('close');
  console.log(JSON.stringify({ ...out, code, signal }));
});
`;
}

/** Runs a child script as `user` and returns its outcome. */
export function runOutcome(code: string, user: User): Outcome {
  const result = runScript(code, { from: import.meta.url, user, timeoutMs: 20_000 });
  if (result.status !== 0) throw new Error(`script failed (${result.status} ${result.signal}): ${result.stderr}`);
  return lastJson<Outcome>(result.stdout);
}

/**
 * Runs `spawn(command, args, <options>)` in a fresh Node process (as `user`) and reports the
 * outcome. `options` is JavaScript source, so it may build Uint8Arrays; `prelude` runs before
 * the spawn, `after` right after it (with `child` in scope).
 */
export function runSandboxed(command: string, args: string[], options: string, user: User, prelude = '', after = ''): Outcome {
  return runOutcome(outcomeScript(`spawn(${JSON.stringify(command)}, ${JSON.stringify(args)}, ${options})`, { prelude, after }), user);
}
