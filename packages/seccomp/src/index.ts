export { ExileError, ErrorCodes } from '@exile/common';
export { ACTION_VALUES, type ActionName } from './actions.js';
export { availableActions } from './available.js';
export type { Action, Arch, ArgCheck, ArgOp, BpfProgram, Evaluation, InstallReport, Rule, SeccompData, SeccompPolicy } from './types.js';
export { ARCH_NAMES, nativeArch } from './arches.js';
export { syscalls } from './syscalls.js';
export { compile, type CompileOptions } from './compile.js';
export { evaluate } from './interpreter.js';
export { decide } from './decide.js';
