// The launch loop, the same for every backend: try the placements in order until one takes the
// machine, going on or stopping by what the backend's classified failure rules out (a zone's
// stockout → the next zone, a regional quota → skip the region's zones, anything global → stop).
// Each attempt is announced (`onAttempt`, the caller's crash-safe launch record) before its create
// request is sent, and sends the plan placed where it goes (placePlan: zone, price, zones tried so
// far). A backend that cannot tell how a request ended throws instead of failing, so the loop never
// moves on while a machine may exist: no second machine of one launch in another zone.
import { err, ok, type Result } from '../../errors.js';
import { creatingNotice } from '../commit/progress-line.js';
import type { ZoneAttempt } from '../model.js';
import type {
  ComputeBackend,
  LaunchFailure,
  LaunchHooks,
  LaunchPlan,
  Launched,
  Placement,
  PlacementFailure,
} from '../ports/backend.js';
import { placePlan } from '../zones/placement.js';

export interface LaunchOptions extends LaunchHooks {
  /** `backend.placements(plan)` when the caller started it early; looked up here otherwise. */
  placements?: Promise<Placement[]>;
}

type Port = Pick<ComputeBackend, 'placements' | 'prepareAttempt' | 'tryPlacement' | 'notify'>;

/** What a failure that ends the launch is called in a LaunchFailure. */
const FAILURE_CODE: Record<PlacementFailure['kind'], LaunchFailure['code']> = {
  capacity: 'no_capacity',
  quota: 'quota',
  permission: 'permission',
  config: 'config',
  exists: 'exists',
  other: 'other',
};

/** Launches `plan` on `backend`: the placements, then the failover over them. */
export async function launchWithFailover(
  backend: Port,
  plan: LaunchPlan,
  o: LaunchOptions = {},
): Promise<Result<Launched, LaunchFailure>> {
  const placements = await untilAborted(o.placements ?? backend.placements(plan), o.signal);
  if (!placements) return err(interrupted('interrupted while choosing where to launch', []));
  return failover(backend, plan, placements, o);
}

const interrupted = (message: string, zonesTried: ZoneAttempt[]): LaunchFailure => ({
  code: 'interrupted',
  message,
  zonesTried,
});

/** The loop over resolved placements; its state is its own (nothing is shared with the caller). */
export async function failover(
  backend: Port,
  plan: LaunchPlan,
  placements: readonly Placement[],
  hooks: LaunchHooks = {},
): Promise<Result<Launched, LaunchFailure>> {
  const tried: ZoneAttempt[] = [];
  const blockedRegions = new Set<string>();
  let anyCapacity = false;
  let last: PlacementFailure | null = null;
  for (const at of placements) {
    if (at.region !== null && blockedRegions.has(at.region)) continue;
    if (hooks.signal?.aborted) return err(interrupted('interrupted before a machine was asked for', tried));
    const placed = placePlan(plan, { zone: at.zone, hourlyUsd: at.hourlyUsd, zonesTried: tried });
    const attempt = await backend.prepareAttempt(placed, at);
    if (at.zone !== null) backend.notify(creatingNotice(plan.machineName, at.zone, priceLabel(plan, at)));
    // Recorded by the caller before the request leaves: from here on the machine may exist.
    hooks.onAttempt?.(attempt);
    const r = await backend.tryPlacement(placed, attempt);
    if (r.ok) return ok({ machine: r.value, zonesTried: tried });
    const f = r.error;
    if (f.kind === 'exists') return err({ code: 'exists', message: f.message, zonesTried: tried });
    // A backend without zones has nowhere else to try.
    if (at.zone === null) return err({ code: FAILURE_CODE[f.kind], message: f.explained, zonesTried: tried });
    last = f;
    anyCapacity ||= f.kind === 'capacity';
    tried.push({ zone: at.zone, code: f.code, message: f.message, scope: f.scope });
    if (f.scope === 'global')
      return err({ code: FAILURE_CODE[f.kind], message: f.explained, zonesTried: tried });
    const region = f.scope === 'region' ? at.region : null;
    if (region !== null) blockedRegions.add(region);
    backend.notify(`mymlops: ${at.zone}: ${f.code}${region !== null ? ` (skipping region ${region})` : ''}`);
  }
  const summary = tried.map((t) => `${t.zone} (${t.code})`).join(', ');
  return err({
    code: anyCapacity || last?.kind !== 'quota' ? 'no_capacity' : 'quota',
    message: `no zone could take the VM: ${summary} — try again later or widen instance.zone_regex`,
    zonesTried: tried,
  });
}

/** "spot ≈ $0.123/h" for the creating notice; null when the price is unknown. */
function priceLabel(plan: LaunchPlan, at: Placement): string | null {
  if (at.hourlyUsd === null) return null;
  return `${plan.instance?.spot ? 'spot' : 'on-demand'} ≈ $${at.hourlyUsd.toFixed(3)}/h`;
}

/** `p`'s value, or null as soon as `signal` is aborted (the look-up itself goes on, unused). */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T | null> {
  if (!signal) return p;
  if (signal.aborted) return Promise.resolve(null);
  return new Promise<T | null>((resolve, reject) => {
    const onAbort = () => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
