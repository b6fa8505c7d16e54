import type { ArgCheck } from './policy-types.js';

type Index = ArgCheck['index'];

// Shorthands for the vow table. Enumerated C `int` arguments are compared on 32 bits (the kernel
// reads only the low half); pointers and 64-bit values use all 64 bits.

/** arg == value (32-bit). */
export const eq = (index: Index, value: number): ArgCheck => ({ index, op: 'eq', value, width: 32 });
/** (arg & mask) == value (32-bit). */
export const masked = (index: Index, mask: number, value: number): ArgCheck =>
  ({ index, op: 'masked-eq', mask, value, width: 32 });
/** No bit of `bits` is set (32-bit). */
export const none = (index: Index, bits: number): ArgCheck => masked(index, bits, 0);
/** Every bit of `bits` is set (32-bit). */
export const all = (index: Index, bits: number): ArgCheck => masked(index, bits, bits);
/** A pointer argument is NULL (all 64 bits). */
export const isNull = (index: Index): ArgCheck => ({ index, op: 'eq', value: 0n, width: 64 });
/** arg < value / arg > value (32-bit, unsigned). */
export const lt = (index: Index, value: number): ArgCheck => ({ index, op: 'lt', value, width: 32 });
export const gt = (index: Index, value: number): ArgCheck => ({ index, op: 'gt', value, width: 32 });
