import { invalid, jsonPath, ownData } from '@exile/common';
import { v8, type Warmup } from '../launch/protocol.js';
import { array, integer, object, string, typed, type Static } from '../policy/schema-builder.js';
import { check } from '../policy/schema-check.js';

// The shape of `createPool()`'s `warmup`, written once as the policy's is (policy/shape.ts): the
// checker interprets it and `PoolWarmup` is its type.
const warmupShape = array(object({
  export: string({ minLength: 1, description: "The export to call, as pool.run()'s first argument." }),
  args: array(typed<unknown>({}), { description: "Its arguments (structured-cloneable): the pool creator's, the same in every worker, never a caller's. Default none." }),
  times: integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'How many times each worker calls it, one after another. Default 1.' }),
}, ['export'], { description: "One warm-up: an export of the pool's module, called as pool.run(export, ...args) would call it." }));

/** One warm-up of `createPool()`'s `warmup`: an export of the pool's module, called as `pool.run(export, ...args)` would call it (fields: `warmupShape`). */
export type PoolWarmup = Static<typeof warmupShape>[number];

const CONTEXT = { context: 'createPool()' };

/**
 * `options.warmup` checked (own data only) and in the form a worker's setup carries it; bad
 * entries throw `ERR_EXILE_INVALID_POLICY` with their JSON path (`options.warmup[0].times`).
 */
export function warmupCalls(value: unknown, path = 'options.warmup'): Warmup[] {
  if (value === undefined) return [];
  const list = ownData(value);
  const problem = check(warmupShape, warmupShape, list, path);
  if (problem !== undefined) throw invalid(problem.path, problem.message, {}, CONTEXT);
  return (list as PoolWarmup[]).map(({ export: name, args = [], times = 1 }, i) => {
    try {
      v8().serialize(args);
    } catch (error) {
      throw invalid(jsonPath(jsonPath(path, i), 'args'), `must be structured-cloneable: ${(error as Error).message}`, {}, { ...CONTEXT, cause: error });
    }
    return { export: name, args, times };
  });
}
