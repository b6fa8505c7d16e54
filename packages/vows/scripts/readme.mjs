#!/usr/bin/env node
// Rewrites the generated sections of README.md from the vow table and the runtime lists
// (build first). test/readme.test.ts fails when the README is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { replaceSection } from '@exile/test-utils/readme-section';
import { runtimeTableMarkdown, vowTableMarkdown } from '../dist/docs.js';
import { PROGRAM_RUNTIME } from '../dist/index.js';

const file = new URL('../README.md', import.meta.url);
let readme = readFileSync(file, 'utf8');
readme = replaceSection(readme, 'vow-table', vowTableMarkdown());
readme = replaceSection(readme, 'node-runtime', runtimeTableMarkdown());
readme = replaceSection(readme, 'program-runtime', runtimeTableMarkdown(PROGRAM_RUNTIME, 'a started program'));
writeFileSync(file, readme);
