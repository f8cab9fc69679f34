// Commit ids and machine names, as the original: UTC `YYYYmmdd_HHMMSS` and `mymlops-YYYYmmdd-HHMMSS`.
// Two commits in the same second are told apart by bumping the later one by a second (the store
// reserves ids atomically), so every id keeps the original's format.

export const COMMIT_ID_RE = /^\d{8}_\d{6}$/;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function commitIdAt(date: Date): string {
  return (
    `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}_` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`
  );
}

/** The instant an id stands for (UTC), or null for something that is not an id. */
export function commitIdDate(id: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})$/.exec(id);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const date = new Date(t);
  return commitIdAt(date) === id ? date : null;
}

/** Candidate ids starting at `date`, one second apart. */
export function* commitIdCandidates(date: Date, max = 3600): Generator<string> {
  const base = Math.floor(date.getTime() / 1000) * 1000;
  for (let i = 0; i < max; i++) yield commitIdAt(new Date(base + i * 1000));
}

export function machineNameFor(commitId: string): string {
  return `mymlops-${commitId.replace('_', '-')}`;
}

/** The hidden ref the snapshot is pushed to. */
export function snapshotRef(commitId: string): string {
  return `refs/mymlops/snapshots/${commitId}`;
}
