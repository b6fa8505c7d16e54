/** What tests read of an ExileError. Structural, so test-utils needs no dependency on @exile/common
 *  (which itself uses test-utils for its tests). */
export interface ThrownExileError extends Error {
  code: string;
  details: Readonly<Record<string, unknown>>;
}

// ExileError brands its instances with this global symbol (packages/common/src/errors.ts).
const brand = Symbol.for('exile.ExileError');

/** Runs `fn` and returns the ExileError it throws; fails the test if it throws nothing or something else. */
export function thrown(fn: () => unknown): ThrownExileError {
  try {
    fn();
  } catch (error) {
    if (typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[brand] === true) return error as ThrownExileError;
    throw error;
  }
  throw new Error('expected an ExileError, but nothing was thrown');
}
