import { ExileError } from '@exile/common';

/** Runs `fn` and returns the ExileError it throws; fails the test if it throws nothing or something else. */
export function thrown(fn: () => unknown): ExileError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ExileError) return error;
    throw error;
  }
  throw new Error('expected an ExileError, but nothing was thrown');
}
