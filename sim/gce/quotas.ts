// Region and project quotas (`regions.get` / `projects.get` `quotas[]`, usage counted from the VMs
// that hold resources), the insert refusal when one is exceeded, and the Compute Engine API turned
// off (`accessNotConfigured`). Controlled through `/_sim/quotas`:
//   {computeApiEnabled?: boolean, project?: {METRIC: limit}, regions?: {REGION: {METRIC: limit}}}
// Limits are generous until a test lowers one; a new project's GPUS_ALL_REGIONS of 0 is one call.
import type { Instance } from '../../src/adapters/gce/api-types.js';
import { gpuMetric } from '../../src/core/doctor/checks.js';
import type { SimContext } from './context.js';
import { last } from './context.js';
import { zoneRegion } from './fixture.js';
import { apiError } from './shapes.js';

interface QuotaState {
  apiEnabled: boolean;
  project: Record<string, number>;
  regions: Record<string, Record<string, number>>;
}

const states = new WeakMap<SimContext, QuotaState>();

function state(ctx: SimContext): QuotaState {
  let s = states.get(ctx);
  if (!s) {
    s = { apiEnabled: true, project: { GPUS_ALL_REGIONS: 64, CPUS_ALL_REGIONS: 4096 }, regions: {} };
    states.set(ctx, s);
  }
  return s;
}

const DEFAULT_REGION_LIMIT = (metric: string): number => (metric.endsWith('CPUS') ? 1024 : 64);

/** The metrics an instance counts against, with amounts (its region's, then the project's). */
function demand(
  ctx: SimContext,
  zone: string,
  req: Instance,
): { region: Record<string, number>; project: Record<string, number> } {
  const cpus = ctx.fixture.machineTypes[last(req.machineType)]?.guestCpus ?? 0;
  const spot = req.scheduling?.provisioningModel === 'SPOT' || req.scheduling?.preemptible === true;
  const region: Record<string, number> = { [spot ? 'PREEMPTIBLE_CPUS' : 'CPUS']: cpus };
  const project: Record<string, number> = { CPUS_ALL_REGIONS: cpus };
  for (const a of req.guestAccelerators ?? []) {
    const n = a.acceleratorCount ?? 1;
    const name = last(a.acceleratorType);
    // A spot VM counts against the preemptible metric when that quota is granted, else the standard one.
    const pre = gpuMetric(name, true);
    const metric =
      spot && limitOf(ctx, zoneRegion(ctx.fixture, zone) ?? '', pre) > 0 ? pre : gpuMetric(name, false);
    region[metric] = (region[metric] ?? 0) + n;
    project['GPUS_ALL_REGIONS'] = (project['GPUS_ALL_REGIONS'] ?? 0) + n;
  }
  return { region, project };
}

function limitOf(ctx: SimContext, region: string, metric: string): number {
  return state(ctx).regions[region]?.[metric] ?? DEFAULT_REGION_LIMIT(metric);
}

/** Usage by the VMs that hold resources (a stopped or terminated VM holds no CPU or GPU quota). */
function usage(ctx: SimContext): {
  region: Record<string, Record<string, number>>;
  project: Record<string, number>;
} {
  const out = { region: {} as Record<string, Record<string, number>>, project: {} as Record<string, number> };
  for (const i of ctx.world.instances.values()) {
    if (i.status === 'TERMINATED' || i.status === 'STOPPED' || i.status === 'SUSPENDED') continue;
    const r = zoneRegion(ctx.fixture, i.zone) ?? '';
    const d = demand(ctx, i.zone, i.body);
    const into = out.region[r] ?? {};
    out.region[r] = into;
    for (const [m, n] of Object.entries(d.region)) into[m] = (into[m] ?? 0) + n;
    for (const [m, n] of Object.entries(d.project)) out.project[m] = (out.project[m] ?? 0) + n;
  }
  return out;
}

/** `quotas[]` of regions.get. */
export function regionQuotas(
  ctx: SimContext,
  region: string,
): { metric: string; limit: number; usage: number }[] {
  const used = usage(ctx).region[region] ?? {};
  const metrics = new Set(['CPUS', 'PREEMPTIBLE_CPUS', ...Object.keys(state(ctx).regions[region] ?? {})]);
  for (const a of Object.keys(ctx.fixture.accelerators)) {
    metrics.add(gpuMetric(a, false));
    metrics.add(gpuMetric(a, true));
  }
  return [...metrics]
    .sort()
    .map((metric) => ({ metric, limit: limitOf(ctx, region, metric), usage: used[metric] ?? 0 }));
}

/** `quotas[]` of projects.get. */
export function projectQuotas(ctx: SimContext): { metric: string; limit: number; usage: number }[] {
  const used = usage(ctx).project;
  return Object.entries(state(ctx).project)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([metric, limit]) => ({ metric, limit, usage: used[metric] ?? 0 }));
}

/** The refusal of an insert that would exceed a quota, worded as GCE words it; null when it fits. */
export function quotaRefusal(
  ctx: SimContext,
  zone: string,
  req: Instance,
): ReturnType<typeof apiError> | null {
  const region = zoneRegion(ctx.fixture, zone) ?? '';
  const d = demand(ctx, zone, req);
  const used = usage(ctx);
  for (const [metric, n] of Object.entries(d.project)) {
    const limit = state(ctx).project[metric];
    if (limit !== undefined && (used.project[metric] ?? 0) + n > limit)
      return apiError(
        403,
        'quotaExceeded',
        `Quota '${metric}' exceeded.  Limit: ${limit.toFixed(1)} globally.`,
      );
  }
  for (const [metric, n] of Object.entries(d.region)) {
    const limit = limitOf(ctx, region, metric);
    if ((used.region[region]?.[metric] ?? 0) + n > limit)
      return apiError(
        403,
        'quotaExceeded',
        `Quota '${metric}' exceeded.  Limit: ${limit.toFixed(1)} in region ${region}.`,
      );
  }
  return null;
}

/**
 * Every compute call while the API is off: Google's 403 (reason accessNotConfigured, domain
 * usageLimits), e.g. as quoted in github.com/vmware-archive/gcp-pcf-quickstart/issues/12 and
 * github.com/fog/fog/issues/3996.
 */
export function apiDisabled(ctx: SimContext): ReturnType<typeof apiError> | null {
  if (state(ctx).apiEnabled) return null;
  const n = ctx.fixture.projectNumber;
  const message = `Compute Engine API has not been used in project ${n} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/compute.googleapis.com/overview?project=${n} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`;
  const body = apiError(403, 'accessNotConfigured', message, 'usageLimits');
  return { error: { ...body.error, status: 'PERMISSION_DENIED' } } as ReturnType<typeof apiError>;
}

/** `/_sim/quotas`: change limits or the API switch; answers the current state. */
export function quotaControl(ctx: SimContext, body: Record<string, unknown>): unknown {
  const s = state(ctx);
  if (typeof body['computeApiEnabled'] === 'boolean') s.apiEnabled = body['computeApiEnabled'];
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  for (const [m, v] of Object.entries((body['project'] as Record<string, unknown>) ?? {}))
    if (num(v)) s.project[m] = v as number;
  for (const [r, qs] of Object.entries((body['regions'] as Record<string, Record<string, unknown>>) ?? {}))
    for (const [m, v] of Object.entries(qs ?? {})) {
      if (!num(v)) continue;
      const limits = s.regions[r] ?? {};
      limits[m] = v as number;
      s.regions[r] = limits;
    }
  return { computeApiEnabled: s.apiEnabled, project: projectQuotas(ctx), regions: s.regions };
}
