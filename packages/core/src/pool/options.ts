import { invalid } from '@exile/common';
import type { Warmup } from '../launch/protocol.js';
import { warmupCalls, type PoolWarmup } from './warmup.js';

/** `createPool()`'s options. */
export interface PoolOptions {
  /** The module whose exports `pool.run()` calls: an absolute path or a URL (`new URL('./render.js', import.meta.url)`). */
  module: string | URL;
  /** How many calls run at once, and how many idle workers are kept ready. Default 2. */
  size?: number;
  /** How many calls one worker serves before it is replaced. Default 1: every call gets a fresh process. */
  maxUses?: number;
  /** How many calls may wait for a worker before `run()` rejects with `ERR_EXILE_POOL_FULL`. Default 1024. */
  maxQueue?: number;
  /**
   * Calls each worker makes on its own after loading the module and installing its filter, before
   * it takes a call: `[{ export: 'render', args: ['# sample'], times: 20 }]` runs `render('# sample')`
   * 20 times, so that a single-use call finds the code compiled. The arguments are this option's,
   * the same in every worker, never a caller's: what a warm-up leaves (globals, caches) is what
   * every call starts from, and no call sees another call's. A warm-up that throws or breaks the
   * policy fails the worker's start (`ERR_EXILE_LAUNCH` with `details.path` `options.warmup[i]`,
   * or `ERR_EXILE_VIOLATION`): no worker takes a call half-warm. Default none.
   */
  warmup?: readonly PoolWarmup[];
}

/** The options checked, with their defaults. */
export type CheckedPoolOptions = Required<Omit<PoolOptions, 'warmup'>> & { warmup: Warmup[] };

const DEFAULTS = { size: 2, maxUses: 1, maxQueue: 1024 };
const IN_CREATE_POOL = { context: 'createPool()' };

function count(options: PoolOptions, key: keyof typeof DEFAULTS, min: number): number {
  const value = Object.hasOwn(options, key) ? options[key] : undefined;
  if (value === undefined) return DEFAULTS[key];
  if (typeof value !== 'number' || !(Number.isInteger(value) || value === Infinity) || value < min) {
    throw invalid(`options.${key}`, `must be an integer ≥ ${min}, got ${JSON.stringify(value)}`, {}, IN_CREATE_POOL);
  }
  return value;
}

/** The options with their defaults, checked (own properties only); bad ones throw `ERR_EXILE_INVALID_POLICY` naming the option. */
export function poolOptions(options: PoolOptions): CheckedPoolOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'must be an object with a module', {}, IN_CREATE_POOL);
  const module = Object.hasOwn(options, 'module') ? options.module : undefined;
  if (typeof module !== 'string' && !(module instanceof URL)) {
    throw invalid('options.module', 'must be an absolute path or a URL', {}, IN_CREATE_POOL);
  }
  const size = count(options, 'size', 1);
  if (size === Infinity) throw invalid('options.size', 'must be finite', {}, IN_CREATE_POOL);
  const warmup = warmupCalls(Object.hasOwn(options, 'warmup') ? options.warmup : undefined);
  return { module, size, maxUses: count(options, 'maxUses', 1), maxQueue: count(options, 'maxQueue', 0), warmup };
}
