export { ExileError, ErrorCodes, callNative, invalid, jsonPath, reroot, type ErrorCode, type InvalidOptions } from './errors.js';
export { ownData } from './own-data.js';
export { ByteWriter } from './byte-writer.js';
export { errnoName, errnoNumber } from './errno.js';
export { loadAddon, executablePath, ensureExecutable, packageRoot } from './native.js';
export { within } from './within.js';
