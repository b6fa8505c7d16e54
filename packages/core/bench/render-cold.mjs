// `node render-cold.mjs FILE`: the first render of FILE in a fresh process, after the same
// warm-up as the pool's render module (render.mjs); prints ms. What a single-use worker's one call does.
import { readFileSync } from 'node:fs';
import { render } from './render.mjs';

const markdown = readFileSync(process.argv[2], 'utf8');
const t0 = performance.now();
render(markdown);
console.log(performance.now() - t0);
