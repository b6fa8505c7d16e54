import { ErrorCodes, ExileError } from '@exile/common';
import { VOW_NAMES, type Vow } from './names.js';

const known = new Set<string>(VOW_NAMES);

/** A parsed promise string: the vows, and whether OpenBSD's `error` modifier was present. */
export interface ParsedVows {
  vows: Vow[];
  error: boolean;
}

/**
 * Parses a promise string like `parse()` and also reports OpenBSD's `error` modifier, which is
 * not a vow but a penalty: `seccompPolicy()` and `vow()` turn it into `penalty: 'errno'` with ENOSYS
 * (unless the options say otherwise). Use this when you pass the vows on without the string.
 */
export function parseWithModifiers(input: string | readonly string[]): ParsedVows {
  let tokens: unknown[];
  if (typeof input === 'string') tokens = input.split(/\s+/).filter((t) => t !== '');
  else if (Array.isArray(input)) tokens = input as unknown[];
  else throw new ExileError(ErrorCodes.UNKNOWN_VOW, `vows must be a string or an array of strings, got ${typeof input}`, { token: input });
  const vows = new Set<Vow>();
  let error = false;
  tokens.forEach((token, index) => {
    if (typeof token !== 'string') {
      throw new ExileError(ErrorCodes.UNKNOWN_VOW, `vow #${index} must be a string, got ${typeof token}`, { token, index });
    }
    const name = token.trim().toLowerCase();
    if (name === 'error') {
      error = true;
      return;
    }
    if (!known.has(name)) {
      throw new ExileError(ErrorCodes.UNKNOWN_VOW, name === '' ? `empty vow at #${index}` : `unknown vow "${token}"`, { token, index });
    }
    vows.add(name as Vow);
  });
  return { vows: [...vows], error };
}

/**
 * Parses a promise string (`"stdio rpath inet"`, any whitespace, any case) or a list of
 * names into distinct vows. Unknown or empty tokens throw `ERR_EXILE_UNKNOWN_VOW` naming the token.
 * OpenBSD's `error` modifier is accepted and left out of the result (it is a penalty, not a vow):
 * `seccompPolicy()` and `vow()` honour it; `parseWithModifiers()` reports it.
 */
export function parse(input: string | readonly string[]): Vow[] {
  return parseWithModifiers(input).vows;
}
