#!/usr/bin/env node
// Prints the closing line CI reads ("N passed, N failed, N skipped") from vitest's JSON report,
// counting pack-check as one more test.
import { readFileSync } from 'node:fs';

const [file, packStatus] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
  skipped = report.numPendingTests + report.numTodoTests;
} catch (error) {
  console.error(`summary: no vitest report (${error.message})`);
  failed += 1;
}
if (packStatus === '0') passed += 1;
else failed += 1;
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
