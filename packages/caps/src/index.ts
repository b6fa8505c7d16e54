export { ExileError, ErrorCodes } from '@exile/common';
export { CAP_NAMES, capsFromMask, capBit, type Cap, type CapName } from './names.js';
export { read, type CapState } from './state.js';
export { drop, noNewPrivs, prepareDrop, type PreparedDrop } from './drop.js';
export { planDrop, type DropOptions, type DropPlan } from './plan.js';
export { dropOpsBeforeExec, newUserNamespaceState } from './before-exec.js';
export { BOUNDING_REASON, type CapReport, type SetReport } from './report.js';
export { decodeSecurebits, LOCKED_SECUREBITS, type Securebits } from './securebits.js';
