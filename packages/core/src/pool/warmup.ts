import { serialize } from 'node:v8';
import { invalid, jsonPath, ownData } from '@exile/common';
import type { Warmup } from '../launch/protocol.js';

/** One warm-up of `createPool()`'s `warmup`: an export of the pool's module, called as `pool.run(export, ...args)` would call it. */
export interface PoolWarmup {
  /** The export to call, as `pool.run()`'s first argument. */
  export: string;
  /** Its arguments (structured-cloneable): the pool creator's, the same in every worker, never a caller's. Default none. */
  args?: unknown[];
  /** How many times each worker calls it, one after another. Default 1. */
  times?: number;
}

const KEYS = new Set(['export', 'args', 'times']);
const CONTEXT = { context: 'createPool()' };

/**
 * `options.warmup` checked (own data only) and in the form a worker's setup carries it; bad
 * entries throw `ERR_EXILE_INVALID_POLICY` with their JSON path (`options.warmup[0].times`).
 */
export function warmupCalls(value: unknown, path = 'options.warmup'): Warmup[] {
  if (value === undefined) return [];
  const list = ownData(value);
  if (!Array.isArray(list)) throw invalid(path, 'must be an array of { export, args, times }', {}, CONTEXT);
  return list.map((entry: unknown, i) => {
    const at = jsonPath(path, i);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw invalid(at, 'must be an object { export, args, times }', {}, CONTEXT);
    const fields = entry as Record<string, unknown>;
    const unknown = Object.keys(fields).find((key) => !KEYS.has(key));
    if (unknown !== undefined) throw invalid(jsonPath(at, unknown), 'is not a warm-up field (export, args, times)', {}, CONTEXT);
    // Own properties only (ownData keeps an object of another prototype as it is): an inherited export is no one's choice.
    const own = (key: string): unknown => (Object.hasOwn(fields, key) ? fields[key] : undefined);
    const [name, args = [], times = 1] = [own('export'), own('args'), own('times')];
    if (typeof name !== 'string' || name === '') throw invalid(jsonPath(at, 'export'), 'must be the name of an export of the module', {}, CONTEXT);
    if (!Array.isArray(args)) throw invalid(jsonPath(at, 'args'), 'must be an array of arguments', {}, CONTEXT);
    try {
      serialize(args);
    } catch (error) {
      throw invalid(jsonPath(at, 'args'), `must be structured-cloneable: ${(error as Error).message}`, {}, { ...CONTEXT, cause: error });
    }
    if (typeof times !== 'number' || !Number.isSafeInteger(times) || times < 1) throw invalid(jsonPath(at, 'times'), `must be an integer ≥ 1, got ${JSON.stringify(times)}`, {}, CONTEXT);
    return { export: name, args, times };
  });
}
