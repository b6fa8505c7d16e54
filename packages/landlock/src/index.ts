export { ExileError, ErrorCodes } from '@exile/common';
export { abi, ABI_MAX_ENV, type LandlockAvailability } from './abi.js';
export { restrict } from './restrict.js';
export { compile, type CompiledRuleset } from './compile.js';
export type { LandlockSpec } from './spec.js';
export type { LandlockStatus } from './status.js';
export type { KernelView, NotEnforced } from './plan.js';
export { FS_RIGHTS, NET_RIGHTS, SCOPES, NEWEST_ABI, type FsAccess, type NetAccess, type Scope } from './rights.js';
