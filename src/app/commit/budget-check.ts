// budget.monthly_usd at commit time: the month's recorded spend comes from the status rows (the
// output repository's metadata.json costs), so it reads the same figures `mymlops status` shows.
import type { AppContext } from '../context.js';

export async function checkBudget(ctx: AppContext): Promise<void> {
  const monthly = ctx.config.budget?.monthly_usd ?? null;
  if (monthly === null) return;
  const [{ statusService }, { budgetRefusal }] = await Promise.all([
    import('../status/service.js'),
    import('../../core/budget/budget.js'),
  ]);
  const snap = await statusService(ctx, { failWhenUnreachable: true }).service.snapshot();
  const refusal = budgetRefusal(snap.commits, ctx.now(), monthly);
  if (refusal) throw refusal;
}
