import type { Report, ReportItem } from '../plan/types.js';

/**
 * Whether a report item is about something the policy asked for. Landlock rights that only a
 * newer kernel has, and which the policy never named, are this kernel's news, not the
 * program's sandbox: `exile probe` lists them.
 */
export function asked(item: ReportItem): boolean {
  return !(item.what.startsWith('landlock right ') && item.detail?.startsWith('not named by the spec') === true);
}

/** `exile run --report`: one line per asked item, or (`json`) the report as one JSON line. */
export function renderReport(report: Report, json: boolean): string {
  const items = report.items.filter(asked);
  if (json) return `${JSON.stringify({ mode: report.mode, items })}\n`;
  return items.map((i) => `exile: ${i.enforced ? 'enforced' : 'NOT enforced'}: ${i.what} [${i.mechanism}]${i.detail ? ` ${i.detail}` : ''}\n`).join('');
}
