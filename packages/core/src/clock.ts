/**
 * Milliseconds on the monotonic clock, for the durations reports carry. Not `performance.now()`:
 * node:perf_hooks (and the global `performance`, which loads it on first use) is a dozen modules
 * that import() and `exile run` would load for one subtraction.
 */
export function now(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}
