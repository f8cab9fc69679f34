// The launch members of a fake ComputeBackend: one placement without a zone (as the local backend
// has), whose try is `tryPlan`. The failover loop in core drives them as it drives a real backend.
import type { Result } from '../../src/errors.js';
import type { Machine } from '../../src/core/model.js';
import type { ComputeBackend, LaunchPlan, PlacementFailure } from '../../src/core/ports/backend.js';

export function onePlacement(
  tryPlan: (plan: LaunchPlan) => Promise<Result<Machine, PlacementFailure>>,
): Pick<ComputeBackend, 'placements' | 'prepareAttempt' | 'tryPlacement' | 'notify'> {
  return {
    placements: async () => [{ zone: null, region: null, hourlyUsd: null }],
    prepareAttempt: async (plan) => ({ machine: plan.machineName, zone: null, requestId: null }),
    tryPlacement: (plan) => tryPlan(plan),
    notify: () => {},
  };
}

/** A failure that ends the launch with `message` (no other placement would help). */
export const stopWith = (message: string): PlacementFailure => ({
  kind: 'capacity',
  scope: 'global',
  code: 'no_capacity',
  message,
  explained: message,
});
