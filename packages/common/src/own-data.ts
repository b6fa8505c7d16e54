/**
 * A copy of caller-supplied options holding only their own data: plain objects become
 * null-prototype objects with their own enumerable keys (`__proto__`, `constructor` included, as
 * ordinary keys a validator can refuse), arrays keep only their own elements (a hole stays a hole
 * instead of reading `Array.prototype[i]`). Anything else — typed arrays, URLs, functions,
 * AbortSignals, class instances — is kept as is. Reading options through this copy means a
 * polluted `Object.prototype` (`Object.prototype.write = ['/']`) cannot add to a sandbox policy,
 * and the options cannot change between validation and use.
 */
export function ownData<T>(value: T): T {
  return copy(value, new Map()) as T;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function copy(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) if (Object.hasOwn(value, i)) out[i] = copy((value as unknown[])[i], seen);
    return out;
  }
  if (!isPlainObject(value)) return value;
  const out = Object.create(null) as Record<string, unknown>;
  seen.set(value, out);
  for (const key of Object.keys(value)) {
    Object.defineProperty(out, key, { value: copy((value as Record<string, unknown>)[key], seen), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
