// A small typed client for the Compute Engine REST API v1 over fetch. Base URL honours gcloud's
// CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE (the base including `compute/v1/`), so one variable
// points both mymlops and gcloud at the same endpoint (e.g. the project's simulator).
import { randomUUID } from 'node:crypto';
import { debug } from '../../util/log.js';
import type { TokenSource } from './auth.js';
import type {
  AcceleratorType,
  AggregatedPage,
  ComputeInstancesAggregatedListRequest,
  ComputeInstancesGetSerialPortOutputRequest,
  ComputeZoneOperationsListRequest,
  Image,
  Instance,
  InstanceResource,
  MachineType,
  Metadata,
  Operation,
  Query,
  Returned,
  SerialPortOutput,
  Snapshot,
} from './api-types.js';
import {
  type ApiErrorItem,
  classifyError,
  GceApiDisabled,
  GceApiError,
  GceUnavailable,
  isRateLimited,
  OperationError,
} from './errors.js';
import { endpointBase, httpCall, type HttpResponse } from './http.js';
import {
  backoff,
  type Clock,
  isTransientStatus,
  networkDetail,
  type RetryPolicy,
  realClock,
  retryPolicy,
  statusDetail,
} from './retry.js';

/** The scope waitOperation takes for a global operation (snapshots). */
export const GLOBAL = 'global';

export const DEFAULT_COMPUTE_BASE = 'https://compute.googleapis.com/compute/v1/';

export function computeBase(env: NodeJS.ProcessEnv = process.env): string {
  return endpointBase('CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE', DEFAULT_COMPUTE_BASE, env);
}

export type { InstanceResource, Operation } from './api-types.js';

export type Named = Returned<AcceleratorType, 'name'>;

/** The last path segment of a resource URL (`…/zones/us-east1-b` → `us-east1-b`). */
export const lastSegment = (url: string | undefined): string => (url ?? '').split('/').pop() ?? '';

export interface GceClientOptions {
  project: string;
  tokens: TokenSource;
  base?: string;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** How transient failures are retried (default: retryPolicy()). */
  retry?: RetryPolicy;
  /** Time for the retry loop; tests pass a fake one. */
  clock?: Clock;
  /** The HTTP transport; tests pass a fake one. */
  transport?: typeof httpCall;
}

/** What is wrong with a 2xx answer's body, or null when it is a JSON object. */
function oddAnswer(text: string, parsed: unknown, json: boolean): string | null {
  if (!text.trim()) return 'an empty body';
  if (!json) return text.trimStart().startsWith('<') ? 'an HTML page' : 'a body that is not JSON';
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return 'a body that is not a JSON object';
  return null;
}

export class GceClient {
  readonly project: string;
  readonly base: string;
  private tokens: TokenSource;
  private timeoutMs: number;
  private retryPolicy: RetryPolicy;
  private clock: Clock;
  private transport: typeof httpCall;

  constructor(o: GceClientOptions) {
    this.project = o.project;
    this.base = o.base ?? computeBase();
    this.tokens = o.tokens;
    this.timeoutMs = o.timeoutMs ?? 60_000;
    this.retryPolicy = o.retry ?? retryPolicy();
    this.clock = o.clock ?? realClock;
    this.transport = o.transport ?? httpCall;
  }

  /** A path is the client's project's, unless it names a project itself (images of other projects). */
  private url(path: string, query: Record<string, string | undefined> = {}): string {
    const full = path.startsWith('projects/') ? path : `projects/${encodeURIComponent(this.project)}/${path}`;
    const u = new URL(full, this.base);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, v);
    return u.toString();
  }

  /**
   * One API call. Transient failures (retry.ts) of idempotent calls — GET, DELETE, and POSTs that
   * are safe to repeat (`retry: true`, or an insert carrying a requestId) — are tried again within
   * the retry budget; so is any call refused over a rate limit (it was not carried out), unless the
   * caller says `retry: false`. What is still transient then is a GceUnavailable (one line for the
   * user), anything else a GceApiError.
   */
  async request<T>(
    method: string,
    path: string,
    opts: {
      query?: Record<string, string | undefined>;
      body?: unknown;
      retry?: boolean;
      /** What is wrong with an answer of the wrong shape (then taken as a broken answer), or null. */
      expect?: (value: Record<string, unknown>) => string | null;
    } = {},
  ): Promise<T> {
    const url = this.url(path, opts.query);
    const retry =
      opts.retry ?? (method === 'GET' || method === 'DELETE' || opts.query?.['requestId'] !== undefined);
    const retryRateLimited = opts.retry !== false;
    const startedAt = this.clock.now();
    let reauthed = false;
    for (let attempt = 0; ; attempt++) {
      const r = await this.once(method, url, opts.body, opts.expect);
      if (r.ok) return r.value as T;
      if (r.reauth && !reauthed) {
        reauthed = true;
        this.tokens.invalidate();
        attempt--;
        continue;
      }
      if (!(r.error instanceof GceUnavailable)) throw r.error;
      debug('gce', method, url, 'transient:', r.error.detail);
      const again = r.error.rateLimited ? retryRateLimited : retry;
      if (!again || !(await backoff(attempt, startedAt, this.retryPolicy, this.clock))) throw r.error;
    }
  }

  /** One try: the parsed answer, or the failure it amounts to (transient ones as GceUnavailable). */
  private async once(
    method: string,
    url: string,
    body: unknown,
    expect?: (value: Record<string, unknown>) => string | null,
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: Error; reauth?: boolean }> {
    const token = await this.tokens.token();
    debug('gce', method, url);
    let res: HttpResponse;
    try {
      res = await this.transport(url, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : null,
        timeoutMs: this.timeoutMs,
      });
    } catch (e) {
      return { ok: false, error: new GceUnavailable(networkDetail(e), url) };
    }
    let parsed: unknown;
    let json = true;
    try {
      parsed = res.text ? JSON.parse(res.text) : {};
    } catch {
      json = false; // e.g. a proxy's or load balancer's HTML error page
    }
    if (res.ok) {
      // Every Compute Engine answer is a JSON object (a resource, a list or an operation): anything
      // else is a broken answer, never a success — taken as one, a delete that did not happen would
      // be said done and an operation without a status would be waited on forever.
      const what = oddAnswer(res.text, parsed, json) ?? expect?.(parsed as Record<string, unknown>) ?? null;
      if (!what) return { ok: true, value: parsed };
      return { ok: false, error: new GceUnavailable(`HTTP ${res.status} with ${what}`, url) };
    }
    const e = json ? (parsed as { error?: { message?: string; errors?: ApiErrorItem[] } }).error : undefined;
    const apiError = new GceApiError(
      res.status,
      e?.message ?? `HTTP ${res.status} from ${method} ${url}`,
      e?.errors ?? [],
      url,
    );
    if (res.status === 401) return { ok: false, error: apiError, reauth: true };
    if (apiError.errors.some((x) => x.reason === 'accessNotConfigured'))
      return { ok: false, error: new GceApiDisabled(this.project) };
    const reasons = apiError.errors.map((x) => x.reason ?? '');
    if (isRateLimited(res.status, reasons))
      return {
        ok: false,
        error: new GceUnavailable(
          `${res.status} ${apiError.reason || 'Too Many Requests'}`,
          url,
          undefined,
          true,
        ),
      };
    // A 5xx/429 that names a stockout, quota or permission is the API's answer, not a hiccup.
    if (isTransientStatus(res.status) && classifyError(apiError).kind === 'other')
      return { ok: false, error: new GceUnavailable(statusDetail(res.status), url) };
    return { ok: false, error: apiError };
  }

  /** Every item of an aggregated list (all pages), keyed by zone name. */
  async aggregated<T>(resource: string, key: string, filter?: string): Promise<{ zone: string; item: T }[]> {
    const out: { zone: string; item: T }[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 100; page++) {
      const query: Query<ComputeInstancesAggregatedListRequest> = {
        filter,
        returnPartialSuccess: 'true',
        maxResults: '500',
        pageToken,
      };
      const r = await this.request<AggregatedPage<string, T>>('GET', `aggregated/${resource}`, { query });
      for (const [scope, v] of Object.entries(r.items ?? {})) {
        if (!scope.startsWith('zones/')) continue;
        for (const item of v[key] ?? []) out.push({ zone: scope.slice('zones/'.length), item });
      }
      if (!r.nextPageToken) break;
      pageToken = r.nextPageToken;
    }
    return out;
  }

  machineTypeZones(
    machineType: string,
  ): Promise<{ zone: string; item: Returned<MachineType, 'name' | 'guestCpus' | 'memoryMb'> }[]> {
    return this.aggregated('machineTypes', 'machineTypes', `name = ${machineType}`);
  }

  acceleratorZones(accelerator: string): Promise<{ zone: string; item: Named }[]> {
    return this.aggregated('acceleratorTypes', 'acceleratorTypes', `name = ${accelerator}`);
  }

  instances(filter: string): Promise<{ zone: string; item: InstanceResource }[]> {
    return this.aggregated('instances', 'instances', filter);
  }

  getInstance(zone: string, name: string): Promise<InstanceResource> {
    return this.request('GET', `zones/${zone}/instances/${name}`);
  }

  /**
   * instances.insert. The requestId (one per launch attempt: the caller passes the same one when it
   * tries again) makes a repeated call after a lost answer the same call, not a second VM.
   */
  async insertInstance(zone: string, body: Instance, requestId: string = randomUUID()): Promise<Operation> {
    try {
      return await this.request<Operation>('POST', `zones/${zone}/instances`, { body, query: { requestId } });
    } catch (e) {
      if (!(e instanceof GceUnavailable)) throw e;
      throw e.during(
        `the VM ${body.name ?? ''} in ${zone} may have been created: see \`mymlops status\` before committing again`,
      );
    }
  }

  /** instances.setMetadata: merges `values` into the current items (fingerprint-checked, retried once). */
  async setMetadata(zone: string, name: string, values: Record<string, string>): Promise<Operation> {
    for (let attempt = 0; ; attempt++) {
      const inst = await this.getInstance(zone, name);
      const items = (inst.metadata?.items ?? []).filter((i) => !(i.key in values));
      for (const [key, value] of Object.entries(values)) items.push({ key, value });
      try {
        // Safe to repeat: a repeat of a call that went through gets a 412 and merges again.
        const body: Metadata = { fingerprint: inst.metadata?.fingerprint, items };
        const op = await this.request<Operation>('POST', `zones/${zone}/instances/${name}/setMetadata`, {
          body,
          retry: true,
        });
        return await this.waitOperation(zone, op);
      } catch (e) {
        if (e instanceof GceApiError && e.status === 412 && attempt < 2) continue; // raced another update
        throw e;
      }
    }
  }

  /** instances.start of a stopped (TERMINATED) VM; safe to repeat (a running VM stays running). */
  startInstance(zone: string, name: string): Promise<Operation> {
    return this.request('POST', `zones/${zone}/instances/${name}/start`, { retry: true });
  }

  /** instances.stop; safe to repeat (a stopped VM stays stopped). */
  stopInstance(zone: string, name: string): Promise<Operation> {
    return this.request('POST', `zones/${zone}/instances/${name}/stop`, { retry: true });
  }

  deleteInstance(zone: string, name: string): Promise<Operation> {
    return this.request('DELETE', `zones/${zone}/instances/${name}`);
  }

  /**
   * Waits for a zone operation (zoneOperations.wait, repeated) and throws OperationError on error.
   * The wait has a budget: an operation still not DONE after `timeoutMs` is a GceUnavailable.
   */
  async waitOperation(zone: string, op: Operation, timeoutMs = 10 * 60_000): Promise<Operation> {
    const deadline = this.clock.now() + timeoutMs;
    const mayFinish = `${op.operationType ?? 'the operation'} may still finish: see \`mymlops status\``;
    let cur = op;
    if (typeof cur.status !== 'string' || !op.name)
      throw new GceUnavailable('an operation without a name or status', '', mayFinish);
    while (cur.status !== 'DONE') {
      if (this.clock.now() > deadline)
        throw new GceUnavailable(
          `operation ${op.name} not done after ${Math.round(timeoutMs / 1000)} s`,
          '',
          mayFinish,
        );
      const scope = zone === GLOBAL ? 'global' : `zones/${zone}`;
      cur = await this.request<Operation>('POST', `${scope}/operations/${op.name}/wait`, {
        retry: true,
        expect: (v) => (typeof v['status'] === 'string' ? null : 'an operation without a status'),
      }).catch((e: unknown) => {
        if (!(e instanceof GceUnavailable)) throw e;
        throw e.during(mayFinish);
      });
    }
    if (cur.error?.errors?.length)
      throw new OperationError(cur.error.errors, cur.httpErrorStatusCode ?? null);
    return cur;
  }

  /**
   * images.get, or images.getFromFamily for a family path (`…/images/family/F`: its newest image
   * that is not deprecated). `path` is `projects/P/global/images/…` or `global/images/…`.
   */
  getImage(path: string): Promise<Image> {
    return this.request('GET', path.replace(/^https:\/\/[^/]+\/compute\/v1\//, ''));
  }

  /** disks.createSnapshot of a zonal disk (a zone operation); the requestId makes a repeat the same call. */
  createSnapshot(
    zone: string,
    disk: string,
    body: Snapshot,
    requestId: string = randomUUID(),
  ): Promise<Operation> {
    return this.request('POST', `zones/${zone}/disks/${disk}/createSnapshot`, { body, query: { requestId } });
  }

  getSnapshot(name: string): Promise<Snapshot> {
    return this.request('GET', `global/snapshots/${name}`);
  }

  /** snapshots.delete: a global operation (wait with zone GLOBAL). */
  deleteSnapshot(name: string): Promise<Operation> {
    return this.request('DELETE', `global/snapshots/${name}`);
  }

  async operations(zone: string, filter: string): Promise<Operation[]> {
    const query: Query<ComputeZoneOperationsListRequest> = { filter };
    const r = await this.request<{ items?: Operation[] }>('GET', `zones/${zone}/operations`, { query });
    return r.items ?? [];
  }

  async aggregatedOperations(filter: string): Promise<{ zone: string; item: Operation }[]> {
    return this.aggregated<Operation>('operations', 'operations', filter);
  }

  async serialPort(
    zone: string,
    name: string,
    start: number,
  ): Promise<{ contents: string; start: number; next: number }> {
    const query: Query<ComputeInstancesGetSerialPortOutputRequest> = { port: '1', start: String(start) };
    const r = await this.request<SerialPortOutput>('GET', `zones/${zone}/instances/${name}/serialPort`, {
      query,
    });
    return { contents: r.contents ?? '', start: Number(r.start ?? start), next: Number(r.next ?? start) };
  }
}
