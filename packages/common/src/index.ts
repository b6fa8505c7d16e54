export { ExileError, ErrorCodes, callNative, type ErrorCode } from './errors.js';
export { ownData } from './own-data.js';
export { errnoName, errnoNumber } from './errno.js';
export { loadAddon, executablePath, ensureExecutable } from './native.js';
