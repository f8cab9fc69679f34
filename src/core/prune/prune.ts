// What `mymlops prune` removes, chosen as pure data from the status rows: snapshot refs
// (refs/mymlops/snapshots/<id> in the code repository) and launch records (<home>/jobs/<id>/) of
// commits older than commit.prune_after_days that are finished and published — their result lives
// in the output repository, so nothing can need the snapshot or the record again — plus snapshot
// refs no commit knows (a CLI killed during the push). A running, stopped (retryable) or lost
// commit, or a result kept unpublished, keeps both.
import { commitIdDate, isCommitId } from '../commit/ids.js';
import type { CommitRow } from '../status/types.js';

export const SNAPSHOT_PREFIX = 'refs/mymlops/snapshots/';

export interface PruneItem {
  id: string;
  /** The ref (refs) or the commit id (records). */
  what: string;
  why: string;
}

export interface PrunePlan {
  refs: PruneItem[];
  records: PruneItem[];
}

export interface PruneInput {
  /** Refs under refs/mymlops/snapshots/ on the code repository. */
  refs: string[];
  rows: CommitRow[];
  /** Commit ids with a launch record under <home>/jobs. */
  records: string[];
  now: Date;
  days: number;
}

const DONE = new Set(['succeeded', 'failed', 'cancelled']);

function finishedAndPublished(r: CommitRow): boolean {
  const kept = r.status === 'failed' && (r.reason ?? '').startsWith('not published:');
  const machineUp = r.machine !== null && r.machine.state !== 'gone';
  return DONE.has(r.status) && r.output_path !== null && !kept && !machineUp;
}

export function choosePrune(input: PruneInput): PrunePlan {
  const rows = new Map(input.rows.map((r) => [r.id, r]));
  const records = new Set(input.records);
  const old = (id: string) => {
    const at = commitIdDate(id);
    return at !== null && input.now.getTime() - at.getTime() > input.days * 86_400_000;
  };
  const plan: PrunePlan = { refs: [], records: [] };
  for (const ref of [...input.refs].sort()) {
    if (!ref.startsWith(SNAPSHOT_PREFIX)) continue;
    const id = ref.slice(SNAPSHOT_PREFIX.length);
    if (!isCommitId(id) || !old(id)) continue;
    const row = rows.get(id);
    if (row && finishedAndPublished(row)) plan.refs.push({ id, what: ref, why: `${row.status}, published` });
    else if (!row && !records.has(id)) plan.refs.push({ id, what: ref, why: 'no commit of it anywhere' });
  }
  for (const id of [...records].sort()) {
    const row = rows.get(id);
    if (old(id) && row && finishedAndPublished(row))
      plan.records.push({ id, what: id, why: `${row.status}, published` });
  }
  return plan;
}
