import { dropOpsBeforeExec, type CapName } from '@exile/caps';

/** The pre-exec step keeping only `keep`, from @exile/caps' drop() recipe, as JavaScript source. */
export function capsStep(keep: CapName[], userNamespace: boolean): string {
  return `{ type: 'caps', ops: new Uint8Array(${JSON.stringify([...dropOpsBeforeExec({ keep }, { userNamespace })])}) }`;
}
