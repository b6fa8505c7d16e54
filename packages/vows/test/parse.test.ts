import { describe, expect, it } from 'vitest';
import { parse, parseWithModifiers, seccompPolicy } from '../src/index.js';

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

describe('OpenBSD\'s error modifier', () => {
  it('is not a vow: parse() leaves it out, parseWithModifiers() reports it', () => {
    expect(parse('stdio ERROR rpath')).toEqual(['stdio', 'rpath']);
    expect(parseWithModifiers('stdio ERROR rpath')).toEqual({ vows: ['stdio', 'rpath'], error: true });
    expect(parseWithModifiers(['stdio'])).toEqual({ vows: ['stdio'], error: false });
  });

  it('is honoured by seccompPolicy(): errno ENOSYS unless the options say otherwise', () => {
    expect(seccompPolicy('stdio error', { report: false }).defaultAction).toEqual({ errno: 38 });
    expect(seccompPolicy(['stdio', 'error'], { report: false }).defaultAction).toEqual({ errno: 38 });
    expect(seccompPolicy('stdio error', { report: false, errno: 'EACCES' }).defaultAction).toEqual({ errno: 13 });
    expect(seccompPolicy('stdio error', { report: false, penalty: 'kill' }).defaultAction).toBe('kill-process');
  });
});
