// `mymlops doctor`: which checks run, in which order, what each needs first, and the verdicts that
// need no I/O (quota arithmetic, the zones on offer, the line printed). The adapters in
// src/app/doctor*.ts ask Compute Engine and git; everything they learn comes back here as data.
import { regionOf } from '../zones/rank.js';

export type CheckId =
  | 'credentials'
  | 'api'
  | 'offer'
  | 'quota'
  | 'boot-disk'
  | 'service-account'
  | 'code-repo'
  | 'output-repo'
  | 'prices';

export interface CheckSpec {
  id: CheckId;
  label: string;
  /** Checks that must pass first (otherwise this one is skipped, said so). */
  needs: CheckId[];
  /** False: a failure is shown but a commit can still run (prices only rank zones). */
  blocking: boolean;
}

export interface CheckResult {
  id: CheckId;
  label: string;
  state: 'ok' | 'fail' | 'skipped';
  /** What was found (✔) or what is wrong (✘). */
  detail: string;
  /** How to fix a failure. */
  fix: string | null;
  blocking: boolean;
}

/** What one check found: its result without the spec's id, label and blocking. */
export type Verdict = Pick<CheckResult, 'state' | 'detail' | 'fix'>;

export interface DoctorInput {
  backend: 'local' | 'gce';
  /** Absent for the local backend or a config without commit.instance. */
  accelerator: string | null;
}

const GCE: CheckSpec[] = [
  { id: 'credentials', label: 'credentials and project', needs: [], blocking: true },
  { id: 'api', label: 'Compute Engine API', needs: ['credentials'], blocking: true },
  { id: 'offer', label: 'machine type and GPU on offer', needs: ['api'], blocking: true },
  { id: 'quota', label: 'GPU quota', needs: ['offer'], blocking: true },
  { id: 'boot-disk', label: 'boot disk snapshot', needs: ['api'], blocking: true },
  { id: 'service-account', label: 'VM service account', needs: ['api'], blocking: true },
];
const GIT: CheckSpec[] = [
  { id: 'code-repo', label: 'code repository', needs: [], blocking: true },
  { id: 'output-repo', label: 'output repository', needs: [], blocking: true },
];
const PRICES: CheckSpec = { id: 'prices', label: 'prices', needs: ['credentials'], blocking: false };

/** The checks for a config, in the order they are shown. */
export function planChecks(i: DoctorInput): CheckSpec[] {
  if (i.backend === 'local') return [...GIT];
  return [...GCE.filter((c) => c.id !== 'quota' || i.accelerator !== null), ...GIT, PRICES];
}

/** The first of `spec.needs` that did not pass, or null when the check may run. */
export function blockedBy(spec: CheckSpec, done: CheckResult[]): CheckResult | null {
  for (const n of spec.needs) {
    const r = done.find((d) => d.id === n);
    if (r && r.state !== 'ok') return r;
  }
  return null;
}

export function skipped(spec: CheckSpec, by: CheckResult): CheckResult {
  return {
    id: spec.id,
    label: spec.label,
    state: 'skipped',
    detail: `not checked: ${by.label} failed first`,
    fix: null,
    blocking: spec.blocking,
  };
}

/** A commit can run when no blocking check failed or was skipped. */
export function canCommit(results: CheckResult[]): boolean {
  return results.every((r) => !r.blocking || r.state === 'ok');
}

/** One line per check: `✔ label: detail` or `✘ label: detail — fix`. */
export function resultLine(r: CheckResult): string {
  const mark = r.state === 'ok' ? '✔' : r.state === 'skipped' ? '–' : '✘';
  const note = r.state === 'fail' && !r.blocking ? ' (a commit still runs)' : '';
  return `${mark} ${r.label}: ${r.detail}${r.fix ? ` — ${r.fix}` : ''}${note}`;
}

// ---------- Compute Engine verdicts ----------

/** The console page where the API is switched on (the link Google's 403 accessNotConfigured gives). */
export function enableApiFix(project: string): string {
  return `enable it: gcloud services enable compute.googleapis.com --project ${project} (or https://console.developers.google.com/apis/api/compute.googleapis.com/overview?project=${encodeURIComponent(project)}), then wait a few minutes`;
}

export function quotaPage(project: string): string {
  return `https://console.cloud.google.com/iam-admin/quotas?project=${encodeURIComponent(project)}`;
}

// Metric names whose pattern differs from the rule below (Google's quota table).
const METRIC_EXCEPTIONS: Record<string, string> = {
  'nvidia-h100-80gb': 'NVIDIA_H100_GPUS',
  'nvidia-h100-mega-80gb': 'NVIDIA_H100_MEGA_GPUS',
};

/**
 * The regional quota metric a GPU counts against: `nvidia-tesla-t4` → `NVIDIA_T4_GPUS`, and with the
 * `PREEMPTIBLE_` prefix for spot VMs.
 */
export function gpuMetric(accelerator: string, preemptible: boolean): string {
  const base =
    METRIC_EXCEPTIONS[accelerator] ??
    `${accelerator
      .replace(/^nvidia-(tesla-)?/, 'NVIDIA_')
      .toUpperCase()
      .replace(/-/g, '_')}_GPUS`;
  return `${preemptible ? 'PREEMPTIBLE_' : ''}${base}`;
}

export interface Quota {
  metric: string;
  limit: number;
  usage: number;
}

const headroom = (qs: Quota[], metric: string): number | null => {
  const q = qs.find((x) => x.metric === metric);
  return q ? q.limit - q.usage : null;
};

/** Zones matching the regex that offer both the machine type and (when asked) the GPU. */
export function offeredZones(o: {
  zoneRegex: RegExp;
  machineZones: string[];
  acceleratorZones: string[] | null;
}): string[] {
  const acc = o.acceleratorZones ? new Set(o.acceleratorZones) : null;
  return [...new Set(o.machineZones)].filter((z) => o.zoneRegex.test(z) && (!acc || acc.has(z))).sort();
}

export function offerVerdict(o: {
  zoneRegex: RegExp;
  regexSource: string;
  machineType: string;
  accelerator: string | null;
  machineZones: string[];
  acceleratorZones: string[] | null;
}): Verdict {
  const zones = offeredZones(o);
  const what = o.accelerator ? `${o.machineType} with ${o.accelerator}` : o.machineType;
  if (zones.length > 0) return { state: 'ok', detail: `${what} in ${zones.join(', ')}`, fix: null };
  const gpuSomewhere = o.acceleratorZones?.length
    ? ` (${o.accelerator} is offered in ${o.acceleratorZones.slice(0, 6).join(', ')})`
    : '';
  return {
    state: 'fail',
    detail: `no zone matching '${o.regexSource}' offers ${what}${gpuSomewhere}`,
    fix: 'widen instance.zone_regex or pick a machine type and accelerator offered there (gcloud compute accelerator-types list)',
  };
}

/**
 * Whether `count` GPUs fit: some matching region has room in the GPU's metric (for spot VMs the
 * preemptible metric, or the standard one, which Google uses when the preemptible one is not
 * granted) and the project-wide GPUS_ALL_REGIONS has room too.
 */
export function quotaVerdict(o: {
  project: string;
  accelerator: string;
  count: number;
  spot: boolean;
  regions: { region: string; quotas: Quota[] }[];
  projectQuotas: Quota[];
}): Verdict {
  const std = gpuMetric(o.accelerator, false);
  const pre = gpuMetric(o.accelerator, true);
  const metrics = o.spot ? [pre, std] : [std];
  const room = o.regions.map((r) => ({
    region: r.region,
    free: Math.max(0, ...metrics.map((m) => headroom(r.quotas, m) ?? 0)),
  }));
  const fit = room.filter((r) => r.free >= o.count);
  const global = headroom(o.projectQuotas, 'GPUS_ALL_REGIONS');
  const page = quotaPage(o.project);
  const names = metrics.join(' or ');
  if (global !== null && global < o.count)
    return {
      state: 'fail',
      detail: `GPUS_ALL_REGIONS allows ${Math.max(0, global)} more GPU(s), a commit needs ${o.count}`,
      fix: `request GPUS_ALL_REGIONS ≥ ${o.count} (and ${names} in ${o.regions.map((r) => r.region).join(', ') || 'a matching region'}) at ${page}`,
    };
  if (fit.length === 0)
    return {
      state: 'fail',
      detail: `no free ${names} quota for ${o.count} GPU(s) in ${room.map((r) => `${r.region} (${r.free})`).join(', ') || 'any matching region'}`,
      fix: `request ${names} ≥ ${o.count} in one of these regions at ${page}`,
    };
  return {
    state: 'ok',
    detail: `${o.count} × ${o.accelerator} fit in ${fit.map((r) => r.region).join(', ')}${global === null ? '' : `; GPUS_ALL_REGIONS ${global} free`}`,
    fix: null,
  };
}

/** The regions of a set of zones, each once, sorted. */
export function regionsOf(zones: string[]): string[] {
  return [...new Set(zones.map(regionOf))].sort();
}
