export { ExileError, ErrorCodes } from '@exile/common';
export { launcherPath } from './launcher.js';
export { spawn, spawnPlan } from './spawn.js';
export { buildPlan, execCandidates, listenerFd, LISTENER_HANDOVER_FLAGS } from './build-plan.js';
export { encodePlan, decodePlan } from './plan-codec.js';
export { STEP_NAMES, type LaunchStep } from './steps.js';
export { CloneFlags, STEP_ORDER, type LaunchPlan, type LaunchPlanStep, type MountOp, type IdMap, type NamespaceName } from './plan.js';
export type { LaunchOptions, Mount, Namespaces, PreExecStep, FsOptions } from './options.js';
