// Where a launch attempt puts a job (zone, its spot price, the zones that failed before it), added
// to the plan as a new value: the job's metadata.json then says where it ran and what it cost.
import type { ZoneAttempt } from '../model.js';
import type { LaunchPlan } from '../ports/backend.js';

export interface PlacedAt {
  /** null: a backend without zones (the plan is launched as it is). */
  zone: string | null;
  /** Spot price of the machine in this zone, USD per hour; null when prices are unknown. */
  hourlyUsd: number | null;
  /** The zones tried before this one, in order. */
  zonesTried: readonly ZoneAttempt[];
}

/**
 * The plan as launched in one zone. Dev machines' job.json has no placement, nor has a launch where
 * there are no zones: those plans are returned as they are.
 */
export function placePlan(plan: LaunchPlan, p: PlacedAt): LaunchPlan {
  if (plan.kind !== 'commit' || p.zone === null) return plan;
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
