// Compute Engine failures as values, and the failover classifier (as SkyPilot's GCP blocklist
// does it): what a failed insert blocks — the zone, its region, or everything.
import { EXIT, UserError } from '../../errors.js';
import { enableApiFix } from '../../core/doctor/checks.js';

/** One entry of `error.errors[]` (HTTP errors carry `reason`, operation errors carry `code`). */
export interface ApiErrorItem {
  reason?: string;
  code?: string;
  message?: string;
  domain?: string;
}

/** An HTTP error response of the API: `{error: {code, message, errors: [...]}}`. */
export class GceApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: ApiErrorItem[],
    readonly url: string,
  ) {
    super(message);
    this.name = 'GceApiError';
  }
  get reason(): string {
    return this.errors[0]?.reason ?? '';
  }
}

/**
 * The Compute Engine API is switched off in the project: Google answers every call with a 403 whose
 * reason is `accessNotConfigured` ("Compute Engine API has not been used in project N before or it
 * is disabled"). The user's to fix, in one line, wherever the first call happens.
 */
export class GceApiDisabled extends UserError {
  constructor(readonly project: string) {
    super(`the Compute Engine API is not enabled in project ${project}`, enableApiFix(project));
    this.name = 'GceApiDisabled';
  }
}

/**
 * Compute Engine gave no usable answer even after the retries (5xx, 429, a refused or reset
 * connection, a timeout, a body that is not JSON), or kept refusing requests over its rate limits.
 * Not a bug and not the user's mistake, but said the same way: one line with what to do next, which
 * depends on what was being done (`during`).
 */
export class GceUnavailable extends UserError {
  constructor(
    /** "502 Bad Gateway", "connection refused", "403 rateLimitExceeded", … */
    readonly detail: string,
    readonly url: string,
    fix = 'try again in a minute',
    /** The API answered, refusing the request over a rate limit: it was not carried out. */
    readonly rateLimited = false,
  ) {
    super(
      rateLimited
        ? `Compute Engine is rate-limiting this project's API requests (${detail})`
        : `Compute Engine did not answer (${detail})`,
      fix,
      { exitCode: EXIT.unavailable },
    );
    this.name = 'GceUnavailable';
  }
  /** The same failure with the next step for the caller's situation. */
  during(fix: string): GceUnavailable {
    return new GceUnavailable(this.detail, this.url, fix, this.rateLimited);
  }
}

/** The `reason`s of a Google API error body (none when it is not one). */
export function errorReasons(text: string): string[] {
  try {
    const e = (JSON.parse(text) as { error?: { errors?: ApiErrorItem[] } }).error;
    return (e?.errors ?? []).map((x) => x.reason ?? '');
  } catch {
    return [];
  }
}

/**
 * Whether an HTTP error is a refusal over a rate limit (ask again after a wait), never a regional
 * quota or a permission problem: any 429, and a 403 whose reason says so.
 */
export function isRateLimited(status: number | null | undefined, reasons: string[]): boolean {
  if (reasons.some((r) => RATE_LIMIT.has(r))) return true;
  return status === 429 && !reasons.some((r) => ZONE_CAPACITY.has(r));
}

/** A zone operation that finished with `error.errors[]`. */
export class OperationError extends Error {
  constructor(
    readonly errors: ApiErrorItem[],
    readonly httpStatus: number | null,
  ) {
    super(errors.map((e) => `${e.code ?? ''}: ${e.message ?? ''}`).join('; '));
    this.name = 'OperationError';
  }
}

export type FailureKind = 'capacity' | 'quota' | 'rate' | 'permission' | 'config' | 'other';
export type FailureScope = 'zone' | 'region' | 'global';

export interface Classified {
  /** The code or reason shown to the user and stored in metadata (zones_tried[].code). */
  code: string;
  kind: FailureKind;
  scope: FailureScope;
  message: string;
}

export interface FailureInput {
  status?: number | null;
  /** Operation `code`s and HTTP `reason`s, in order. */
  codes: string[];
  message: string;
}

/**
 * The one table of Compute Engine failure codes the failover acts on: operation `code`s and HTTP
 * `reason`s, what each is, and what it blocks (the zone: try the next one; the region: skip its
 * zones; global: stop). Each row names where Google (or, where Google says nothing, SkyPilot's
 * GCP blocklist, `SKYPILOT`) says so; test/unit/gce/error-codes.test.ts holds the table to
 * the documented ones. Codes not listed here fall to the rules in `classify`.
 */
/** SkyPilot's `_update_blocklist_on_gcp_error` (sky/backends/cloud_vm_ray_backend.py). */
const SKYPILOT = 'https://github.com/skypilot-org/skypilot/blob/master/sky/backends/cloud_vm_ray_backend.py';

export const ERROR_CODES: Readonly<
  Record<string, { kind: FailureKind; scope: FailureScope; source: string }>
> = {
  // "a zone doesn't have enough available capacity … a quota increase doesn't resolve them";
  // "try your request in a different zone".
  ZONE_RESOURCE_POOL_EXHAUSTED: {
    kind: 'capacity',
    scope: 'zone',
    source: 'https://cloud.google.com/compute/docs/troubleshooting/troubleshooting-resource-availability',
  },
  ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS: {
    kind: 'capacity',
    scope: 'zone',
    source: 'https://cloud.google.com/compute/docs/troubleshooting/troubleshooting-resource-availability',
  },
  // HTTP 503 "insufficientCapacity": "the region or zone … has insufficient capacity"; "create VMs
  // in a different zone".
  insufficientCapacity: {
    kind: 'capacity',
    scope: 'zone',
    source: 'https://cloud.google.com/compute/docs/troubleshooting/troubleshooting-bulk-vm-creation',
  },
  // The HTTP reason of a zone's exhausted pool; no Google page lists it, SkyPilot's handler treats
  // the whole family as a zone stockout.
  resourcePoolExhausted: { kind: 'capacity', scope: 'zone', source: SKYPILOT },
  // "If you exceed a quota for Compute Engine, Google Cloud typically returns an HTTP 403
  // QUOTA_EXCEEDED"; allocation quotas are per region (a GPUS_ALL_REGIONS one is global: `classify`).
  QUOTA_EXCEEDED: {
    kind: 'quota',
    scope: 'region',
    source: 'https://cloud.google.com/docs/quotas/troubleshoot',
  },
  // HTTP 403 "quotaExceeded": "you reached a quota limit for a resource".
  quotaExceeded: {
    kind: 'quota',
    scope: 'region',
    source: 'https://cloud.google.com/compute/docs/troubleshooting/troubleshooting-bulk-vm-creation',
  },
  // "If your project exceeds a rate quota, you receive a 403 error with the reason
  // rateLimitExceeded … wait a minute then try your request again": never a quota or a permission.
  rateLimitExceeded: { kind: 'rate', scope: 'global', source: 'https://cloud.google.com/compute/api-quota' },
  // Google APIs' reason for a per-user rate limit (no Compute Engine page lists it).
  userRateLimitExceeded: { kind: 'rate', scope: 'global', source: 'Google APIs (per-user rate limit)' },
  // "If the quota is a rate quota, then 403 RATE_LIMIT_EXCEEDED is returned."
  RATE_LIMIT_EXCEEDED: {
    kind: 'rate',
    scope: 'global',
    source: 'https://cloud.google.com/docs/quotas/troubleshoot',
  },
  // Transient or zone-local: SkyPilot blocks the zone for these.
  UNSUPPORTED_OPERATION: { kind: 'other', scope: 'zone', source: SKYPILOT },
  RESOURCE_NOT_READY: { kind: 'other', scope: 'zone', source: SKYPILOT },
  RESOURCE_OPERATION_RATE_EXCEEDED: {
    kind: 'other',
    scope: 'zone',
    source: SKYPILOT,
  },
};

const codesOf = (kind: FailureKind) =>
  new Set(Object.keys(ERROR_CODES).filter((c) => ERROR_CODES[c]!.kind === kind));
const ZONE_CAPACITY = codesOf('capacity');
const RATE_LIMIT = codesOf('rate');
const QUOTA = codesOf('quota');

export function classify(f: FailureInput): Classified {
  const msg = f.message;
  const codes = f.codes.filter(Boolean);
  const code = codes[0] ?? (f.status ? `HTTP_${f.status}` : 'UNKNOWN');
  const out = (kind: FailureKind, scope: FailureScope, c = code): Classified => ({
    code: c,
    kind,
    scope,
    message: msg,
  });
  const has = (s: string) => codes.includes(s);

  if (codes.some((c) => ZONE_CAPACITY.has(c)))
    return out(
      'capacity',
      'zone',
      codes.find((c) => ZONE_CAPACITY.has(c)),
    );
  // A rate limit (even one worded "Quota exceeded for quota metric …") is neither a regional quota
  // nor a permission: the same request goes through a minute later.
  if (isRateLimited(f.status, codes)) return out('rate', 'global');
  if (codes.some((c) => QUOTA.has(c))) {
    if (/GPUS_ALL_REGIONS|globally/i.test(msg)) return out('quota', 'global');
    return out('quota', 'region');
  }
  if (has('VPC_NOT_FOUND')) return out('config', 'global');
  if (has('IAM_PERMISSION_DENIED') || has('forbidden') || has('accessNotConfigured') || f.status === 401)
    return out('permission', 'global');
  if (codes.some((c) => ERROR_CODES[c]?.kind === 'other')) return out('other', 'zone');
  if (has('RESOURCE_NOT_FOUND') || has('notFound') || f.status === 404) {
    // A missing snapshot or network is missing everywhere; anything else may be zone-local.
    if (
      /\/(global\/snapshots|global\/networks|subnetworks)\//.test(msg) ||
      /snapshots\/|networks\//.test(msg)
    )
      return out('config', 'global');
    return out('other', 'zone');
  }
  if (f.status === 403) return out('permission', 'global');
  if (has('invalid') || has('badRequest') || f.status === 400) {
    // "Machine type … does not exist in zone" is zone-local; any other invalid request is ours to fix.
    if (/does not exist in zone|not available in zone|not supported in zone/i.test(msg))
      return out('config', 'zone');
    return out('config', 'global');
  }
  if (/not found or access is unauthorized/i.test(msg)) return out('other', 'zone');
  return out('other', 'zone');
}

export function classifyError(e: unknown): Classified {
  if (e instanceof GceApiError)
    return classify({
      status: e.status,
      codes: e.errors.map((x) => x.reason ?? x.code ?? ''),
      message: e.message,
    });
  if (e instanceof OperationError)
    return classify({
      status: e.httpStatus,
      codes: e.errors.map((x) => x.code ?? x.reason ?? ''),
      message: e.errors.map((x) => x.message ?? '').join(' '),
    });
  return {
    code: 'UNKNOWN',
    kind: 'other',
    scope: 'zone',
    message: e instanceof Error ? e.message : String(e),
  };
}

/** One line a user can act on, for failures that stop the failover loop. */
export function explain(c: Classified): string {
  switch (c.kind) {
    case 'quota':
      return c.scope === 'global'
        ? `${c.message} — request a higher GPUS_ALL_REGIONS quota in the Cloud console (IAM & Admin → Quotas)`
        : `${c.message} — request a higher quota for this region, or widen instance.zone_regex`;
    case 'rate':
      return `Compute Engine is rate-limiting this project's API requests (${c.code}) — wait a minute and try again`;
    case 'permission':
      return `${c.message} — check that your account (or ADC) has the Compute Instance Admin role on the project`;
    case 'config':
      return `${c.message} — check gcp.network / gcp.subnetwork / instance.snapshot in mymlops.yml`;
    case 'capacity':
      return `${c.message} — no spot capacity now; try again later or widen instance.zone_regex`;
    default:
      return c.message;
  }
}
