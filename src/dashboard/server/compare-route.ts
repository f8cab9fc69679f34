// GET /api/compare?ids=A,B[,…][&from=A&to=B]: the comparison the compare view draws (metadata,
// metrics with deltas and the best, the notebook's source diff, the code diff of the snapshots).
// Read-only like every route; ids are checked before anything is read.
import type { Comparison } from '../../core/compare/compare.js';
import { isCommitId } from '../../core/commit/ids.js';
import type { CommitRow } from '../../core/status/types.js';

export const MAX_COMPARED = 8;

export type CompareFn = (rows: CommitRow[], pair: { from?: string; to?: string }) => Promise<Comparison>;

export async function compareRoute(
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
