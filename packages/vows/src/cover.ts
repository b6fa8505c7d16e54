import { VOW_NAMES, type Vow } from './names.js';
import { cost, vowsAllowing, type ObservedCall } from './allowing.js';

/** The answer of `coverCalls()`. */
export interface Cover {
  /** The cheapest vow set (fewest vows, broad ones only when needed) that allows every coverable call, in table order. */
  vows: Vow[];
  /** Calls no vow allows: they need `syscalls` rules (`suggestRule()`). */
  uncovered: ObservedCall[];
}

export interface CoverOptions {
  /** Vows the answer must contain anyway (e.g. `stdio`, when its calls were not recorded one by one). */
  required?: readonly Vow[];
}

/**
 * The smallest vow set whose union allows every call in `calls`, computed exactly: each call is
 * a choice between its alternatives (`vowsAllowing()`), and a branch-and-bound search over those
 * choices finds the set of least `cost()` — fewest vows, broad vows (tmppath, dns, unveil) only
 * when nothing narrower covers, then the least granted. Calls needing no vow are dropped first,
 * and so are calls any choice already covers, so the search only branches on real alternatives.
 */
export function coverCalls(calls: readonly ObservedCall[], options: CoverOptions = {}): Cover {
  const uncovered: ObservedCall[] = [];
  const choices = new Map<string, Vow[][]>();
  for (const call of calls) {
    const alternatives = vowsAllowing(call);
    if (alternatives.length === 0) uncovered.push(call);
    else choices.set(alternatives.map((set) => set.join(' ')).join('|'), alternatives);
  }
  const best = search([...choices.values()], new Set(options.required ?? []));
  return { vows: VOW_NAMES.filter((vow) => best.has(vow)), uncovered };
}

const setCost = (set: ReadonlySet<Vow>): number => cost([...set]);
const covered = (choice: readonly Vow[][], chosen: ReadonlySet<Vow>): boolean => choice.some((set) => set.every((vow) => chosen.has(vow)));

function search(choices: readonly Vow[][][], start: Set<Vow>): Set<Vow> {
  let best: Set<Vow> | undefined;
  let bestCost = Infinity;
  const visit = (chosen: Set<Vow>): void => {
    const chosenCost = setCost(chosen);
    if (chosenCost >= bestCost) return;
    // Branch on the open choice with the fewest alternatives: forced choices cost no branching.
    let open: Vow[][] | undefined;
    for (const choice of choices) {
      if (covered(choice, chosen)) continue;
      if (open === undefined || choice.length < open.length) open = choice;
    }
    if (open === undefined) {
      best = chosen;
      bestCost = chosenCost;
      return;
    }
    for (const set of open) visit(new Set([...chosen, ...set]));
  };
  visit(start);
  // Every choice has at least one alternative, so some leaf is always reached.
  return best!;
}
