// Learning overhead: a program run plainly, under `exile run` (no policy) and under `exile learn`,
// whole processes, alternating, median of 9 each. Rows for the core bench table.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const cli = here('../dist/cli.cjs');
const repo = here('../../..');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function ms(command, args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd: repo, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function measure(program) {
  const plain = [], run = [], learn = [];
  for (let i = 0; i < 9; i++) {
    plain.push(ms(program[0], program.slice(1)));
    run.push(ms(process.execPath, [cli, 'run', '--', ...program]));
    learn.push(ms(process.execPath, [cli, 'learn', '--out', '/dev/null', '--', ...program]));
  }
  return { plain: median(plain), run: median(run), learn: median(learn) };
}

export function learnRows() {
  const f = (x) => x.toFixed(1);
  return [
    ['`git status`', ['git', 'status', '--short']],
    ['a `node` script (reads 8 files, hashes them)', [process.execPath, here('learn-script.mjs')]],
  ].map(([what, program]) => {
    const m = measure(program);
    return `| \`exile learn\` vs plain, ${what}, whole process, median of 9 | ${f(m.learn)} ms | ${f(m.plain)} ms (plain); ${f(m.run)} ms (\`exile run\`, no policy) | ${(m.learn / m.plain).toFixed(2)}× plain, ${(m.learn / m.run).toFixed(2)}× \`exile run\` | — |`;
  }).join('\n');
}
