export { ExileError, ErrorCodes } from '@exile/common';
export { ACTION_VALUES, type ActionName } from './actions.js';
export { availableActions } from './available.js';
