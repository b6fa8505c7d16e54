export { ExileError, ErrorCodes } from '@exile/common';
export { count, list, ioUring, describeBypass, parseStat, type IoUringRings, type ThreadInfo } from './proc.js';
export { broadcast, prepareBroadcast, DEFAULT_TIMEOUT_MS, type BroadcastOptions, type PreparedBroadcast } from './broadcast.js';
export { requireEngine } from './native.js';
export { MAX_OPS, encodeOps, type ThreadOp, type ThreadOpName } from './ops.js';
export type { BroadcastReport, ThreadResult, ThreadStatus, OpResult } from './report.js';
