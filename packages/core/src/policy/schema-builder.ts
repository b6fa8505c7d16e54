import type { SchemaNode } from './schema-check.js';

// A JSON Schema written once in TypeScript: each builder returns the plain schema node and carries
// the TypeScript type of the values it accepts, so `Static<typeof node>` is the type and the node
// is the schema (`core/src/policy/shape.ts` is the policy's; `policy.schema.json` is written from it).

declare const STATIC: unique symbol;

/** A schema node that accepts values of type `T`. */
export type Node<T> = SchemaNode & { readonly [STATIC]?: T };

/** The type of the values a node accepts. */
export type Static<N> = N extends Node<infer T> ? T : never;

type Docs = { description?: string };

type Optional<P, R extends keyof P> = { [K in keyof P as K extends R ? never : K]?: Static<P[K]> };
type Required<P, R extends keyof P> = { [K in keyof P as K extends R ? K : never]: Static<P[K]> };
/** `T` with its intersections merged into one object type (what an editor shows). */
export type Flat<T> = { [K in keyof T]: T[K] };

export const string = (o: Docs & { minLength?: number; pattern?: string } = {}): Node<string> => ({ ...docs(o), type: 'string', ...rest(o) });
export const integer = (o: Docs & { minimum?: number; maximum?: number } = {}): Node<number> => ({ ...docs(o), type: 'integer', ...rest(o) });
export const boolean = (o: Docs = {}): Node<boolean> => ({ ...docs(o), type: 'boolean' });
/** Exactly `value` (`{ type, const }`). */
export const constant = <V extends boolean>(value: V, o: Docs = {}): Node<V> => ({ ...docs(o), type: 'boolean', const: value });
/** One of `values` (`{ type, enum }`). */
export const oneOf = <const V extends string | number>(values: readonly V[], o: Docs = {}): Node<V> =>
  ({ ...docs(o), type: typeof values[0] === 'number' ? 'integer' : 'string', enum: [...values] });
export const array = <T>(items: Node<T>, o: Docs & { minItems?: number } = {}): Node<T[]> => ({ ...docs(o), type: 'array', ...rest(o), items });
/** Any of the branches (`anyOf`). */
export const anyOf = <B extends Node<unknown>[]>(branches: B, o: Docs = {}): Node<Static<B[number]>> => ({ ...docs(o), anyOf: branches });
/** An object with exactly these properties (`additionalProperties: false`), `required` ones first. */
export function object<P extends Record<string, Node<unknown>>, R extends keyof P & string = never>(
  properties: P, required: readonly R[] = [], o: Docs = {},
): Node<Flat<Required<P, R> & Optional<P, R>>> {
  return { ...docs(o), type: 'object', additionalProperties: false, ...(required.length > 0 ? { required: [...required] } : {}), properties };
}
/** Any JSON object (`{ type: 'object' }`). */
export const anyObject = (): Node<object> => ({ type: 'object' });
/** A reference to `$defs[name]`, typed as the definition. */
export const ref = <T>(name: string, _definition: Node<T>, o: Docs = {}): Node<T> => ({ ...docs(o), $ref: `#/$defs/${name}` });
/** `node` typed as `T`, where TypeScript knows more than JSON can say (a vow name, not any string). */
export const typed = <T>(node: SchemaNode): Node<T> => node;

function docs(o: Docs): Docs {
  return o.description === undefined ? {} : { description: o.description };
}

function rest<O extends Docs>(o: O): Omit<O, 'description'> {
  const { description: _, ...others } = o;
  return others;
}
