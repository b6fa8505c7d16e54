import { describe, expect, it } from 'vitest';
import { parse } from '../src/index.js';

describe('parse()', () => {
  it('splits on any whitespace, ignores case, drops duplicates', () => {
    expect(parse('stdio  RPath\tinet stdio')).toEqual(['stdio', 'rpath', 'inet']);
    expect(parse(['stdio', 'unix'])).toEqual(['stdio', 'unix']);
    expect(parse('')).toEqual([]);
  });

  it('names the bad token', () => {
    expect(() => parse('stdio rpth')).toThrow(expect.objectContaining({ code: 'ERR_EXILE_UNKNOWN_VOW', details: expect.objectContaining({ token: 'rpth' }) }));
    expect(() => parse(['stdio', ''])).toThrow(expect.objectContaining({ code: 'ERR_EXILE_UNKNOWN_VOW', message: 'empty vow at #1' }));
    expect(() => parse([1 as unknown as string])).toThrow(expect.objectContaining({ code: 'ERR_EXILE_UNKNOWN_VOW' }));
    expect(() => parse(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'ERR_EXILE_UNKNOWN_VOW' }));
  });
});
