// GET /api/compare?ids=A,B[,…][&from=A&to=B]: the comparison the compare view draws (metadata,
// metrics with deltas and the best, the notebook's source diff, the code diff of the snapshots).
// Read-only like every route; ids are checked before anything is read.
import type { Comparison } from '../../core/compare/compare.js';
import { isCommitId } from '../../core/commit/ids.js';
import type { CommitRow } from '../../core/status/types.js';

export const MAX_COMPARED = 8;

export type CompareFn = (rows: CommitRow[], pair: { from?: string; to?: string }) => Promise<Comparison>;

export type CompareRoute = (
  params: URLSearchParams,
  lookup: (id: string) => Promise<CommitRow | null>,
) => Promise<{ code: number; body: unknown }>;

/**
 * The route with its bounds: identical requests in flight share one comparison (a tab, its
 * prefetch and a reload ask the same), and at most `parallel` different ones run at once — each
 * may parse two large notebooks.
 */
export function compareRoute(compare: CompareFn | undefined, parallel = 2): CompareRoute {
  const inFlight = new Map<string, Promise<{ code: number; body: unknown }>>();
  const slots = semaphore(parallel);
  return (params, lookup) => {
    const key = ['ids', 'from', 'to'].map((k) => params.get(k) ?? '').join('|');
    let p = inFlight.get(key);
    if (!p) {
      p = slots(() => compareOnce(params, lookup, compare)).finally(() => inFlight.delete(key));
      inFlight.set(key, p);
    }
    return p;
  };
}

function semaphore(n: number): <T>(f: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (f) => {
    if (running >= n) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await f();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

async function compareOnce(
  params: URLSearchParams,
  lookup: (id: string) => Promise<CommitRow | null>,
  compare: CompareFn | undefined,
): Promise<{ code: number; body: unknown }> {
  if (!compare) return { code: 404, body: { error: 'comparing is not available here' } };
  const ids = [...new Set((params.get('ids') ?? '').split(',').filter(Boolean))];
  if (ids.length < 2 || ids.length > MAX_COMPARED)
    return { code: 400, body: { error: `compare 2 to ${MAX_COMPARED} commits: ids=A,B` } };
  const bad = ids.find((id) => !isCommitId(id));
  if (bad !== undefined) return { code: 400, body: { error: 'not a commit id' } };
  const rows: CommitRow[] = [];
  for (const id of ids) {
    const r = await lookup(id);
    if (!r) return { code: 404, body: { error: `no commit ${id}` } };
    rows.push(r);
  }
  const pick = (k: 'from' | 'to') => {
    const v = params.get(k);
    return v && ids.includes(v) ? v : undefined;
  };
  const from = pick('from');
  const to = pick('to');
  return { code: 200, body: await compare(rows, { ...(from ? { from } : {}), ...(to ? { to } : {}) }) };
}
