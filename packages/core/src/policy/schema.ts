import type { SchemaNode } from './schema-check.js';
import { policyShape } from './shape.js';

/** The JSON Schema of a policy file (`@exile/core/policy.schema.json` is written from it at build time). */
export const policySchema: SchemaNode = policyShape;
