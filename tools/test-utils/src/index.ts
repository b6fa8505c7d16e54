export { runScript, type ChildResult, type RunOptions } from './run-script.js';
export { lastJson } from './last-json.js';
export { sharedTempDir, NOBODY } from './temp.js';
