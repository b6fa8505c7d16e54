import { ErrorCodes, ExileError } from '@exile/common';

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
}

const DEFAULTS = { size: 2, maxUses: 1, maxQueue: 1024 };

function count(options: PoolOptions, key: keyof typeof DEFAULTS, min: number): number {
  const value = Object.hasOwn(options, key) ? options[key] : undefined;
  if (value === undefined) return DEFAULTS[key];
  if (typeof value !== 'number' || !(Number.isInteger(value) || value === Infinity) || value < min) {
    throw new ExileError(ErrorCodes.INVALID_POLICY, `createPool(): options.${key} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`, { path: `options.${key}` });
  }
  return value;
}

/** The options with their defaults, checked (own properties only); bad ones throw `ERR_EXILE_INVALID_POLICY` naming the option. */
export function poolOptions(options: PoolOptions): Required<PoolOptions> {
  if (typeof options !== 'object' || options === null) throw new ExileError(ErrorCodes.INVALID_POLICY, 'createPool(): options must be an object with a module', { path: 'options' });
  const module = Object.hasOwn(options, 'module') ? options.module : undefined;
  if (typeof module !== 'string' && !(module instanceof URL)) {
    throw new ExileError(ErrorCodes.INVALID_POLICY, 'createPool(): options.module must be an absolute path or a URL', { path: 'options.module' });
  }
  const size = count(options, 'size', 1);
  if (size === Infinity) throw new ExileError(ErrorCodes.INVALID_POLICY, 'createPool(): options.size must be finite', { path: 'options.size' });
  return { module, size, maxUses: count(options, 'maxUses', 1), maxQueue: count(options, 'maxQueue', 0) };
}
