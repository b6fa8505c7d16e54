import { compile, type CompileOptions, type LandlockSpec } from '@exile/landlock';

/** The pre-exec step applying `spec`, compiled now by @exile/landlock (paths resolved now), as JavaScript source. */
export function landlockStep(spec: LandlockSpec, options?: CompileOptions): string {
  const { ruleset } = compile(spec, undefined, options);
  return `{ type: 'landlock', ruleset: new Uint8Array(${JSON.stringify([...ruleset])}) }`;
}
