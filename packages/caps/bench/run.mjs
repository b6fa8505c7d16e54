#!/usr/bin/env node
// `pnpm bench`: median time of one drop() (as the user running it: root drops every set, the
// bounding set included) in fresh processes with 7, 19 and 87 threads, next to the bare
// broadcast([no-new-privs]) and seccomp TSYNC as the yardstick, all in the same run; "prepared
// apply()" is drop()'s second half after prepareDrop() (what a caller with a point of no return pays there).
// The harness is @exile/threads' (one home for it; benchmarks are not published).
// Usage: node bench/run.mjs [samples]
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBench, table } from '../../threads/bench/harness.mjs';

const dir = dirname(dirname(fileURLToPath(import.meta.url)));
const results = runBench({
  dir,
  samples: Number(process.argv[2] ?? 11),
  cases: {
    'drop()': { imports: "const { drop } = require('@exile/caps');", call: 'drop()', engine: 'result.threads.elapsedMs * 1000' },
    'prepared apply()': { imports: "const prepared = require('@exile/caps').prepareDrop();", call: 'prepared.apply()', engine: 'result.threads.elapsedMs * 1000' },
    'broadcast([no-new-privs])': { imports: "const { broadcast } = require('@exile/threads');", call: "broadcast([{ op: 'no-new-privs' }])", engine: 'result.elapsedMs * 1000' },
  },
});
console.log(table(results));
