export { ExileError, ErrorCodes } from '@exile/common';
export type { Features } from './features.js';
export { probe } from './probe.js';
export type { Policy, FsPolicy, NetPorts, NamespaceOptions, Rule } from './policy/types.js';
export { loadPolicy } from './policy/load.js';
export { policySchema } from './policy/schema.js';
export type { Report, ReportItem, Plan, Step, Target } from './plan/types.js';
export { explain } from './explain.js';
