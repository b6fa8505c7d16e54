// The pool bench's module: a real markdown renderer, loaded before the calls arrive. Its first
// renders run at import, before the worker says it is ready: a single-use worker serves one call,
// and without them that call would run the renderer cold (parsed, not yet compiled). The warm-up
// renders marked's own README (another document than the bench's input, never a caller's): a
// document that uses most of the syntax compiles most of the renderer; a one-line sample left
// the first real render 2× slower than this one does.
import { readFileSync } from 'node:fs';
import { marked } from 'marked';

const sample = readFileSync(new URL('../README.md', import.meta.resolve('marked')), 'utf8');
for (let i = 0; i < 10; i++) marked.parse(sample);

export const render = (markdown) => marked.parse(markdown);
