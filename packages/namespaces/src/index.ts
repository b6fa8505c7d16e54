export { ExileError, ErrorCodes } from '@exile/common';
export { launcherPath } from './launcher.js';
