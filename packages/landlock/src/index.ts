export { ExileError, ErrorCodes } from '@exile/common';
export { abi, type LandlockAvailability } from './abi.js';
