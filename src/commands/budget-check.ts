// budget.monthly_usd at commit time: the month's recorded spend comes from the status rows (the
// output repository's metadata.json costs), so it reads the same figures `mymlops status` shows.
import type { Config } from '../config/types.js';
import { mymlopsHome } from '../util/paths.js';

export async function checkBudget(
  cfg: Config,
  now: Date = new Date(),
  home: string = mymlopsHome(),
): Promise<void> {
  const monthly = cfg.budget?.monthly_usd ?? null;
  if (monthly === null) return;
  const [{ statusSources }, { StatusService }, { budgetRefusal }] = await Promise.all([
    import('../adapters/output-repo/status-sources.js'),
    import('../core/status/service.js'),
    import('../core/budget/budget.js'),
  ]);
  const snap = await new StatusService(statusSources(cfg, home, { failWhenUnreachable: true })).snapshot();
  const refusal = budgetRefusal(snap.commits, now, monthly);
  if (refusal) throw refusal;
}
