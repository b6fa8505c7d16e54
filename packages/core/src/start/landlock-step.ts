import { compile, type RulesetModel } from '@exile/landlock';
import type { PreExecStep } from '@exile/namespaces';
import type { LandlockStepSpec, ReportItem } from '../plan/types.js';

/**
 * The Landlock step of a child's plan as exile-launch's pre-exec step: @exile/landlock compiles
 * the spec into the ruleset bytes the launcher applies (every compat decision: strict mode throws
 * ERR_EXILE_UNSUPPORTED here, before any child starts; every path resolved once, here). Also
 * returns the notes on single rules and every path that resolved elsewhere, as report items, and
 * the ruleset's model (for `--diagnose`). No step when nothing can be handled. `asIs`: paths the launcher mounts afresh.
 */
export function landlockPreExec(spec: LandlockStepSpec, asIs: readonly string[] = []): { step?: PreExecStep; items: ReportItem[]; model?: RulesetModel } {
  const compiled = compile(spec, undefined, { asIs });
  // The rights left out are in the plan's items already; only notes on single rules are new.
  const items = compiled.notEnforced.filter((n) => n.required === undefined)
    .map((n): ReportItem => ({ what: `landlock right ${n.what}`, mechanism: `landlock ABI ${compiled.abi}`, enforced: false, detail: n.reason }));
  for (const path of compiled.paths.filter((p) => p.path !== p.given)) {
    items.push({ what: `file system: ${path.given} is ${path.path}`, mechanism: 'landlock', enforced: true,
      detail: `resolved once, when planned: the rule is on ${path.path}; if the path changes before the program starts, the start fails` });
  }
  if (compiled.ruleset.length === 0) return { items };
  return { step: { type: 'landlock', ruleset: compiled.ruleset }, items, model: compiled.model };
}
