#!/usr/bin/env node
// Rewrites the generated sections of README.md from the CLI's own option tables (build first).
// test/readme.test.ts fails when the README is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { replaceSection } from '@exile/test-utils/readme-section';
import { optionTable } from '../dist/cli/options.js';
import { RUN_OPTIONS } from '../dist/cli/run-command.js';

const file = new URL('../README.md', import.meta.url);
writeFileSync(file, replaceSection(readFileSync(file, 'utf8'), 'exile-run-options', optionTable(RUN_OPTIONS)));
