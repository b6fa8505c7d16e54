export { ExileError, ErrorCodes, callNative, type ErrorCode } from './errors.js';
export { errnoName, errnoNumber } from './errno.js';
export { loadAddon, executablePath } from './native.js';
