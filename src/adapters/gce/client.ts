// A small typed client for the Compute Engine REST API v1 over fetch. Base URL honours gcloud's
// CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE (the base including `compute/v1/`), so one variable
// points both mymlops and gcloud at the same endpoint (e.g. the project's simulator).
import { httpCall, type HttpResponse } from './http.js';
import { randomUUID } from 'node:crypto';
import { debug } from '../../util/log.js';
import type { TokenSource } from './auth.js';
import type {
  AcceleratorType,
  AggregatedPage,
  ComputeInstancesAggregatedListRequest,
  ComputeInstancesGetSerialPortOutputRequest,
  ComputeZoneOperationsListRequest,
  Instance,
  InstanceResource,
  MachineType,
  Metadata,
  Operation,
  Query,
  Returned,
  SerialPortOutput,
} from './api-types.js';
import { type ApiErrorItem, GceApiError, OperationError } from './errors.js';

export const DEFAULT_COMPUTE_BASE = 'https://compute.googleapis.com/compute/v1/';

export function computeBase(env: NodeJS.ProcessEnv = process.env): string {
  const o = env['CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE'];
  if (!o) return DEFAULT_COMPUTE_BASE;
  return o.endsWith('/') ? o : `${o}/`;
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
}

export class GceClient {
  readonly project: string;
  readonly base: string;
  private tokens: TokenSource;
  private timeoutMs: number;

  constructor(o: GceClientOptions) {
    this.project = o.project;
    this.base = o.base ?? computeBase();
    this.tokens = o.tokens;
    this.timeoutMs = o.timeoutMs ?? 60_000;
  }

  private url(path: string, query: Record<string, string | undefined> = {}): string {
    const u = new URL(`projects/${encodeURIComponent(this.project)}/${path}`, this.base);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, v);
    return u.toString();
  }

  /** One API call; idempotent calls are retried on 429/5xx and network errors (bounded backoff). */
  async request<T>(
    method: string,
    path: string,
    opts: { query?: Record<string, string | undefined>; body?: unknown; retry?: boolean } = {},
  ): Promise<T> {
    const url = this.url(path, opts.query);
    const retry = opts.retry ?? (method === 'GET' || method === 'DELETE');
    let reauthed = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.token();
      debug('gce', method, url);
      let res: HttpResponse;
      try {
        res = await httpCall(url, {
          method,
          headers: {
            Authorization: `Bearer ${token}`,
            ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          },
          body: opts.body !== undefined ? JSON.stringify(opts.body) : null,
          timeoutMs: this.timeoutMs,
        });
      } catch (e) {
        if (retry && attempt < 3) {
          await sleep(300 * 2 ** attempt);
          continue;
        }
        throw new GceApiError(
          0,
          `cannot reach ${new URL(this.base).host}: ${(e as Error).message}`,
          [{ reason: 'network' }],
          url,
        );
      }
      const text = res.text;
      if (res.ok) return (text ? JSON.parse(text) : {}) as T;
      if (res.status === 401 && !reauthed) {
        reauthed = true;
        this.tokens.invalidate();
        continue;
      }
      if (retry && (res.status === 429 || res.status >= 500) && attempt < 3) {
        await sleep(300 * 2 ** attempt);
        continue;
      }
      let parsed: { error?: { message?: string; errors?: ApiErrorItem[] } } = {};
      try {
        parsed = JSON.parse(text);
      } catch {
        // a proxy's HTML page: keep the status
      }
      throw new GceApiError(
        res.status,
        parsed.error?.message ?? `HTTP ${res.status} from ${method} ${url}`,
        parsed.error?.errors ?? [],
        url,
      );
    }
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

  /** instances.insert with a requestId, so a retried call after a network error is not a second VM. */
  insertInstance(zone: string, body: Instance): Promise<Operation> {
    return this.request('POST', `zones/${zone}/instances`, {
      body,
      query: { requestId: randomUUID() },
      retry: true,
    });
  }

  /** instances.setMetadata: merges `values` into the current items (fingerprint-checked, retried once). */
  async setMetadata(zone: string, name: string, values: Record<string, string>): Promise<Operation> {
    for (let attempt = 0; ; attempt++) {
      const inst = await this.getInstance(zone, name);
      const items = (inst.metadata?.items ?? []).filter((i) => !(i.key in values));
      for (const [key, value] of Object.entries(values)) items.push({ key, value });
      try {
        const body: Metadata = { fingerprint: inst.metadata?.fingerprint, items };
        const op = await this.request<Operation>('POST', `zones/${zone}/instances/${name}/setMetadata`, {
          body,
          retry: false,
        });
        return await this.waitOperation(zone, op);
      } catch (e) {
        if (e instanceof GceApiError && e.status === 412 && attempt < 2) continue; // raced another update
        throw e;
      }
    }
  }

  deleteInstance(zone: string, name: string): Promise<Operation> {
    return this.request('DELETE', `zones/${zone}/instances/${name}`);
  }

  /** Waits for a zone operation (zoneOperations.wait, repeated) and throws OperationError on error. */
  async waitOperation(zone: string, op: Operation, timeoutMs = 10 * 60_000): Promise<Operation> {
    const deadline = Date.now() + timeoutMs;
    let cur = op;
    while (cur.status !== 'DONE') {
      if (Date.now() > deadline)
        throw new GceApiError(0, `operation ${op.name} did not finish in time`, [{ reason: 'timeout' }], '');
      cur = await this.request<Operation>('POST', `zones/${zone}/operations/${op.name}/wait`, {
        retry: true,
      });
    }
    if (cur.error?.errors?.length)
      throw new OperationError(cur.error.errors, cur.httpErrorStatusCode ?? null);
    return cur;
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
