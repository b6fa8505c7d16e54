// The pool bench's module: a real markdown renderer. It does not warm itself at import: the pool
// bench's `warmup` option makes each worker render a sample (marked's own README, never a
// caller's input) before it takes a call, so that a single-use worker's one call does not run
// the renderer cold (parsed, not yet compiled). A document that uses most of the syntax compiles
// most of the renderer; a one-line sample left the first real render 2× slower.
import { readFileSync } from 'node:fs';
import { marked } from 'marked';

export const render = (markdown) => marked.parse(markdown);

/** The warm-up's sample: another document than the bench's input. */
export const sample = () => readFileSync(new URL('../README.md', import.meta.resolve('marked')), 'utf8');

/** The render timed inside the worker: wall ms, and CPU ms of this process (its compiler and GC threads included). */
export function timed(markdown) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  marked.parse(markdown);
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1000 };
}
