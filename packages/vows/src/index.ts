export { ExileError, ErrorCodes } from '@exile/common';
export { VOW_NAMES, type Vow } from './names.js';
export { parse, parseWithModifiers, type ParsedVows } from './parse.js';
export { VOWS } from './table.js';
/** Linux ABI constants exile's always-on seccomp rules compare with (one home, shared with the vow table). */
export { IOCTL, MFD_NOEXEC_SEAL } from './linux.js';
export type { VowDefinition, VowRule } from './definition.js';
export { NODE_RUNTIME, type RuntimeEntry } from './runtime-node.js';
export { PROGRAM_RUNTIME } from './runtime-program.js';
export { seccompPolicy, type SeccompPolicyOptions } from './seccomp-policy.js';
export type { VowOptions } from './options.js';
export { explain } from './explain.js';
export { vowsAllowing, vowsToAdd, BROAD_VOWS, type ObservedCall } from './allowing.js';
export { coverCalls, type Cover, type CoverOptions } from './cover.js';
export { suggestRule, suggestRules } from './suggest-rule.js';
/** Linux ABI constants the table checks (open flags, socket families and types), for tools that decode calls. */
export { AF, AT_EMPTY_PATH, O, SOCK } from './linux.js';
export { prepareVow, vow, type PreparedVows, type PrepareOptions, type VowReport } from './vow.js';
export { installCompiled, NO_PID, type CompiledVows, type PidSlots } from './install-compiled.js';
/** A violation that killed a process, from its record: what the reporter said, as data (`launch()`). */
export { readViolationRecord, violationReport, type BlockedCallRecord } from './report-table.js';
