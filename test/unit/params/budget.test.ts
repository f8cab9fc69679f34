// budget.monthly_usd maths: this calendar month's (UTC) cost_usd, and the one-line refusal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetRefusal, monthSpend, type SpendRow } from '../../../src/core/budget/budget.js';

const row = (
  started_at: string | null,
  cost_usd: number | null,
  timestamp = '2024-11-01T00:00:00Z',
): SpendRow => ({
  started_at,
  cost_usd,
  timestamp,
});
const now = new Date('2024-11-20T12:00:00Z');

describe('monthSpend', () => {
  const table: [string, SpendRow[], number][] = [
    ['no rows', [], 0],
    [
      'this month only',
      [row('2024-11-02T00:00:00Z', 4.2), row('2024-10-31T23:59:59Z', 100), row('2024-12-01T00:00:00Z', 7)],
      4.2,
    ],
    ['the first instant of the month counts', [row('2024-11-01T00:00:00Z', 1.25)], 1.25],
    [
      'unknown costs count nothing',
      [row('2024-11-03T00:00:00Z', null), row('2024-11-04T00:00:00Z', 0.1)],
      0.1,
    ],
    [
      'no start time: the id time',
      [row(null, 2, '2024-11-05T10:00:00Z'), row(null, 3, '2024-10-05T10:00:00Z')],
      2,
    ],
    ['sums without float dust', [row('2024-11-02T00:00:00Z', 0.1), row('2024-11-03T00:00:00Z', 0.2)], 0.3],
  ];
  for (const [what, rows, want] of table) it(what, () => assert.equal(monthSpend(rows, now), want));
});

describe('budgetRefusal', () => {
  it('lets a commit start under the budget', () =>
    assert.equal(budgetRefusal([row('2024-11-02T00:00:00Z', 9.99)], now, 10), null));
  it('refuses at or past it, with the figures and the date it resets', () => {
    const e = budgetRefusal([row('2024-11-02T00:00:00Z', 8), row('2024-11-09T00:00:00Z', 4.4)], now, 10);
    assert.equal(
      e?.line(),
      "mymlops: this month's recorded spend $12.40 has reached budget.monthly_usd $10 — raise it or wait until 2024-12-01",
    );
    assert.ok(budgetRefusal([row('2024-11-02T00:00:00Z', 10)], now, 10));
  });
  it('December resets in January', () =>
    assert.match(
      budgetRefusal([row('2024-12-02T00:00:00Z', 3)], new Date('2024-12-31T23:00:00Z'), 2.5)!.line(),
      /\$2\.50 — raise it or wait until 2025-01-01$/,
    ));
});
