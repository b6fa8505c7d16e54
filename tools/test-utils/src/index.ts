export { runScript, type ChildResult, type RunOptions } from './run-script.js';
export { lastJson } from './last-json.js';
export { sharedTempDir, NOBODY } from './temp.js';
export { prng } from './prng.js';
export { thrown, type ThrownExileError } from './thrown.js';
export { readmeExamples } from './readme.js';
export { TASK_STATUS } from './task-status.js';
