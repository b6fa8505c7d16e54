export { ExileError, ErrorCodes } from '@exile/common';
export { launcherPath } from './launcher.js';
export { spawn, spawnPlan } from './spawn.js';
export { buildPlan } from './build-plan.js';
export { encodePlan, decodePlan } from './plan-codec.js';
export { STEP_NAMES, type LaunchStep } from './steps.js';
export { CloneFlags, STEP_ORDER, type Plan, type PlanStep, type MountOp, type IdMap, type LandlockRule, type NamespaceName } from './plan.js';
export type { LaunchOptions, Mount, Namespaces, PreExecStep, LandlockRuleSpec, FsOptions } from './options.js';
