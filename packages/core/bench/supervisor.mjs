// `exile run` of a shell loop that violates nothing, with and without the violation supervisor
// (EXILE_NO_SUPERVISOR=1), and with and without --diagnose under a file-system policy that denies
// nothing, alternating runs; prints medians in ms as JSON. argv[2]: runs each.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
const runs = Number(process.argv[2] ?? 9);
const loop = 'i=0; while [ $i -lt 200 ]; do cat /etc/hostname; i=$((i+1)); done';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const VOWS = ['--vows', 'stdio rpath wpath proc exec'];
const FS = ['--rox', '/usr', '--ro', '/etc'];
function once(env, options = VOWS) {
  const start = performance.now();
  const r = spawnSync(process.execPath, [cli, 'run', ...options, '--', 'sh', '-c', loop],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0 || r.stderr !== '') throw new Error(`exile run failed (${r.status}): ${r.stderr}`);
  return performance.now() - start;
}
const plain = [];
const supervised = [];
const landlock = [];
const diagnosed = [];
for (let i = 0; i < runs; i++) {
  plain.push(once({ EXILE_NO_SUPERVISOR: '1' }));
  supervised.push(once({}));
  landlock.push(once({}, FS));
  // Predicting nothing: the run must print nothing (once() checks stderr).
  diagnosed.push(once({}, ['--diagnose', ...FS]));
}
console.log(JSON.stringify({ plain: median(plain), supervised: median(supervised), landlock: median(landlock), diagnosed: median(diagnosed) }));
