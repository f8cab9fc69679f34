// What `mymlops prune` removes, chosen as pure data from the status rows: snapshot refs
// (refs/mymlops/snapshots/<id> in the code repository) and launch records (<home>/jobs/<id>/) of
// commits older than commit.prune_after_days that are finished and published — their result lives
// in the output repository, so nothing can need the snapshot or the record again — plus snapshot
// refs no commit knows (a CLI killed during the push). A running, stopped (retryable) or lost
// commit, or a result kept unpublished, keeps both. Progress refs (refs/mymlops/progress/<id> in
// the output repository) of commits no longer running, whatever their age, go too: a job that
// could not remove its own (killed, offline) leaves one behind, and it is never a result.
import { commitIdDate, isCommitId } from '../commit/ids.js';
import { PROGRESS_PREFIX } from '../status/progress.js';
import { type CommitRow, isKeptUnpublished } from '../status/types.js';
import { isPresent } from '../machine-state.js';

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
  /** Progress refs in the output repository. */
  progress: PruneItem[];
}

export interface PruneInput {
  /** Refs under refs/mymlops/snapshots/ on the code repository. */
  refs: string[];
  rows: CommitRow[];
  /** Commit ids with a launch record under <home>/jobs. */
  records: string[];
  /** Commit ids with a progress ref in the output repository. */
  progress?: string[];
  now: Date;
  days: number;
}

const DONE = new Set(['succeeded', 'failed', 'cancelled']);
/** Statuses of a commit whose job may still push progress. */
const RUNNING = new Set(['processing', 'provisioning', 'queued']);

function finishedAndPublished(r: CommitRow): boolean {
  const machineUp = r.machine !== null && isPresent(r.machine);
  return DONE.has(r.status) && r.output_path !== null && !isKeptUnpublished(r) && !machineUp;
}

export function choosePrune(input: PruneInput): PrunePlan {
  const rows = new Map(input.rows.map((r) => [r.id, r]));
  const records = new Set(input.records);
  const old = (id: string) => {
    const at = commitIdDate(id);
    return at !== null && input.now.getTime() - at.getTime() > input.days * 86_400_000;
  };
  const plan: PrunePlan = { refs: [], records: [], progress: [] };
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
  for (const id of [...(input.progress ?? [])].sort()) {
    const row = rows.get(id);
    if (row && RUNNING.has(row.status)) continue;
    plan.progress.push({
      id,
      what: `${PROGRESS_PREFIX}${id}`,
      why: row ? `${row.status}, not running` : 'no commit of it anywhere',
    });
  }
  return plan;
}
