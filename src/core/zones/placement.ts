// Where a launch attempt puts a job (zone, its spot price, the zones that failed before it), added
// to the plan as a new value: the job's metadata.json then says where it ran and what it cost.
import type { ZoneAttempt } from '../model.js';
import type { LaunchPlan } from '../ports/backend.js';

export interface Placement {
  zone: string;
  /** Spot price of the machine in this zone, USD per hour; null when prices are unknown. */
  hourlyUsd: number | null;
  /** The zones tried before this one, in order. */
  zonesTried: readonly ZoneAttempt[];
}

/** The plan as launched in one zone. Dev machines' job.json has no placement: it is returned as is. */
export function placePlan(plan: LaunchPlan, p: Placement): LaunchPlan {
  if (plan.kind !== 'commit') return plan;
  const job = plan.jobConfig;
  return {
    ...plan,
    jobConfig: {
      ...job,
      machine: { ...job.machine, zone: p.zone, hourly_usd: p.hourlyUsd },
      metadata: { ...job.metadata, zone: p.zone, zones_tried: [...p.zonesTried] },
    },
  };
}
