export { ExileError, ErrorCodes } from '@exile/common';
export { VOW_NAMES, type Vow } from './names.js';
export { parse } from './parse.js';
