import { describe, expect, it } from 'vitest';
import { lastJson, runScript } from '@exile/test-utils';
import { prelude } from './child.js';
import { loadHelper } from './helper.js';

/** `pnpm stress` runs the long variant (STRESS_ITERATIONS=20000). */
const ITERATIONS = Number(process.env.STRESS_ITERATIONS ?? 1000);

/**
 * 16 workers plus a native loop that keeps creating and joining threads (and grandchildren), while
 * the main thread broadcasts ITERATIONS times. As root each broadcast flips CAP_SYS_NICE in the
 * effective set of every thread, and every live thread is checked after each call: a thread the
 * broadcast missed (or a thread created by one it had not reached yet) would show the old value.
 */
const script = `import { broadcast } from '@exile/threads';
${loadHelper()}${prelude}
const iterations = Number(process.argv[2]);
const root = process.getuid() === 0;
const workers = Array.from({ length: 16 }, () => new Worker('setInterval(() => {}, 1000)', { eval: true }));
await Promise.all(workers.map((w) => new Promise((resolve) => w.once('online', resolve))));
const permitted = BigInt('0x' + /^CapPrm:\\s*(\\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
const NICE = 1n << 23n;
helper.startChurn(2);
let misses = 0, maxRounds = 0, maxThreads = 0, lateStat = 0;
const failures = [];
const started = Date.now();
for (let i = 0; i < iterations; i++) {
  const effective = i % 2 ? permitted : permitted & ~NICE;
  const ops = root ? [{ op: 'capset', effective, permitted, inheritable: 0n }] : [{ op: 'no-new-privs' }];
  try {
    const report = broadcast(ops, { timeoutMs: 10000 });
    maxRounds = Math.max(maxRounds, report.rounds);
    maxThreads = Math.max(maxThreads, report.threads.length);
    lateStat += report.threads.filter((t) => t.round > 1).length;
  } catch (error) {
    failures.push(error.message);
    if (failures.length > 5) break;
    continue;
  }
  if (root) for (const t of tasks()) if (BigInt('0x' + t.capEff) !== effective) misses++;
}
const churned = helper.stopChurn();
const nnpMissing = root ? 0 : tasks().filter((t) => t.nnp !== '1').length;
console.log(show({ failures, misses, nnpMissing, maxRounds, maxThreads, lateStat, churned, ms: Date.now() - started }));
process.exit(0);
`;

describe.each(['current', 'nobody'] as const)('broadcast stress as %s', (user) => {
  it(`${ITERATIONS} broadcasts with 16 workers and thread churn: no miss, no deadlock`, () => {
    const r = runScript(script, { from: import.meta.url, user, args: [String(ITERATIONS)], timeoutMs: 60_000 + ITERATIONS * 20 });
    expect({ signal: r.signal, stderr: r.stderr }).toEqual({ signal: null, stderr: '' });
    const out = lastJson<{ failures: string[]; misses: number; nnpMissing: number; maxRounds: number; maxThreads: number; lateStat: number; churned: number; ms: number }>(r.stdout);
    if (process.env.STRESS_VERBOSE) console.log(user, JSON.stringify(out));
    // One assertion over everything, so a failure shows the whole run.
    expect({
      ...out,
      // The churn really raced the broadcasts: threads were created while they ran and found by rescans.
      churned: out.churned > ITERATIONS, lateStat: out.lateStat > 0, maxRounds: out.maxRounds >= 3, maxThreads: out.maxThreads >= 29,
    }).toEqual({
      failures: [], misses: 0, nnpMissing: 0, churned: true, lateStat: true, maxRounds: true, maxThreads: true, ms: out.ms,
    });
  }, 120_000 + ITERATIONS * 40);
});
