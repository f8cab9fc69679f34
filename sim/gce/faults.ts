// Fault injection: the `/_sim/*` control routes (faults, preemption, state) and the errors an
// injected fault produces, worded like the real API's (stockouts, quotas, permissions).
import { fail, last, type Reply, type SimContext } from './context.js';
import { zoneRegion } from './fixture.js';
import type { Instance } from '../../src/adapters/gce/api-types.js';
import { preempt } from './shutdown.js';
import { quotaControl } from './quotas.js';
import { serviceAccountControl } from './iam.js';
import { apiError, notFound } from './shapes.js';
import { type Fault, type Hold, RESPONSE_LOST, type RateLimit } from './state.js';

/**
 * Faults any API call may get, not only an insert, matched by path and method: the rate limits, and
 * odd answers a proxy or a failing front end gives — a 200 with an empty body (EMPTY_BODY) or with a
 * body that is not JSON (NOT_JSON) — and Google's 404 for the path (NOT_FOUND). None is carried out.
 */
export const RATE_LIMITS = ['RATE_LIMIT_EXCEEDED', 'QUOTA_PER_MINUTE', 'EMPTY_BODY', 'NOT_JSON', 'NOT_FOUND'];

/**
 * Google's answers to a call over a rate limit, in their exact shape.
 * - 403: "If your project exceeds a rate quota, you receive a 403 error with the reason
 *   rateLimitExceeded. To resolve this error, wait a minute then try your request again"
 *   (https://cloud.google.com/compute/api-quota); the body as Compute Engine's troubleshooting page
 *   quotes it (https://docs.cloud.google.com/compute/docs/troubleshooting/troubleshoot-operation-limits):
 *   `"error": {"message": "Rate Limit Exceeded", "code": 403, "errors": [{"message": "Rate Limit
 *   Exceeded", "reason": "rateLimitExceeded", "domain": "usageLimits"}]}`.
 * - 429: "If you exceeded a quota value with an HTTP/REST request, Google Cloud returns an HTTP 429
 *   TOO MANY REQUESTS status code" (https://cloud.google.com/docs/quotas/troubleshoot), worded as
 *   Google's per-minute quota errors are ("Quota exceeded for quota metric '…' and limit '… per
 *   minute' of service '…' for consumer 'project_number:…'", status RESOURCE_EXHAUSTED).
 */
export function rateLimitError(code: string, projectNumber: string): Reply {
  if (code === 'EMPTY_BODY') return { code: 200, body: null, raw: '' };
  if (code === 'NOT_JSON') return { code: 200, body: null, raw: 'OK' };
  if (code === 'QUOTA_PER_MINUTE') {
    const message = `Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service 'compute.googleapis.com' for consumer 'project_number:${projectNumber}'.`;
    return {
      code: 429,
      body: {
        error: {
          code: 429,
          message,
          errors: [{ message, domain: 'global', reason: 'rateLimitExceeded' }],
          status: 'RESOURCE_EXHAUSTED',
        },
      },
    };
  }
  const message = 'Rate Limit Exceeded';
  return {
    code: 403,
    body: {
      error: {
        message,
        code: 403,
        errors: [{ message, reason: 'rateLimitExceeded', domain: 'usageLimits' }],
      },
    },
  };
}

/** The rate-limit answer for this call when a rate-limit fault applies (counted down), else null. */
export function rateLimited(ctx: SimContext, method: string, path: string): Reply | null {
  const f = ctx.world.rateLimits.find(
    (x) =>
      (x.remaining === null || x.remaining > 0) &&
      x.path.test(path) &&
      (x.method === '*' || x.method === method),
  );
  if (!f) return null;
  if (f.remaining !== null) f.remaining--;
  f.served++;
  if (f.code === 'NOT_FOUND') return fail(notFound(path.replace(/^\/compute\/v1\//, '')));
  return rateLimitError(f.code, ctx.fixture.projectNumber);
}

function addRateLimit(ctx: SimContext, code: string, body: Record<string, unknown>): RateLimit {
  const r: RateLimit = {
    code,
    path: new RegExp(String(body['path'] ?? '')),
    method: String(body['method'] ?? '*'),
    remaining: typeof body['times'] === 'number' ? body['times'] : null,
    served: 0,
  };
  ctx.world.rateLimits.push(r);
  return r;
}

/** The error an injected fault gives an insert of `req` in zone `z`. */
export function faultError(
  ctx: SimContext,
  project: string,
  z: string,
  f: Fault,
  req: Instance,
): { code: string; message: string; http: number } {
  const region = zoneRegion(ctx.fixture, z);
  const acc = last(req.guestAccelerators?.[0]?.acceleratorType);
  const spot = req.scheduling?.provisioningModel === 'SPOT' || req.scheduling?.preemptible === true;
  const gpuQuota = `${spot ? 'PREEMPTIBLE_' : ''}${acc
    .replace(/^nvidia-(tesla-)?/, 'NVIDIA_')
    .toUpperCase()
    .replace(/-/g, '_')}_GPUS`;
  switch (f.code) {
    case 'ZONE_RESOURCE_POOL_EXHAUSTED':
      return {
        code: f.code,
        http: 503,
        message: `The zone 'projects/${project}/zones/${z}' does not have enough resources available to fulfill the request.  Try a different zone, or try again later.`,
      };
    case 'ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS':
      return {
        code: f.code,
        http: 503,
        message: `The zone 'projects/${project}/zones/${z}' does not have enough resources available to fulfill the request.  '(resource type:compute)'.`,
      };
    case 'QUOTA_EXCEEDED':
      return {
        code: f.code,
        http: 403,
        message: `Quota '${acc ? gpuQuota : 'CPUS'}' exceeded.  Limit: 0.0 in region ${region}.`,
      };
    case 'GPUS_ALL_REGIONS':
      return {
        code: 'QUOTA_EXCEEDED',
        http: 403,
        message: "Quota 'GPUS_ALL_REGIONS' exceeded.  Limit: 0.0 globally.",
      };
    case 'IAM_PERMISSION_DENIED':
      return {
        code: f.code,
        http: 403,
        message: "Required 'compute.instances.create' permission for 'projects/" + project + "'",
      };
    default:
      return { code: f.code, http: 503, message: `Simulated ${f.code} in zone ${z}.` };
  }
}

/** Whether an insert in `z` loses its answer (a RESPONSE_LOST fault, counted down). */
export function answerLost(ctx: SimContext, z: string): boolean {
  const f = ctx.world.faults.find(
    (x) => x.code === RESPONSE_LOST && (x.zone === null || x.zone === z) && (x.remaining ?? 1) > 0,
  );
  if (!f) return false;
  if (f.remaining !== null) f.remaining--;
  return true;
}

/**
 * Holds: `POST /_sim/hold {path, method?, when}` makes matching requests wait, `before` they are
 * carried out or `after` (carried out, answer held), until `POST /_sim/release`. `GET /_sim/hold`
 * says how many wait, so a test knows the step a client is at without sleeping.
 */
export function waitForHold(
  ctx: SimContext,
  method: string,
  path: string,
  when: Hold['when'],
): Promise<void> {
  const h = ctx.world.holds.find(
    (x) => x.when === when && x.path.test(path) && (x.method === '*' || x.method === method),
  );
  if (!h) return Promise.resolve();
  h.held++;
  return new Promise((resolve) => h.waiting.push(resolve));
}

let holdIds = 0;

function holdControl(ctx: SimContext, method: string, path: string, body: Record<string, unknown>): unknown {
  if (path === '/_sim/release') {
    const holds = ctx.world.holds;
    ctx.world.holds = [];
    for (const h of holds) for (const go of h.waiting.splice(0)) go();
    return { released: holds.length };
  }
  if (method === 'POST')
    ctx.world.holds.push({
      id: ++holdIds,
      method: String(body['method'] ?? '*'),
      path: new RegExp(String(body['path'] ?? '^$')),
      when: body['when'] === 'after' ? 'after' : 'before',
      waiting: [],
      held: 0,
    });
  return {
    holds: ctx.world.holds.map((h) => ({
      id: h.id,
      method: h.method,
      path: h.path.source,
      when: h.when,
      waiting: h.waiting.length,
      held: h.held,
    })),
  };
}

export function control(
  ctx: SimContext,
  method: string,
  path: string,
  body: Record<string, unknown>,
): unknown {
  if (path === '/_sim/state') {
    return {
      instances: [...ctx.world.instances.values()].map((i) => ({
        name: i.name,
        zone: i.zone,
        status: i.status,
      })),
      faults: ctx.world.faults,
      rateLimits: ctx.world.rateLimits.map((r) => ({ ...r, path: r.path.source })),
    };
  }
  if (path === '/_sim/faults') {
    if (method === 'DELETE' || body['clear']) {
      ctx.world.faults = [];
      ctx.world.rateLimits = [];
      return { faults: [] };
    }
    if (method === 'POST') {
      const code = String(body['code'] ?? '');
      if (!code) return apiError(400, 'invalid', 'code is required');
      // `{code: RATE_LIMIT_EXCEEDED | QUOTA_PER_MINUTE, path?: regex, method?, times?}`
      if (RATE_LIMITS.includes(code)) return { rateLimits: [addRateLimit(ctx, code, body)].length };
      const quota = code === 'QUOTA_EXCEEDED' || code === 'GPUS_ALL_REGIONS';
      ctx.world.faults.push({
        zone: body['zone'] ? String(body['zone']) : null,
        code,
        via:
          body['via'] === 'http' || body['via'] === 'operation' ? body['via'] : quota ? 'http' : 'operation',
        remaining: typeof body['times'] === 'number' ? body['times'] : null,
      });
    }
    return { faults: ctx.world.faults };
  }
  if (path === '/_sim/hold' || path === '/_sim/release') return holdControl(ctx, method, path, body);
  if (path === '/_sim/preempt') {
    const name = String(body['instance'] ?? '');
    const inst = [...ctx.world.instances.values()].find(
      (i) => i.name === name && (!body['zone'] || i.zone === body['zone']),
    );
    if (!inst) return notFound(`instances/${name}`);
    const project = String(inst.body.selfLink).replace(/^.*\/projects\/([^/]+)\/.*$/, '$1');
    const op = preempt(ctx, project, inst);
    return { preempted: inst.name, zone: inst.zone, operation: op.body.name };
  }
  if (path === '/_sim/settings') {
    // Settings a test may change while the simulator runs.
    if (typeof body['denyVmSelfCalls'] === 'boolean') ctx.opts.denyVmSelfCalls = body['denyVmSelfCalls'];
    if (typeof body['spotGraceMs'] === 'number') ctx.opts.spotGraceMs = body['spotGraceMs'];
    if (typeof body['standardGraceMs'] === 'number') ctx.opts.standardGraceMs = body['standardGraceMs'];
    if (typeof body['maxPageSize'] === 'number') ctx.opts.maxPageSize = body['maxPageSize'];
    const { denyVmSelfCalls, spotGraceMs, standardGraceMs, maxPageSize, guestAttributeQueriesPerMinute } =
      ctx.opts;
    return { denyVmSelfCalls, spotGraceMs, standardGraceMs, maxPageSize, guestAttributeQueriesPerMinute };
  }
  if (path === '/_sim/quotas') return quotaControl(ctx, body);
  if (path === '/_sim/service-accounts') return serviceAccountControl(ctx, body);
  return notFound(path);
}
