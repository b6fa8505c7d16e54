export { ExileError, ErrorCodes } from '@exile/common';
export { CAP_NAMES, capsFromMask, type Cap } from './names.js';
export { native as _native } from './native.js';
