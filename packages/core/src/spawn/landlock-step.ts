import { statSync } from 'node:fs';
import { compile, type CompiledRuleset } from '@exile/landlock';
import type { LandlockRuleSpec, PreExecStep } from '@exile/namespaces';
import type { LandlockStepSpec, ReportItem } from '../plan/types.js';

/**
 * A path rule for the launcher: Landlock refuses directory-only rights on a file, so the mask
 * depends on what the path is now (the launcher opens the same path right before exec). A path
 * that is gone is skipped when the spec says `missingPaths: 'ignore'`; spawn() checked the rest.
 */
function pathRule(rule: CompiledRuleset['paths'][number], missing: CompiledRuleset['missingPaths']): LandlockRuleSpec[] {
  let dir: boolean;
  try {
    dir = statSync(rule.path).isDirectory();
  } catch (error) {
    if (missing === 'ignore') return [];
    throw error;
  }
  const access = dir ? rule.access : rule.fileAccess;
  return access === 0 ? [] : [{ path: rule.path, access }];
}

/**
 * The Landlock step of a child's plan as exile-launch's pre-exec step: @exile/landlock compiles
 * the spec (every compat decision: strict mode throws ERR_EXILE_UNSUPPORTED here, before any
 * child starts) and the launcher only makes the syscalls. Also returns what this kernel's ABI
 * leaves out, as report items. No step when nothing can be handled.
 */
export function landlockPreExec(spec: LandlockStepSpec): { step?: PreExecStep; items: ReportItem[] } {
  const ruleset = compile(spec);
  const items = ruleset.notEnforced.map((n): ReportItem => ({ what: `landlock right ${n.what}`, mechanism: `landlock ABI ${ruleset.abi}`, enforced: false, detail: n.reason }));
  if (ruleset.abi === 0) return { items };
  return {
    step: {
      type: 'landlock',
      abi: ruleset.abi,
      handledAccessFs: ruleset.handled.fs,
      handledAccessNet: ruleset.handled.net,
      scoped: ruleset.handled.scoped,
      rules: [...ruleset.paths.flatMap((rule) => pathRule(rule, ruleset.missingPaths)), ...ruleset.ports.map(({ port, access }) => ({ port, access }))],
      restrictFlags: ruleset.restrictFlags,
    },
    items,
  };
}
