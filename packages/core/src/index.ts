export { ExileError, ErrorCodes } from '@exile/common';
export type { Features } from './features.js';
export { probe } from './probe.js';
