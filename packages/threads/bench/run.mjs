#!/usr/bin/env node
// `pnpm bench`: median time of one broadcast() in fresh processes with 7, 19 and 87 threads, against
// seccomp TSYNC in the same run. "no-new-privs" is what callers pay, "+ landlock-restrict" what
// @exile/landlock pays (a ruleset denying file writes); "no ops" is the bare mechanism (signal every
// thread, wait for the acks, rescan); "prepared run()" is what a caller with a point of no return
// pays there (prepareBroadcast() ran before: ops encoded, engine loaded). Usage: node bench/run.mjs [samples]
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBench, table } from './harness.mjs';

const dir = dirname(dirname(fileURLToPath(import.meta.url)));
const imports = "const { broadcast } = require('@exile/threads');";
const results = runBench({
  dir,
  samples: Number(process.argv[2] ?? 11),
  cases: (helper) => ({
    'broadcast([no-new-privs])': { imports, call: "broadcast([{ op: 'no-new-privs' }])", engine: 'result.elapsedMs * 1000' },
    '+ landlock-restrict': {
      imports: `${imports} const rulesetFd = require(${JSON.stringify(helper)}).ruleset();`,
      call: "broadcast([{ op: 'no-new-privs' }, { op: 'landlock-restrict', rulesetFd }])", engine: 'result.elapsedMs * 1000',
    },
    'broadcast([])': { imports, call: 'broadcast([])', engine: 'result.elapsedMs * 1000' },
    'prepared run() of [no-new-privs]': {
      imports: "const { prepareBroadcast } = require('@exile/threads'); const prepared = prepareBroadcast([{ op: 'no-new-privs' }]);",
      call: 'prepared.run()', engine: 'result.elapsedMs * 1000',
    },
  }),
});
console.log(table(results));
