// budget.monthly_usd: the month's recorded spend is the sum of cost_usd over the status rows of
// commits started in the current calendar month (UTC). A commit is refused once it has reached the
// budget. Pure.
import { UserError } from '../../errors.js';

export interface SpendRow {
  cost_usd: number | null;
  started_at: string | null;
  timestamp: string;
}

function monthStart(d: Date, offset = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
}

export function monthSpend(rows: SpendRow[], now: Date): number {
  const from = monthStart(now).getTime();
  const to = monthStart(now, 1).getTime();
  let sum = 0;
  for (const r of rows) {
    const t = Date.parse(r.started_at ?? r.timestamp);
    if (typeof r.cost_usd === 'number' && t >= from && t < to) sum += r.cost_usd;
  }
  return Math.round(sum * 10_000) / 10_000;
}

const usd = (x: number) => `$${x.toFixed(2)}`;
const limitText = (x: number) => `$${Number.isInteger(x) ? x : x.toFixed(2)}`;

/** The refusal when this month's spend has reached the budget; null when the commit may start. */
export function budgetRefusal(rows: SpendRow[], now: Date, monthlyUsd: number): UserError | null {
  const spent = monthSpend(rows, now);
  if (spent < monthlyUsd) return null;
  const next = monthStart(now, 1).toISOString().slice(0, 10);
  return new UserError(
    `this month's recorded spend ${usd(spent)} has reached budget.monthly_usd ${limitText(monthlyUsd)}`,
    `raise it or wait until ${next}`,
  );
}
