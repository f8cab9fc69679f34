// What a sweep of more than CONFIRM_ABOVE runs asks before it starts: the count and the most it
// may cost (hourly price × max_duration per run), or why that is unknown. Pure.
import { formatDuration } from '../status/format.js';

export function costEstimate(o: {
  runs: number;
  backend: string;
  hourlyUsd: number | null;
  maxDurationSeconds: number;
  maxCostUsd: number | null;
}): string {
  if (o.backend === 'local') return 'on this machine: no cloud cost';
  const perRunCap =
    o.hourlyUsd !== null && o.maxDurationSeconds > 0 ? (o.hourlyUsd * o.maxDurationSeconds) / 3600 : null;
  const perRun =
    perRunCap !== null && o.maxCostUsd !== null
      ? Math.min(perRunCap, o.maxCostUsd)
      : (perRunCap ?? o.maxCostUsd);
  if (perRun === null)
    return o.maxDurationSeconds > 0
      ? `price unknown until a zone is chosen; each run stops after max_duration ${formatDuration(o.maxDurationSeconds)}`
      : 'price unknown until a zone is chosen, and no max_duration or max_cost_usd bounds a run';
  return `at most $${(perRun * o.runs).toFixed(2)} (${o.runs} × $${perRun.toFixed(2)})`;
}

export function confirmQuestion(runs: number, estimate: string): string {
  return `start a sweep of ${runs} commits (${estimate})? [y/N] `;
}
