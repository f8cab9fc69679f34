// budget.monthly_usd at commit time: the month's recorded spend comes from the status rows (the
// output repository's metadata.json costs), so it reads the same figures `mymlops status` shows.
import type { AppContext } from './context.js';

export async function checkBudget(ctx: AppContext): Promise<void> {
  const monthly = ctx.config.budget?.monthly_usd ?? null;
  if (monthly === null) return;
  const [{ statusSources }, { StatusService }, { budgetRefusal }] = await Promise.all([
    import('../adapters/output-repo/status-sources.js'),
    import('../core/status/service.js'),
    import('../core/budget/budget.js'),
  ]);
  const sources = statusSources(ctx.config, ctx.home, ctx.backend(), { failWhenUnreachable: true });
  const snap = await new StatusService(sources).snapshot();
  const refusal = budgetRefusal(snap.commits, ctx.now(), monthly);
  if (refusal) throw refusal;
}
