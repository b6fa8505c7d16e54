import { readFileSync } from 'node:fs';

/** The ```js blocks of a README (a file URL or path), in order: examples that tests run as printed. */
export function readmeExamples(file: string | URL): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
}
