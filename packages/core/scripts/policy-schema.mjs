// `pnpm run build` writes policy.schema.json from the policy's shape (src/policy/shape.ts, built
// to dist/): the schema and the Policy type are written once, there. test/policy-agreement.test.ts
// fails when the shipped file is not that schema.
import { writeFileSync } from 'node:fs';

const { policySchema } = await import('../dist/index.js');
writeFileSync(new URL('../policy.schema.json', import.meta.url), `${JSON.stringify(policySchema, null, 2)}\n`);
