import { readFileSync } from 'node:fs';
import type { SchemaNode } from './schema-check.js';

/** Where the shipped JSON Schema lives (package root; this module is at src|dist/policy/). */
export const policySchemaUrl = new URL('../../policy.schema.json', import.meta.url);

/** The JSON Schema of a policy file, as shipped in the package (`@exile/core/policy.schema.json`). */
export const policySchema = JSON.parse(readFileSync(policySchemaUrl, 'utf8')) as SchemaNode;
