// Commit ids and machine names, as the original: UTC `YYYYmmdd_HHMMSS` and `mymlops-YYYYmmdd-HHMMSS`.
// Two commits in the same second are told apart by bumping the later one by a second, so every id
// made here keeps the original's format. An id is reserved where it could collide: in the home (the
// store makes its job folder atomically), in the output repository (idRef, created only if absent:
// homes and machines sharing it) and in the code repository (snapshotRef, created the same way);
// an id taken in either repository moves to the next second. Ids read back (job
// folders, output repository folders) may also carry a `_N` suffix, as earlier versions bumped them:
// they are ids of the same instant.

const ID = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?:_\d+)?$/;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function commitIdAt(date: Date): string {
  return (
    `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}_` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`
  );
}

/** The instant an id stands for (UTC), or null for something that is not an id. */
export function commitIdDate(id: string): Date | null {
  const m = ID.exec(id);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return id.startsWith(commitIdAt(date)) ? date : null;
}

export function isCommitId(id: string): boolean {
  return commitIdDate(id) !== null;
}

/** Candidate ids starting at `date`, one second apart. */
export function* commitIdCandidates(date: Date, max = 3600): Generator<string> {
  const base = Math.floor(date.getTime() / 1000) * 1000;
  for (let i = 0; i < max; i++) yield commitIdAt(new Date(base + i * 1000));
}

/** The id one second after `id` (the candidate when `id` is taken elsewhere). */
export function secondAfter(id: string): Date {
  const d = commitIdDate(id);
  if (!d) throw new Error(`not a commit id: ${id}`);
  return new Date(d.getTime() + 1000);
}

/** How many ids a commit tries when the repositories say each is taken. */
export const MAX_ID_CLAIMS = 20;

/** The output repository's ref that reserves an id (its folder is made only once the job ends). */
export function idRef(commitId: string): string {
  return `refs/mymlops/ids/${commitId}`;
}

/** Machine name of attempt n of a commit (attempt 1 keeps the original's name). */
export function machineNameFor(commitId: string, attempt = 1): string {
  const name = `mymlops-${commitId.replaceAll('_', '-')}`;
  return attempt <= 1 ? name : `${name}-a${attempt}`;
}

/** The hidden ref the snapshot is pushed to. */
export function snapshotRef(commitId: string): string {
  return `refs/mymlops/snapshots/${commitId}`;
}
