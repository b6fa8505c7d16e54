#!/usr/bin/env node
// Measures what programs started under vows need beyond them: each program is started through
// exile-launch with the filter of `exile run --vows "stdio rpath"` minus any runtime baseline
// (runtime 'none') and ENOSYS instead of the kill, under `strace -f`; every call that failed with
// ENOSYS is kept, with its argument shape. @exile/vows' `program` runtime list
// (packages/vows/src/runtime-program.ts) is checked against the result, observed-programs.json.
// Needs the packages built. Usage: node tools/vows-runtime/programs.mjs [GO_BINARY...]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = (name) => join(here, `../../packages/${name}/dist/index.js`);
/** Starts argv under the baseline-free filter; stdout and stderr are the program's. */
const RUNNER = `
import { spawn } from '${dist('namespaces')}';
import { compile, constantSlots } from '${dist('seccomp')}';
import { compile as vows } from '${dist('vows')}';
const filter = compile(vows('stdio rpath exec prot_exec', { runtime: 'none', penalty: 'errno', errno: 'ENOSYS', report: false, pid: 0x7fffffff })).instructions;
const pidSlots = constantSlots(filter, 0x7fffffff);
spawn(process.argv[1], process.argv.slice(2), { stdio: 'inherit', preExec: [{ type: 'no-new-privs' }, { type: 'seccomp', filter, pidSlots }] });`;
/** clone3 and openat2 get ENOSYS whatever the vows (libc falls back); they are not needs. */
const BY_DESIGN = new Set(['clone3', 'openat2']);
const node = process.execPath;
const PROGRAMS = {
  'node -e 1': [node, '-e', '1'],
  'node worker + timers + crypto': [node, '-e', "const { Worker } = require('worker_threads'); new Worker('1', { eval: true }).on('exit', () => require('crypto').randomBytes(8)); setTimeout(() => {}, 20)"],
  'python3 -c 1': ['/usr/bin/python3', '-c', '1'],
  'python3 threads + json + hashlib': ['/usr/bin/python3', '-c', 'import json, hashlib, threading; t = threading.Thread(target=lambda: hashlib.sha256(json.dumps([1]).encode()).hexdigest()); t.start(); t.join()'],
  'sh pipeline': ['/bin/sh', '-c', 'kill -0 $$; echo a b | tr a-z A-Z | wc -c'],
  'git --version': ['/usr/bin/git', '--version'],
  'bash script': ['/bin/bash', '/dev/null'],
  'bash -c': ['/bin/bash', '-c', 'kill -0 $$'],
  // Started without $SHELL (as from cron, CI or `env -i`), bash looks its user up in the passwd database.
  'bash script without $SHELL': ['/usr/bin/env', '-u', 'SHELL', '/bin/bash', '/dev/null'],
  ...Object.fromEntries(process.argv.slice(2).map((go) => [`go: ${go.split('/').pop()}`, [go]])),
};

function shape(name, args) {
  const simple = args.replace(/"[^"]*"(\.\.\.)?/g, 'S').replace(/0x[0-9a-f]+/g, 'A').replace(/\b\d+\b/g, 'N');
  return name === 'clone' ? simple.replace(/child_stack=\w+, /, '').replace(/, (parent_tid|tls|child_tidptr)=\w+/g, '') : simple;
}

function measure(argv) {
  const dir = mkdtempSync(join(tmpdir(), 'exile-programs-measure-'));
  try {
    try {
      // One trace file per process (-ff): calls of different threads never interleave in a line.
      execFileSync('strace', ['-ff', '-qq', '-s', '0', '-o', join(dir, 'trace'), node, '--input-type=module', '-e', RUNNER, ...argv], { cwd: dir, stdio: 'ignore' });
    } catch { /* a refused call may make the program fail: the trace says which */ }
    const calls = {};
    const lines = readdirSync(dir).flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n'));
    for (const line of lines) {
      const m = /^([a-z0-9_]+)\((.*)\)\s+= -1 ENOSYS/.exec(line);
      if (m === null || BY_DESIGN.has(m[1])) continue;
      (calls[m[1]] ??= new Set()).add(shape(m[1], m[2]));
    }
    return Object.fromEntries(Object.entries(calls).sort().map(([k, v]) => [k, [...v].sort()]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const result = { node: process.version, kernel: release(), arch: process.arch, method: 'strace -f, vows "stdio rpath" as exile run installs them without a runtime baseline, ENOSYS instead of the kill: the calls that got ENOSYS', programs: {} };
for (const [name, argv] of Object.entries(PROGRAMS)) result.programs[name] = measure(argv);
writeFileSync(join(here, 'observed-programs.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result.programs, null, 2));
