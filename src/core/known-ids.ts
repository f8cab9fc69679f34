// Which names in MYMLOPS_HOME stand for commits and dev machines, and which commit ids shell
// completion offers. The home is read by src/adapters/store/known-ids.ts; the rules are here.
import { isCommitId } from './commit/ids.js';
import { parseLaunchRecord } from './ports/launch-record.js';
import { inProject, type ProjectKey } from './project-scope.js';

/** A name that may stand for a folder <home>/dev/<name>/ (no `/`, `.` or `..`). */
export function isDevFolderName(name: string): boolean {
  return /^[a-z][-a-z0-9]*$/.test(name);
}

export interface KnownIdsInput {
  /** The folder names under <home>/jobs/. */
  jobFolders: string[];
  /** A job folder's launch.json, parsed (null: none or unreadable). Asked only with a project. */
  launchOf(id: string): unknown;
  /** The text of the `commit-ids` list the status index last wrote ('' when there is none). */
  listed: string;
  /** With a project, another project's launch records are left out. */
  project: ProjectKey | null;
}

/** Commit ids for shell completion, newest first. */
export function commitIdsFrom(i: KnownIdsInput): string[] {
  const ids = new Set<string>();
  for (const d of i.jobFolders) {
    if (!isCommitId(d)) continue;
    const rec = i.project ? parseLaunchRecord(i.launchOf(d)) : null;
    if (!rec || !i.project || inProject(rec, i.project)) ids.add(d);
  }
  for (const l of i.listed.split('\n')) if (isCommitId(l.trim())) ids.add(l.trim());
  return [...ids].sort().reverse();
}

/** Dev machine names among the folder names under <home>/dev/, sorted. */
export function devNamesFrom(folders: string[]): string[] {
  return folders.filter(isDevFolderName).sort();
}
