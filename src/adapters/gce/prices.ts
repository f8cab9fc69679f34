// The price table (spot and on-demand): fetched from the Cloud Billing Catalog API (paged, reduced
// page by page to a few KB), cached at <home>/cache/gce-prices.json and refreshed when older than a
// week. With ADC user credentials the call names the quota project (`x-goog-user-project`): the
// catalog URL has no project, and Google bills user credentials' API use to that project.
// A failed fetch is remembered for a day so an offline laptop or a project without the billing API
// does not pay for it on every commit.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { addSkus, emptyTable, type PriceTable, type Sku } from '../../core/zones/prices.js';
import { debug } from '../../util/log.js';
import { mymlopsHome } from '../../util/paths.js';
import type { TokenSource } from './auth.js';
import { errorReasons, isRateLimited } from './errors.js';
import { backoff, type Clock, type RetryPolicy, realClock, retryPolicy } from './retry.js';
import { envValue } from '../../util/env.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { HOME } from '../../util/home-layout.js';

export const COMPUTE_SERVICE_ID = '6F81-5844-456A';
const WEEK_MS = 7 * 24 * 3600_000;
const RETRY_FAILED_MS = 24 * 3600_000;

/** Bumped when the table's shape changes, so an older cache is fetched again instead of misread. */
const CACHE_VERSION = 3;

interface CacheFile {
  version?: number;
  fetchedAt: string | null;
  failedAt?: string;
  error?: string;
  table: PriceTable | null;
}

export function billingBase(env: NodeJS.ProcessEnv = process.env): string {
  const b =
    envValue('MYMLOPS_BILLING_ENDPOINT', env) ??
    envValue('CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDBILLING', env) ??
    'https://cloudbilling.googleapis.com/v1/';
  return b.endsWith('/') ? b : `${b}/`;
}

export function priceCachePath(env: NodeJS.ProcessEnv = process.env): string {
  return HOME.gcePrices(mymlopsHome(env));
}

export async function fetchPriceTable(
  tokens: TokenSource,
  base: string,
  maxPages = 50,
  policy: RetryPolicy = retryPolicy(),
  clock: Clock = realClock,
): Promise<PriceTable> {
  const table = emptyTable();
  let pageToken = '';
  for (let page = 0; page < maxPages; page++) {
    const u = new URL(`services/${COMPUTE_SERVICE_ID}/skus`, base);
    u.searchParams.set('pageSize', '5000');
    if (pageToken) u.searchParams.set('pageToken', pageToken);
    const quota = tokens.quotaProject?.();
    const startedAt = clock.now();
    let res: Response;
    for (let attempt = 0; ; attempt++) {
      res = await fetch(u, {
        headers: {
          Authorization: `Bearer ${await tokens.token()}`,
          ...(quota ? { 'x-goog-user-project': quota } : {}),
        },
        signal: AbortSignal.timeout(60_000),
      });
      if (res.ok) break;
      // Refused over a rate limit: asked again within the budget (a failure is remembered a day).
      const refusedOverRate = isRateLimited(res.status, errorReasons(await res.text()));
      if (!refusedOverRate || !(await backoff(attempt, startedAt, policy, clock)))
        throw new Error(`billing catalog: HTTP ${res.status}${refusedOverRate ? ' (rate-limited)' : ''}`);
    }
    const body = (await res.json()) as { skus?: Sku[]; nextPageToken?: string };
    addSkus(table, body.skus ?? []);
    pageToken = body.nextPageToken ?? '';
    if (!pageToken) return table;
  }
  throw new Error('billing catalog: too many pages');
}

function readCache(file: string): CacheFile | null {
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    return c.version === CACHE_VERSION ? c : null;
  } catch {
    return null;
  }
}

function writeCache(file: string, c: CacheFile): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, JSON.stringify(c));
  } catch (e) {
    debug('cannot write price cache', String(e));
  }
}

export interface Prices {
  table: PriceTable | null;
  /** Why there are no (fresh) prices, for the one-line note. */
  problem: string | null;
}

/** Cached table, refreshed when older than a week (stale prices beat none when a refresh fails). */
export async function computePrices(
  tokens: TokenSource,
  env: NodeJS.ProcessEnv = process.env,
  now = Date.now(),
): Promise<Prices> {
  const file = priceCachePath(env);
  const cache = readCache(file);
  const fetchedAt = cache?.fetchedAt ? Date.parse(cache.fetchedAt) : 0;
  if (cache?.table && now - fetchedAt < WEEK_MS) return { table: cache.table, problem: null };
  const failedAt = cache?.failedAt ? Date.parse(cache.failedAt) : 0;
  if (now - failedAt < RETRY_FAILED_MS)
    return { table: cache?.table ?? null, problem: cache?.error ?? 'price fetch failed' };
  try {
    const table = await fetchPriceTable(tokens, billingBase(env));
    writeCache(file, { version: CACHE_VERSION, fetchedAt: new Date(now).toISOString(), table });
    return { table, problem: null };
  } catch (e) {
    const error = (e as Error).message;
    writeCache(file, {
      version: CACHE_VERSION,
      fetchedAt: cache?.fetchedAt ?? null,
      failedAt: new Date(now).toISOString(),
      error,
      table: cache?.table ?? null,
    });
    return { table: cache?.table ?? null, problem: error };
  }
}
