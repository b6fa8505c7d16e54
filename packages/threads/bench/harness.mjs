// Shared benchmark harness for @exile/threads and @exile/caps (not published). Each sample is a
// fresh Node process (the operations change the process for good) set up with 7, 19 or 87 threads;
// it times ONE call of the measured operation and reports the median per case. Seccomp TSYNC —
// one syscall that reaches every thread in the kernel — is the yardstick, measured in the same run
// with the same thread set-ups: a trivial allow-all filter installed through a tiny native helper
// compiled here (no dependency on @exile/seccomp). As root, every thread of the sample switches to
// SCHED_FIFO just before the timed call, so other load on a shared machine does not decide the
// numbers (the broadcast waits for every thread to be scheduled; TSYNC does not).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The thread set-ups: a CommonJS child has 7 threads; +4 pool threads +8 workers = 19; pool of 64 + 16 workers = 87. */
export const SETUPS = [
  { threads: 7, workers: 0, pool: 0 },
  { threads: 19, workers: 8, pool: 4 },
  { threads: 87, workers: 16, pool: 64 },
];

const HELPER_C = `
#include <dirent.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <node_api.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
static napi_value tsync(napi_env env, napi_callback_info info) {
  struct sock_filter allow[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
  struct sock_fprog prog = { 1, allow };
  napi_value out;
  long r = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (r == 0) r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
  napi_create_int64(env, r, &out);
  return out;
}
/* Every thread SCHED_FIFO: the timed call then measures the mechanism, not the other load on a
 * shared machine. Returns how many threads could not be switched. */
static napi_value realtime(napi_env env, napi_callback_info info) {
  struct sched_param param = { .sched_priority = 10 };
  int failed = 0;
  DIR *dir = opendir("/proc/self/task");
  struct dirent *d;
  while (dir != NULL && (d = readdir(dir)) != NULL) {
    if (d->d_name[0] != '.' && sched_setscheduler(atoi(d->d_name), SCHED_FIFO, &param) != 0) failed++;
  }
  if (dir != NULL) closedir(dir);
  napi_value out;
  napi_create_int32(env, dir == NULL ? -1 : failed, &out);
  return out;
}
/* A Landlock ruleset denying every file write (no rules), for timing a landlock-restrict broadcast. */
static napi_value ruleset(napi_env env, napi_callback_info info) {
  unsigned long long handled = 1ULL << 1; /* LANDLOCK_ACCESS_FS_WRITE_FILE */
  napi_value out;
  napi_create_int64(env, syscall(SYS_landlock_create_ruleset, &handled, sizeof handled, 0), &out);
  return out;
}
NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "ruleset", NAPI_AUTO_LENGTH, ruleset, NULL, &fn);
  napi_set_named_property(env, exports, "ruleset", fn);
  napi_create_function(env, "tsync", NAPI_AUTO_LENGTH, tsync, NULL, &fn);
  napi_set_named_property(env, exports, "tsync", fn);
  napi_create_function(env, "realtime", NAPI_AUTO_LENGTH, realtime, NULL, &fn);
  napi_set_named_property(env, exports, "realtime", fn);
  return exports;
}
`;

function buildHelper(dir) {
  const src = join(dir, 'bench-helper.c');
  const out = join(dir, 'bench-helper.node');
  writeFileSync(src, HELPER_C);
  const include = join(process.env.npm_config_nodedir ?? dirname(dirname(process.execPath)), 'include', 'node');
  execFileSync('cc', ['-shared', '-fPIC', '-O2', '-I', include, src, '-o', out]);
  return out;
}

/**
 * realtime: switch the sample's threads to SCHED_FIFO before timing (needs root; default when root).
 * cases: { name: { imports: 'const x = require(...)', call: 'expression run once and timed',
 *   engine?: 'expression of `result`: the native engine's own µs (report.elapsedMs * 1000)' } },
 *   or a function of the helper's path returning them (its `ruleset()` makes a Landlock ruleset fd).
 * `dir` must be inside the package whose modules the cases require (the child resolves from there).
 */
export function runBench({ dir, cases, samples = 11, realtime = process.getuid?.() === 0 }) {
  const work = join(dir, '.test-tmp'); // git-ignored; inside the package so the child resolves it by name
  mkdirSync(work, { recursive: true });
  const helper = buildHelper(work);
  if (typeof cases === 'function') cases = cases(helper);
  const all = { ...cases, 'seccomp TSYNC': { imports: `const { tsync } = require(${JSON.stringify(helper)});`, call: 'tsync()', check: 'result === 0' } };
  const results = [];
  for (const setup of SETUPS) {
    const row = { setup, medians: {} };
    for (const [name, c] of Object.entries(all)) {
      const file = join(work, 'sample.cjs');
      writeFileSync(file, `
const { Worker } = require('node:worker_threads');
const fs = require('node:fs');
${c.imports}
(async () => {
  if (${setup.pool} > 0) await Promise.all(Array.from({ length: ${setup.pool} * 2 }, () => fs.promises.readFile('/proc/self/stat')));
  for (let i = 0; i < ${setup.workers}; i++) {
    const w = new Worker('require("node:worker_threads").parentPort.postMessage(1); setInterval(() => {}, 1000);', { eval: true });
    await new Promise((resolve) => w.once('message', resolve));
  }
  // Let the workers finish starting up: a sandbox is applied to a settled process, and a worker
  // still compiling its bootstrap would only measure start-up contention on 2 cores.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const threads = fs.readdirSync('/proc/self/task').length;
  if (${realtime} && require(${JSON.stringify(helper)}).realtime() !== 0) throw new Error('SCHED_FIFO failed');
  const t0 = process.hrtime.bigint();
  const result = ${c.call};
  const us = Number(process.hrtime.bigint() - t0) / 1000;
  if (!(${c.check ?? 'true'})) throw new Error('failed: ' + JSON.stringify(result));
  const engineUs = ${c.engine ?? 'undefined'};
  console.log(JSON.stringify({ us, engineUs, threads }));
  process.exit(0);
})();
`);
      const times = [];
      const engine = [];
      let threads = 0;
      for (let i = 0; i < samples; i++) {
        const r = spawnSync(process.execPath, [file], { encoding: 'utf8', cwd: dir, env: { ...process.env, UV_THREADPOOL_SIZE: String(setup.pool || 4) } });
        if (r.status !== 0) throw new Error(`${name} (${setup.threads} threads): ${r.stderr}`);
        const out = JSON.parse(r.stdout.trim().split('\n').pop());
        times.push(out.us);
        if (out.engineUs !== undefined) engine.push(out.engineUs);
        threads = out.threads;
      }
      row.threads = threads;
      row.medians[name] = median(times);
      row.mins = { ...row.mins, [name]: Math.min(...times) };
      if (engine.length > 0) row.engine = { ...row.engine, [name]: median(engine) };
    }
    results.push(row);
  }
  return results;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Markdown: one row per thread set-up, each case's median call time (and the fastest sample: other
 * load on the machine only ever adds time) and its ratio to seccomp TSYNC,
 * and (where the case reports it) the median time inside the native engine — the rest of the call
 * is first-call JavaScript (validation, encoding, the report), cold in a fresh process.
 */
export function table(results) {
  const names = Object.keys(results[0].medians).filter((n) => n !== 'seccomp TSYNC');
  const withEngine = new Set(names.filter((n) => results[0].engine?.[n] !== undefined));
  const head = ['threads', ...names.flatMap((n) => [`${n}`, '÷ TSYNC', ...(withEngine.has(n) ? ['of which engine'] : [])]), 'seccomp TSYNC'];
  const us = (v) => (v >= 1000 ? `${(v / 1000).toFixed(2)} ms` : `${Math.round(v)} µs`);
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of results) {
    const base = r.medians['seccomp TSYNC'];
    const cells = names.flatMap((n) => [`${us(r.medians[n])} (min ${us(r.mins[n])})`, `${(r.medians[n] / base).toFixed(1)}×`,
      ...(withEngine.has(n) ? [us(r.engine[n])] : [])]);
    lines.push(`| ${r.threads} | ${cells.join(' | ')} | ${us(base)} (min ${us(r.mins['seccomp TSYNC'])}) |`);
  }
  return lines.join('\n');
}
