import { callNative } from '@exile/common';
import { capsFromMask, type Cap } from './names.js';
import { native } from './native.js';
import { decodeSecurebits, type Securebits } from './securebits.js';

/** The calling thread's capability state as masks (bit n = capability n). */
export interface RawCapState {
  effective: bigint;
  permitted: bigint;
  inheritable: bigint;
  ambient: bigint;
  bounding: bigint;
  securebits: number;
  noNewPrivs: boolean;
  /** Highest capability number this kernel knows. */
  lastCap: number;
}

/**
 * Capability state. Capabilities newer than this package's table show up as `'CAP_<n>'`.
 */
export interface CapState {
  effective: Cap[];
  permitted: Cap[];
  inheritable: Cap[];
  ambient: Cap[];
  bounding: Cap[];
  noNewPrivs: boolean;
  securebits: Securebits;
}

export function readRaw(): RawCapState {
  const sets = callNative('reading capabilities', () => native.capget());
  const more = callNative('reading capabilities', () => native.state());
  return { ...sets, ...more };
}

export const names = (mask: bigint): Cap[] => capsFromMask(mask) as Cap[];

/**
 * The calling thread's capabilities, no_new_privs and securebits. After `drop()` every thread has
 * the same state; before it, threads may differ (capabilities are per-thread in Linux).
 */
export function read(): CapState {
  const raw = readRaw();
  return {
    effective: names(raw.effective), permitted: names(raw.permitted), inheritable: names(raw.inheritable),
    ambient: names(raw.ambient), bounding: names(raw.bounding), noNewPrivs: raw.noNewPrivs,
    securebits: decodeSecurebits(raw.securebits),
  };
}
