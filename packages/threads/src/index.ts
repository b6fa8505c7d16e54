export { ExileError, ErrorCodes } from '@exile/common';
export { list, ioUring, describeBypass, parseStat, type IoUringRings, type ThreadInfo } from './proc.js';
export { broadcast, DEFAULT_TIMEOUT_MS, type BroadcastOptions } from './broadcast.js';
export { MAX_OPS, type ThreadOp, type ThreadOpName } from './ops.js';
export type { BroadcastReport, ThreadResult, ThreadStatus, OpResult } from './report.js';
