import { ErrorCodes, ExileError } from '@exile/common';
import { VOW_NAMES, type Vow } from './names.js';

const known = new Set<string>(VOW_NAMES);

/**
 * Parses a promise string (`"stdio rpath inet"`, any whitespace, any case) or a list of
 * names into distinct vows. Unknown or empty tokens throw `ERR_EXILE_UNKNOWN_VOW` naming the token.
 */
export function parse(input: string | readonly string[]): Vow[] {
  let tokens: unknown[];
  if (typeof input === 'string') tokens = input.split(/\s+/).filter((t) => t !== '');
  else if (Array.isArray(input)) tokens = input as unknown[];
  else throw new ExileError(ErrorCodes.UNKNOWN_VOW, `vows must be a string or an array of strings, got ${typeof input}`, { token: input });
  const vows = new Set<Vow>();
  tokens.forEach((token, index) => {
    if (typeof token !== 'string') {
      throw new ExileError(ErrorCodes.UNKNOWN_VOW, `vow #${index} must be a string, got ${typeof token}`, { token, index });
    }
    const name = token.trim().toLowerCase();
    if (!known.has(name)) {
      throw new ExileError(ErrorCodes.UNKNOWN_VOW, name === '' ? `empty vow at #${index}` : `unknown vow "${token}"`, { token, index });
    }
    vows.add(name as Vow);
  });
  return [...vows];
}
