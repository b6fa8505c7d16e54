// `node render-cold.mjs FILE TIMES`: the first render of FILE in a fresh process after the pool
// bench's warm-up (TIMES renders of render.mjs's sample); prints ms. What a single-use worker's
// one call does, without the sandbox and the round trip.
import { readFileSync } from 'node:fs';
import { render, sample } from './render.mjs';

const markdown = readFileSync(process.argv[2], 'utf8');
const text = sample();
for (let i = 0; i < Number(process.argv[3] ?? 0); i++) render(text);
const t0 = performance.now();
render(markdown);
console.log(performance.now() - t0);
