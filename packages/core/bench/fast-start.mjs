// Fast start (#14): the whole-process start of `exile run -- /bin/true` against `node -e 0` and
// bwrap with the same sandbox; `import()` of each package in a fresh process against an empty
// module; prepare(), apply() and a warm enable() at 7, 19 and 87 threads against seccomp TSYNC.
// Contenders alternate within each round, so the load of a shared machine falls on all alike.
// Usage: node bench/fast-start.mjs [rounds]   (also part of `pnpm bench`)
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, runBench, table } from '../../threads/bench/harness.mjs';

const dir = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = `${dir}/dist/cli.cjs`;

// Node 20 reads and parses NODE_EXTRA_CA_CERTS' file at every start (40 ms for a system bundle on a
// 2-core VM): a fixed cost added to both sides of a ratio, so the contenders start without it.
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;

/** Milliseconds one run of `command` takes, start to exit; throws unless it exits 0. */
function wall(command, args, cwd = dir) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

/** Medians of each contender's whole-process time over `rounds` alternating rounds. */
function alternate(contenders, rounds) {
  const times = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (let i = 0; i < rounds; i++) for (const [name, run] of Object.entries(contenders)) times[name].push(run());
  return Object.fromEntries(Object.entries(times).map(([name, xs]) => [name, median(xs)]));
}

// bwrap's nearest equal of exile run's default sandbox: a new session (with bwrap's own TIOCSTI
// filter), no capabilities, no_new_privs, and a pid namespace where exile scopes signals with Landlock.
const BWRAP = ['--dev-bind', '/', '/', '--new-session', '--die-with-parent', '--unshare-pid', '--cap-drop', 'ALL', '/bin/true'];

export function startRows(rounds = 21) {
  const m = alternate({
    node: () => wall(process.execPath, ['-e', '0']).ms,
    exile: () => wall(process.execPath, [cli, 'run', '--', '/bin/true']).ms,
    bwrap: () => wall('bwrap', BWRAP).ms,
  }, rounds);
  const f = (x) => x.toFixed(1);
  return [
    '| whole process, median of ' + rounds + ' alternating rounds | ms | × `node -e 0` | target |',
    '|---|---:|---:|---|',
    `| \`node -e 0\` (baseline) | ${f(m.node)} | 1.00 | — |`,
    `| \`exile run -- /bin/true\` | ${f(m.exile)} | ${(m.exile / m.node).toFixed(2)} | ≤ 1.3× |`,
    `| \`bwrap ${BWRAP.slice(0, -1).join(' ')} /bin/true\` | ${f(m.bwrap)} | ${(m.bwrap / m.node).toFixed(2)} | — |`,
  ].join('\n');
}

const PACKAGES = ['common', 'threads', 'seccomp', 'landlock', 'caps', 'vows', 'namespaces', 'core'];
const TARGET = { seccomp: '≤ 10 ms', landlock: '≤ 10 ms', core: '≤ 20 ms' };

/** `import(specifier)` timed inside a fresh Node (resolving from this package), in ms. */
const importMs = (specifier) => Number(wall(process.execPath, ['--input-type=module', '-e',
  `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`]).stdout);

export function importRows(rounds = 15) {
  const m = alternate(Object.fromEntries([['empty', () => importMs('data:text/javascript,')],
    ...PACKAGES.map((p) => [p, () => importMs(`@exile/${p}`)])]), rounds);
  return [
    `| \`import()\` in a fresh process, median of ${rounds} alternating rounds | ms | × an empty module | target |`,
    '|---|---:|---:|---|',
    `| an empty module (baseline) | ${m.empty.toFixed(2)} | 1.0 | — |`,
    ...PACKAGES.map((p) => `| \`@exile/${p}\` | ${m[p].toFixed(1)} | ${(m[p] / m.empty).toFixed(1)} | ${TARGET[p] ?? '—'} |`),
  ].join('\n');
}

export function applyRows(samples = 11) {
  const policy = JSON.stringify({ fs: { read: ['/usr', '/etc'], write: [mkdtempSync(`${tmpdir()}/exile-bench-`)] }, net: false,
    vows: 'stdio rpath wpath cpath', capabilities: 'drop-all' });
  // Warm: this process prepared the same policy once already (probe done, filter compiled).
  const warm = `const { enable, prepare } = require('@exile/core'); const policy = ${policy}; const first = prepare(policy);`;
  return table(runBench({
    dir,
    samples,
    cases: {
      'prepare() (warm)': { imports: warm, call: 'prepare(policy)' },
      'apply()': { imports: warm, call: 'first.apply()', check: 'result.threads > 0' },
      'enable() (warm)': { imports: warm, call: 'enable(policy)', check: 'result.threads > 0' },
    },
  }));
}

export function fastStartRows() {
  return ['### Fast start', '', startRows(), '', importRows(), '',
    'fs + net + vows + caps (`enable-child.mjs`\'s policy), one call timed per fresh process, median (fastest):', '', applyRows()].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(fastStartRows());
