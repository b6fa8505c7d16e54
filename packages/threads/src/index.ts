export { ExileError, ErrorCodes } from '@exile/common';
export { list, ioUring, parseStat, type ThreadInfo } from './proc.js';
