import { describe, expect, it } from 'vitest';
import { freeVariables } from '../src/launch/free-variables.js';

const globals = new Set(Object.getOwnPropertyNames(globalThis));
const free = (fn: (...args: never[]) => unknown) => freeVariables(fn.toString(), globals);

describe('freeVariables', () => {
  it('finds nothing in self-contained functions', () => {
    expect(free((a: number, b: number) => a + b)).toEqual([]);
    // As a string: vitest rewrites import() inside functions compiled in this file.
    expect(freeVariables(`async ({ x, y: [z] }, ...rest) => {
      const { readFileSync } = await import('node:fs');
      let total = x + z + rest.length;
      for (const n of [1, 2]) total += n;
      class Box { value = total; get twice() { return this.value * 2; } }
      function inner(q) { return q + Math.PI; }
      try { readFileSync('/nope'); } catch (error) { total += String(error).length; }
      return { total, obj: { key: inner(1) }, box: new Box().twice, json: JSON.stringify([new Map()]) };
    }`, globals)).toEqual([]);
    expect(freeVariables('function named(n) { return n <= 1 ? 1 : n * named(n - 1); }', globals)).toEqual([]);
  });

  it('finds what a function closes over', () => {
    const secret = 'x';
    const helper = (s: string) => s;
    expect(free(() => helper(secret))).toEqual(['helper', 'secret']);
    expect(freeVariables('(a) => { const b = a; return b + c + `${d}`; }', globals)).toEqual(['c', 'd']);
    expect(freeVariables('() => ({ secret, key: 1, [computed]: 2 })', globals)).toEqual(['secret', 'computed']);
    expect(freeVariables('() => { outer: for (;;) { break outer; } return obj.prop?.deep; }', globals)).toEqual(['obj']);
    expect(freeVariables('function f({ a = fallback, ...rest }, [b, , c] = []) { return a + b + c + rest + new.target; }', globals)).toEqual(['fallback']);
  });

  it('rejects source that is not a function expression', () => {
    expect(() => freeVariables(Math.max.toString(), globals)).toThrow(SyntaxError);
    expect(() => freeVariables('method() { return 1; }', globals)).toThrow(SyntaxError);
  });
});
